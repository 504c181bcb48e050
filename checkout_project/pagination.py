"""The one list pagination of the API: `pageNumber`, `pageSize`, `sort`, `Link` and `X-Total-Count`.

As in the Emporix list endpoints (DESIGN.md "Listing and deleting checkouts"):

- `pageNumber` ≥ 1 (default 1), `pageSize` 1..`PAGE_SIZE_MAX` (default 16);
- `sort=field[:asc|:desc],...` over the view's whitelist `sort_fields` (API name → ORM field),
  always followed by the primary key so pages never overlap or skip rows;
- the body is a JSON array; the `Link` header (RFC 8288) carries `rel="self"` always and
  `rel="next"` / `rel="prev"` when those pages exist, as absolute URLs keeping the other query
  parameters; `X-Total-Count` is the number of matching rows.

Bad values answer `400 validation_violation` naming the parameter (`invalid_query_parameter`);
`pageNumber=0` reproduces the reference example exactly.

Use it from any view (APIView or GenericAPIView):

    class ThingListView(TenantAPIView):
        sort_fields = {"id": "id", "metadata.createdAt": "created_at"}
        default_sort = ("-created_at",)

        @extend_schema(parameters=LinkHeaderPagination.openapi_parameters(sort_fields))
        def get(self, request, tenant):
            paginator = LinkHeaderPagination()
            rows = paginator.paginate_queryset(queryset, request, self)
            return paginator.get_paginated_response([render(row) for row in rows])

A view that renders its own body (e.g. JSON built by the database) asks `paginator.page_window()`
where the page lies, renders it, and answers `paginator.headers()`.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from .errors import DetailType, ErrorDetail, validation_error

PAGE_SIZE_DEFAULT = 16
PAGE_SIZE_MAX = 200
_DIGITS = re.compile(r"^[0-9]{1,18}$")


def _positive_int(raw: str | None, *, default: int) -> int | None:
    """The value of a positive integer query parameter, `default` when absent, None when invalid."""
    if raw is None:
        return default
    if not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if value >= 1 else None


_clock = time.time  # the tests move it


def count_matching(queryset: QuerySet | Callable[[], QuerySet], *, key: str | None = None) -> int:
    """`X-Total-Count`: exact up to `LIST_EXACT_COUNT_LIMIT` rows; above it, from the cache.

    Counting a million rows costs far more than the page itself, so a large count is kept in the
    cache under `key` — what makes the set of rows, which must name the tenant, mode and every
    filter — or, without one, under the query's SQL and parameters (compiling the query just for
    the key costs about as much as the cached lookup saves). It is fresh for about
    `LIST_COUNT_CACHE_SECONDS` (± 20 %, so that workers do not all recount at the same moment);
    once stale, one request recounts while the others keep answering the stale figure. A large
    total may therefore lag by that long, rarely twice as long. With a `key`, `queryset` may be a
    function that builds it, called only when there is something to count.
    """
    if key is None and callable(queryset):
        queryset = queryset()
    compiled = None
    if key is None:
        compiled = queryset.order_by().query.sql_with_params()
        key = count_cache_key(repr(compiled))
    else:
        key = count_cache_key(key)
    cached = cache.get(key)
    now = _clock()
    if cached is not None:
        total, fresh_until = cached
        if now < fresh_until or not cache.add(key + ":recount", 1, timeout=60):
            return total  # fresh, or another request is recounting it
    if callable(queryset):
        queryset = queryset()
    sql, params = compiled or queryset.order_by().query.sql_with_params()
    limit = settings.LIST_EXACT_COUNT_LIMIT
    if cached is None:  # else it was large a moment ago: count it all
        capped = _count_rows(f"{sql} LIMIT {int(limit) + 1}", params, queryset.db)
        if capped <= limit:
            return capped
    total = _count_rows(sql, params, queryset.db)
    seconds = settings.LIST_COUNT_CACHE_SECONDS
    fresh_until = now + seconds * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not a secret
    cache.set(key, (total, fresh_until), timeout=seconds * 10 + 60)
    cache.delete(key + ":recount")
    return total


def _count_rows(sql: str, params: Sequence[Any], using: str) -> int:
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS matching", params)  # noqa: S608 - compiled by the ORM
        return cursor.fetchone()[0]


def count_cache_key(key: str) -> str:
    """The cache key of a list's count (`count_matching`'s `key`, or its query's SQL)."""
    return "list-count:" + hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class PageWindow:
    """The rows of a page: `size` rows from `offset` in `order_by` (ORM terms, the primary key
    last). `reversed` windows read from the end: their rows come back in reverse page order."""

    order_by: list[str]
    offset: int
    size: int
    reversed: bool


