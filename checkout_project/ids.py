"""Public identifiers: a short prefix and 20 random base32 characters (100 bits), e.g. `chk…`."""

import base64
import secrets


def new_id(prefix: str) -> str:
    return prefix + base64.b32encode(secrets.token_bytes(15)).decode().lower()
