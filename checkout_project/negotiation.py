"""Content negotiation with a fast path for the requests API clients send.

Every API answer is JSON. A request without `Accept`, or accepting `*/*` or exactly the first
renderer's media type (`application/json`), gets that renderer without DRF parsing and ranking the
header on every request; anything else (other types, parameters, `?format=`) is negotiated by DRF
as before, including its 406.
"""

from rest_framework.negotiation import DefaultContentNegotiation


class JSONFirstContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT", "*/*").strip()
        if (
            renderers
            and not format_suffix
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
            and accept in ("*/*", renderers[0].media_type)
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
