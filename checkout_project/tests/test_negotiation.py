"""Content negotiation: the fast path answers what DRF's negotiation answers."""

import pytest
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from checkout_project.negotiation import JSONFirstContentNegotiation


class HTMLRenderer(JSONRenderer):
    media_type = "text/html"
    format = "html"


@pytest.mark.parametrize(
    ("accept", "query"),
    [(None, ""), ("*/*", ""), ("application/json", ""), ("", ""), (" */* ", ""), ("*/*", "?format=html"),
     ("text/html", ""), ("application/json; indent=4", ""), ("text/html;q=0.9, application/json", "")],
)  # fmt: skip
def test_fast_path_agrees_with_drf(accept, query):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get("/checkout/acme/checkouts" + query, **headers))
    renderers = [JSONRenderer(), HTMLRenderer()]

    def outcome(negotiation):
        try:
            renderer, media_type = negotiation.select_renderer(request, renderers)
        except NotAcceptable:
            return "406"
        return type(renderer), media_type

    assert outcome(JSONFirstContentNegotiation()) == outcome(DefaultContentNegotiation())


@pytest.mark.django_db
def test_unacceptable_types_still_get_406_in_the_error_shape(api):
    response = api.get("/checkout/acme/checkouts", HTTP_ACCEPT="text/csv")
    assert response.status_code == 406
    assert response.json()["type"] == "not_acceptable"
