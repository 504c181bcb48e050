"""Reads of checkouts, always scoped by tenant and mode; `checkout_json` is the reference GET shape."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from carts.selectors import yrn
from checkout_project.jsonutil import MoneyJSONEncoder
from merchants.models import Tenant

from .models import Checkout
from .placement import payment_json


def checkout_queryset(
    *, tenant: Tenant, mode: str, customer_id: str | None = None, lookups: dict[str, Any] | None = None
) -> QuerySet[Checkout]:
    """Checkouts of one tenant and mode; narrowed to one customer when a saas-token was sent, and
    by `lookups` (validated list filters, `CheckoutFilter.lookups`) when given."""
    qs = Checkout.objects.filter(tenant=tenant, mode=mode).select_related("order", "payment")
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    return qs.filter(**lookups) if lookups else qs


def checkout_count_key(*, tenant: Tenant, mode: str, customer_id: str | None, filters: list) -> str:
    """What makes a list's set of checkouts, for its cached count: tenant, mode, customer, filters."""
    return f"checkouts:{tenant.pk}:{mode}:{customer_id!r}:{filters!r}"


def _timestamp(value) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def checkout_json(checkout: Checkout, *, tenant_code: str) -> dict[str, Any]:
    """The reference `GET /{tenant}/checkouts/{id}` example, field for field."""
    order = checkout.order
    return {
        "id": checkout.pk,
        "yrn": yrn(tenant_code, "checkout:checkoutId", checkout.pk),
        "paymentMethods": [
            {key: value for key, value in method.items() if key != "customAttributes"}
            for method in checkout.payment_methods
        ],
        "payment": payment_json(checkout.payment),
        "order": (
            {"orderId": order.pk, "status": order.status, "yrn": yrn(tenant_code, "order:order", order.pk)}
            if order is not None
            else None
        ),
        "coupons": checkout.coupons,
        "status": checkout.status,
        "retryAttempts": checkout.retry_attempts,
        "addresses": checkout.addresses,
        "customer": checkout.customer,
        "metadata": {
            "createdAt": _timestamp(checkout.created_at),
            "modifiedAt": _timestamp(checkout.modified_at),
            "version": checkout.version,
        },
        "cart": checkout.cart_snapshot,
        "orderCreated": checkout.order_created,
        "checkoutCompleted": checkout.checkout_completed,
        "failureReason": checkout.failure_reason or None,
    }


# The same document as `checkout_json`, built by PostgreSQL so the view passes text straight
# through (no ORM objects, no Python JSON encoding). Kept equal to `checkout_json` by a test.
# Its two %s are the tenant code (for the yrns).
_PG_DOCUMENT = """json_build_object(
  'id', c.id,
  'yrn', 'urn:yaas:hybris:checkout:checkoutId:' || %s || ';' || c.id,
  'paymentMethods', (SELECT coalesce(json_agg(m - 'customAttributes'), '[]'::json)
                     FROM jsonb_array_elements(c.payment_methods) AS m),
  'payment', CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object(
      'paymentId', p.provider, 'status', p.status,
      'paidAmount', CASE WHEN p.status = 'success' THEN p.amount::float8 ELSE 0 END,
      'currency', p.currency, 'transactionId', p.transaction_id, 'paymentMethod', p.method,
      'lastFour', p.card_last4) END,
  'order', CASE WHEN o.id IS NULL THEN NULL ELSE json_build_object(
      'orderId', o.id, 'status', o.status, 'yrn', 'urn:yaas:hybris:order:order:' || %s || ';' || o.id) END,
  'coupons', c.coupons,
  'status', c.status,
  'retryAttempts', c.retry_attempts,
  'addresses', c.addresses,
  'customer', c.customer,
  'metadata', json_build_object(
      'createdAt', to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'modifiedAt', to_char(c.modified_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'version', c.version),
  'cart', c.cart_snapshot,
  'orderCreated', c.order_created,
  'checkoutCompleted', c.checkout_completed,
  'failureReason', NULLIF(c.failure_reason, '')
)::text"""
_PG_SCOPE = "c.tenant_id = %s AND c.mode = %s{customer}"
_PG_JOINS = """
LEFT JOIN checkouts_order o ON o.id = c.order_id
LEFT JOIN checkouts_payment p ON p.id = c.payment_id"""

# One checkout by id. Its own statement, because PostgreSQL keeps one generic plan for it once
# prepared, while it plans the page form below anew on every run (0.1 ms against 0.7 ms).
_PG_ONE_SQL = f"SELECT {_PG_DOCUMENT} FROM checkouts_checkout c {_PG_JOINS} WHERE c.id = %s AND {_PG_SCOPE}"  # noqa: S608

# Many, in page order. `{{page}}` is where the ids come from: a text[] parameter, or the page's own
# id query (`ARRAY(SELECT id ... ORDER BY ... LIMIT ...)`), so that a list page is one query.
_PG_DOCUMENTS_SQL = f"""
SELECT '[' || coalesce(string_agg(doc, ',' ORDER BY n {{direction}}), '') || ']' FROM (
  SELECT page.n, {_PG_DOCUMENT} AS doc
  FROM unnest({{page}}) WITH ORDINALITY AS page(id, n)
  JOIN checkouts_checkout c ON c.id = page.id AND {_PG_SCOPE}
  {_PG_JOINS}
) AS docs
"""  # noqa: S608 - constants only; every value is a parameter


