"""JSON request parsing that keeps numbers with a fraction as `Decimal`, never float."""

import json
from decimal import Decimal

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class DecimalJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(stream.read().decode(encoding), parse_float=Decimal, parse_constant=self._refuse)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError("JSON parse error") from exc
        if _has_nul(data):
            # PostgreSQL cannot store U+0000 in text or jsonb; no field of ours needs it.
            raise ParseError("JSON strings must not contain U+0000")
        return data

    @staticmethod
    def _refuse(name: str):
        raise ValueError(f"{name} is not a valid JSON number")