class LinkHeaderPagination(BasePagination):
    """Page-number pagination with sorting, answered as a bare JSON array plus `Link` headers."""

    page_query_param = "pageNumber"
    page_size_query_param = "pageSize"
    sort_query_param = "sort"
    page_size = PAGE_SIZE_DEFAULT
    max_page_size = PAGE_SIZE_MAX

    def __init__(self) -> None:
        self.request = None
        self.page_number = 1
        self.page_size_used = self.page_size
        self.total = 0

    # -- parsing -------------------------------------------------------------------------------

    def parse(self, request, view) -> tuple[int, int, list[str]]:
        """(page number, page size, order_by) from the query string; 400 naming every bad parameter."""
        params = request.query_params if hasattr(request, "query_params") else request.GET
        details: list[ErrorDetail] = []
        page = _positive_int(params.get(self.page_query_param), default=1)
        if page is None:
            details.append(
                ErrorDetail(self.page_query_param, DetailType.INVALID_QUERY_PARAMETER, "must be a positive number")
            )
        size = _positive_int(params.get(self.page_size_query_param), default=self.page_size)
        if size is None:
            details.append(
                ErrorDetail(self.page_size_query_param, DetailType.INVALID_QUERY_PARAMETER, "must be a positive number")
            )
        elif size > self.max_page_size:
            details.append(
                ErrorDetail(
                    self.page_size_query_param,
                    DetailType.INVALID_QUERY_PARAMETER,
                    f"must not be greater than {self.max_page_size}",
                )
            )
        order_by, sort_problem = self.parse_sort(params.get(self.sort_query_param), view)
        if sort_problem:
            details.append(ErrorDetail(self.sort_query_param, DetailType.INVALID_QUERY_PARAMETER, sort_problem))
        if details:
            raise validation_error(details)
        return page, size, order_by

    def parse_sort(self, raw: str | None, view) -> tuple[list[str], str | None]:
        """ORM `order_by` terms for `sort=field[:asc|:desc],...`, with the primary key as tie-breaker."""
        whitelist: Mapping[str, str] = getattr(view, "sort_fields", {}) or {}
        order_by: list[str] = []
        if raw is None or raw.strip() == "":
            order_by = list(getattr(view, "default_sort", ()) or ())
        else:
            for term in raw.split(","):
                name, _, direction = term.strip().partition(":")
                direction = direction.strip().lower() or "asc"
                if name not in whitelist:
                    allowed = ", ".join(whitelist) or "none"
                    return [], f"cannot sort by '{name}'; allowed: {allowed}"
                if direction not in ("asc", "desc"):
                    return [], f"sort direction of '{name}' must be asc or desc"
                order_by.append(("-" if direction == "desc" else "") + whitelist[name])
        if not any(term.lstrip("-") in ("pk", "id") for term in order_by):
            # Unique tie-breaker (stable pages), in the direction of the last term so that one
            # (tenant, ..., field, id) index serves the whole ORDER BY, forwards or backwards.
            descending = bool(order_by) and order_by[-1].startswith("-")
            order_by.append("-pk" if descending else "pk")
        return order_by, None

    # -- DRF pagination interface --------------------------------------------------------------

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list[Any]:
        """The rows of the requested page: a count (often from the cache), then the page."""
        window = self.page_window(request, view, count=lambda: count_matching(queryset))
        if window is None:
            return []
        rows = list(queryset.order_by(*window.order_by)[window.offset : window.offset + window.size])
        if window.reversed:
            rows.reverse()
        return rows

    def page_window(self, request, view, *, count: Callable[[], int]) -> PageWindow | None:
        """Where the requested page lies (None when past the end), given `count()` of the rows.

        Pages in the second half of the result are read backwards from the end, so a page near
        the end costs what a page near the start costs instead of skipping every row before it.
        """
        self.request = request
        self.page_number, self.page_size_used, order_by = self.parse(request, view)
        self.total = count()
        offset = (self.page_number - 1) * self.page_size_used
        if offset >= self.total:
            return None
        size = min(self.page_size_used, self.total - offset)
        if offset > self.total // 2:
            reversed_order = [term[1:] if term.startswith("-") else "-" + term for term in order_by]
            return PageWindow(reversed_order, self.total - offset - size, size, reversed=True)
        return PageWindow(order_by, offset, size, reversed=False)

    def get_paginated_response(self, data) -> Response:
        return Response(data, headers=self.headers())

    def headers(self) -> dict[str, str]:
        """`Link` and `X-Total-Count` for the page `paginate_queryset` produced."""
        links = [(self.page_number, "self")]
        if self.page_number * self.page_size_used < self.total:
            links.append((self.page_number + 1, "next"))
        if self.page_number > 1:
            last = max(1, -(-self.total // self.page_size_used))
            links.append((min(self.page_number - 1, last), "prev"))
        base = self.request.build_absolute_uri(self.request.path)  # host and scheme checked once
        query = self.request.GET.copy()
        urls = []
        for number, rel in links:
            query[self.page_query_param] = str(number)
            urls.append(f'<{base}?{query.urlencode()}>; rel="{rel}"')
        return {"Link": ", ".join(urls), "X-Total-Count": str(self.total)}

    # -- OpenAPI -------------------------------------------------------------------------------

    @classmethod
    def openapi_parameters(
        cls, sort_fields: Mapping[str, str], default_sort: Sequence[str] = ()
    ) -> list[OpenApiParameter]:
        allowed = ", ".join(f"`{name}`" for name in sort_fields)
        default = ", ".join(default_sort) or "creation order"
        return [
            OpenApiParameter(
                cls.page_query_param,
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description="The page to retrieve; the first page is 1. Minimum 1, default 1.",
            ),
            OpenApiParameter(
                cls.page_size_query_param,
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description=f"Rows per page. Minimum 1, default {cls.page_size}, maximum {cls.max_page_size}.",
            ),
            OpenApiParameter(
                cls.sort_query_param,
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description="Comma-separated `field[:asc|:desc]` terms, ascending unless `:desc`. "
                f"Fields: {allowed}. Default order: {default}; ties are broken by the id.",
            ),
            *cls.openapi_response_headers(),
        ]

    @staticmethod
    def openapi_response_headers() -> list[OpenApiParameter]:
        return [
            OpenApiParameter(
                "Link",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                response=[200],
                description='RFC 8288 links: rel="self" always, rel="next" and rel="prev" when those pages exist.',
            ),
            OpenApiParameter(
                "X-Total-Count",
                OpenApiTypes.INT,
                OpenApiParameter.HEADER,
                response=[200],
                description="Number of rows matching the filters, over all pages.",
            ),
        ]

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        # GenericAPIView list views: drf-spectacular asks the paginator for its query parameters.
        return [
            {"name": p.name, "required": False, "in": "query", "description": p.description, "schema": {"type": t}}
            for p, t in zip(
                self.openapi_parameters(getattr(view, "sort_fields", {}))[:3],
                ("integer", "integer", "string"),
                strict=True,
            )
        ]

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return schema
