"""Every merchant route refuses missing, bad, revoked, expired, foreign and scope-less credentials.

The routes come from the URLconf, not from a list: any route whose path has a `{tenant}`
segment or starts with `api/v1/checkout-link` is covered as soon as it is added, for every HTTP
method its view implements. Every merchant route must require at least one scope.

The walk starts at `merchants.tests.urls`, which includes the real URLconf and adds two probe
routes shaped like the real ones, so the matrix is never empty and its own checks are exercised
even before the real routes exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from merchants.services import api_key_revoke
from merchants.tests.helpers import assert_error, bearer, expire_all_tokens, key_headers

TEST_URLCONF = "merchants.tests.urls"
pytestmark = [pytest.mark.django_db, pytest.mark.urls(TEST_URLCONF)]

TENANT_SEGMENT = re.compile(r"<(?:\w+:)?tenant>|\(\?P<tenant>")  # path() or re_path()
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
SAMPLE_VALUES = {"int": "123", "uuid": "00000000-0000-4000-8000-000000000123"}  # str, slug, path: "x123"
IGNORED_METHODS = {"options", "head"}


@dataclass(frozen=True)
class MerchantRoute:
    route: str  # as declared, e.g. "checkout/<str:tenant>/checkouts/<str:checkout_id>"
    path: str | None  # with plausible values; None when the pattern is a regex we cannot fill
    methods: tuple[str, ...]
    has_tenant: bool

    def url(self) -> str:
        if self.path is None:
            pytest.fail(f"{self.route!r} is a regex route: write it with path() so the matrix can fill it in")
        return self.path


def is_merchant_route(route: str) -> bool:
    return bool(TENANT_SEGMENT.search(route)) or route.lstrip("^").startswith("api/v1/checkout-link")


def fill(route: str) -> str:
    def value(match: re.Match) -> str:
        if match["name"] == "tenant":
            return "acme"
        return SAMPLE_VALUES.get(match["converter"] or "str", "x123")

    return "/" + PARAMETER.sub(value, route)


def view_methods(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)  # a DRF ViewSet routed by a router
    if actions:
        return tuple(sorted(m for m in actions if m not in IGNORED_METHODS))
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is None:
        return ("get",)  # a plain function view: probe it; it will fail the matrix, as it should
    return tuple(m for m in view_class.http_method_names if m not in IGNORED_METHODS and hasattr(view_class, m))


def walk(patterns, prefix: str = "", regex: bool = False):
    for pattern in patterns:
        is_regex = regex or not isinstance(pattern.pattern, RoutePattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), is_regex)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern, is_regex


def merchant_routes(urlconf: str) -> list[MerchantRoute]:
    routes = []
    for route, pattern, is_regex in walk(get_resolver(urlconf).url_patterns):
        if not is_merchant_route(route):
            continue
        routes.append(
            MerchantRoute(
                route=route,
                path=None if is_regex else fill(route),
                methods=view_methods(pattern.callback),
                has_tenant=bool(TENANT_SEGMENT.search(route)),
            )
        )
    return routes


ROUTES = merchant_routes(TEST_URLCONF)
CASES = [pytest.param(r, m, id=f"{m.upper()} /{r.route}") for r in ROUTES for m in r.methods]
TENANT_CASES = [pytest.param(r, m, id=f"{m.upper()} /{r.route}") for r in ROUTES for m in r.methods if r.has_tenant]


def call(route: MerchantRoute, method: str, headers: dict[str, str] | None = None):
    return Client(headers=headers or {}).generic(
        method.upper(), route.url(), data="{}", content_type="application/json"
    )


def test_the_matrix_covers_every_real_merchant_route():
    """Also true (trivially) while no real merchant route exists yet."""
    real = {r.route for r in merchant_routes(settings.ROOT_URLCONF)}
    assert real <= {r.route for r in ROUTES}
    assert {"checkout/<str:tenant>/whoami", "api/v1/checkout-link-probe/<str:customer_id>"} <= {r.route for r in ROUTES}
    assert all(r.methods for r in ROUTES), [r.route for r in ROUTES if not r.methods]


def test_filling_path_parameters():
    assert fill("checkout/<str:tenant>/checkouts/<str:checkout_id>") == "/checkout/acme/checkouts/x123"
    assert fill("cart/<tenant>/carts/<int:n>/<uuid:u>") == ("/cart/acme/carts/123/00000000-0000-4000-8000-000000000123")


@pytest.mark.parametrize(("route", "method"), CASES)
def test_no_credentials_is_401(route, method):
    response = call(route, method)
    assert_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"]


@pytest.mark.parametrize(("route", "method"), CASES)
def test_bad_secret_is_401(route, method, api_key):
    headers = key_headers(api_key) | {"accessSecret": api_key.access_secret + "x"}
    assert_error(call(route, method, headers), 401, "unauthorized")


@pytest.mark.parametrize(("route", "method"), CASES)
def test_revoked_key_is_401(route, method, api_key):
    api_key_revoke(api_key=api_key.api_key)
    assert_error(call(route, method, key_headers(api_key)), 401, "unauthorized")


@pytest.mark.parametrize(("route", "method"), CASES)
def test_expired_token_is_401(route, method, api_key, issue_token):
    token = issue_token(api_key)
    expire_all_tokens()
    body = assert_error(call(route, method, bearer(token)), 401, "unauthorized")
    assert body["fault"]["detail"]["errorcode"] == "keymanagement.service.access_token_expired"


@pytest.mark.parametrize(("route", "method"), TENANT_CASES)
def test_other_tenants_credential_is_403(route, method, tenant, other_tenant, make_api_key, issue_token):
    their_key = make_api_key(other_tenant)  # every scope, valid, but for globex
    assert_error(call(route, method, key_headers(their_key)), 403, "insufficient_permissions")
    assert_error(call(route, method, bearer(issue_token(their_key))), 403, "insufficient_permissions")


@pytest.mark.parametrize(("route", "method"), CASES)
def test_key_without_scopes_is_403(route, method, tenant, make_api_key, issue_token):
    scopeless = make_api_key(tenant, scopes=[])
    assert_error(call(route, method, key_headers(scopeless)), 403, "insufficient_permissions")
    assert_error(call(route, method, bearer(issue_token(scopeless))), 403, "insufficient_permissions")