def _customer_clause(customer_id: str | None) -> str:
    return "" if customer_id is None else " AND c.customer_id = %s"


def checkout_document(*, tenant: Tenant, mode: str, checkout_id: str, customer_id: str | None = None) -> str | None:
    """The JSON text of one checkout of this tenant and mode (and customer, when given); None if
    there is none. One query."""
    if connection.vendor != "postgresql":
        many = checkout_documents(tenant=tenant, mode=mode, ids=[checkout_id], customer_id=customer_id)
        return None if many == "[]" else many[1:-1]
    params = [tenant.code, tenant.code, checkout_id, tenant.pk, mode]
    if customer_id is not None:
        params.append(customer_id)
    with connection.cursor() as cursor:
        cursor.execute(_PG_ONE_SQL.format(customer=_customer_clause(customer_id)), params)
        row = cursor.fetchone()
    return None if row is None else row[0]


def checkout_documents(*, tenant: Tenant, mode: str, ids: list[str], customer_id: str | None = None) -> str:
    """The JSON array text of those of `ids` that are this tenant's and mode's (and customer's,
    when given), in the order of `ids`. One query; unknown or foreign ids are simply absent."""
    if not ids:
        return "[]"
    if connection.vendor == "postgresql":
        return _pg_documents(tenant=tenant, mode=mode, source=("%s::text[]", [list(ids)]), customer_id=customer_id)
    scoped = checkout_queryset(tenant=tenant, mode=mode, customer_id=customer_id)
    by_id = {c.pk: c for c in scoped.filter(pk__in=ids)}
    documents = [checkout_json(by_id[pk], tenant_code=tenant.code) for pk in ids if pk in by_id]
    return json.dumps(documents, cls=MoneyJSONEncoder, separators=(",", ":"))


@dataclass(frozen=True)
class CheckoutPageQuery:
    """One page of a list: the checkouts of a tenant and mode (and saas-token customer) matching
    `lookups` (validated ORM lookups of Checkout fields), `size` rows from `offset` in `order_by`
    (ORM terms, the primary key last); `reverse` when that order reads the page backwards."""

    tenant: Tenant
    mode: str
    customer_id: str | None
    lookups: dict[str, Any]
    order_by: list[str]
    offset: int
    size: int
    reverse: bool = False


def checkout_page_documents(page: CheckoutPageQuery) -> str:
    """The JSON array text of one page of a list, in page order. One query."""
    if connection.vendor == "postgresql":
        ids_sql, params = checkout_page_ids_sql(page)
        return _pg_documents(
            tenant=page.tenant,
            mode=page.mode,
            source=(f"ARRAY({ids_sql})", params),
            descending=page.reverse,
            customer_id=page.customer_id,
        )
    matching = checkout_queryset(tenant=page.tenant, mode=page.mode, customer_id=page.customer_id, lookups=page.lookups)
    ordered = matching.order_by(*page.order_by).values_list("pk", flat=True)
    ids = list(ordered[page.offset : page.offset + page.size])
    if page.reverse:
        ids.reverse()
    return checkout_documents(tenant=page.tenant, mode=page.mode, ids=ids, customer_id=page.customer_id)


def checkout_page_ids_sql(page: CheckoutPageQuery) -> tuple[str, list[Any]]:
    """PostgreSQL: the id query of one page, written here rather than compiled by the ORM (which
    cost more than PostgreSQL spends running it); `checkout_page_documents` runs it inside the
    document query. The bounds are literals: PostgreSQL plans parameters there badly."""
    where, params = _pg_where(page)
    sql = f"SELECT c.id FROM checkouts_checkout c WHERE {where} ORDER BY {_pg_order(page.order_by)}"  # noqa: S608
    return f"{sql} LIMIT {int(page.size)} OFFSET {int(page.offset)}", params


_OPERATORS = {"exact": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def _pg_column(name: str) -> str:
    field = Checkout._meta.pk if name == "pk" else Checkout._meta.get_field(name)
    return "c." + connection.ops.quote_name(field.column)


def _pg_where(page: CheckoutPageQuery) -> tuple[str, list[Any]]:
    """`checkout_queryset(...).filter(**lookups)` as a WHERE clause over `checkouts_checkout c`."""
    terms, params = ["c.tenant_id = %s", "c.mode = %s"], [page.tenant.pk, page.mode]
    if page.customer_id is not None:
        terms.append("c.customer_id = %s")
        params.append(page.customer_id)
    for lookup, value in page.lookups.items():
        name, _, operator = lookup.partition("__")
        terms.append(f"{_pg_column(name)} {_OPERATORS[operator or 'exact']} %s")
        params.append(value)
    return " AND ".join(terms), params


def _pg_order(order_by: list[str]) -> str:
    return ", ".join(_pg_column(term.lstrip("-")) + (" DESC" if term.startswith("-") else " ASC") for term in order_by)


def _pg_documents(
    *, tenant: Tenant, mode: str, source: tuple[str, list[Any]], customer_id: str | None, descending: bool = False
) -> str:
    page, page_params = source
    sql = _PG_DOCUMENTS_SQL.format(
        page=page, direction="DESC" if descending else "ASC", customer=_customer_clause(customer_id)
    )
    params = [tenant.code, tenant.code, *page_params, tenant.pk, mode]
    if customer_id is not None:
        params.append(customer_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
