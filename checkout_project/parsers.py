"""JSON request parsing that keeps numbers with a fraction as `Decimal`, never float."""

import json
from decimal import Decimal

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class DecimalJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json.loads(stream.read().decode(encoding), parse_float=Decimal, parse_constant=self._refuse)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError("JSON parse error") from exc

    @staticmethod
    def _refuse(name: str):
        raise ValueError(f"{name} is not a valid JSON number")
