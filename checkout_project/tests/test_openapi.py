"""The OpenAPI schema documents every API route and validates."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def api_routes(patterns=None, prefix=""):
    """Every URL pattern under our API prefixes, as OpenAPI-style paths."""
    import re

    from django.conf import settings

    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from api_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and ("/" + route).startswith(settings.API_PATH_PREFIXES):
            if route.startswith("api/schema") or route.startswith("api/docs"):
                continue
            yield "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_schema_is_valid_openapi_3(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_every_api_route_is_documented(schema):
    routes = set(api_routes())
    assert "/checkout/{tenant}/checkouts" in routes
    missing = routes - set(schema["paths"])
    assert not missing


def test_checkout_endpoints_document_headers_and_errors(schema):
    listing = schema["paths"]["/checkout/{tenant}/checkouts"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"orderCreated", "customerId", "checkoutCompleted", "modifiedFrom", "modifiedTo"} <= names
    assert {"pageNumber", "pageSize", "sort", "saas-token"} <= names
    assert {"Link", "X-Total-Count"} <= set(listing["responses"]["200"]["headers"])
    order = schema["paths"]["/checkout/{tenant}/checkouts/order"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in order["parameters"]}
    status = schema["components"]["schemas"]["CheckoutStatusEnum"]
    assert status["enum"] == ["created", "pending", "failed"]


def test_spectacular_validate_is_clean(tmp_path):
    """`manage.py spectacular --validate --fail-on-warn`: no warning, no error."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3.")
