"""Webhook fixtures: the placement catalog, receivers on 127.0.0.1, the README's verifier."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from checkouts.tests.conftest import catalog, make_cart  # noqa: F401 - placement fixtures, reused

README = Path(django_settings.BASE_DIR) / "README.md"


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """Receivers listen on 127.0.0.1 only (TESTING.md: only loopback may be a target)."""
    return ("127.0.0.1", 0)


@pytest.fixture
def allow_private(settings):
    """Lets endpoints target the loopback receivers of these tests."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    return settings


def readme_snippet() -> str:
    """The Python verification snippet of README "Webhooks", exactly as documented."""
    section = README.read_text().split("## Webhooks", 1)[1].split("\n## ", 1)[0]
    [snippet] = [
        block for block in re.findall(r"```python\n(.*?)```", section, re.S) if "def verify_signature" in block
    ]
    return snippet


@pytest.fixture(scope="session")
def verify_signature():
    """`verify_signature(body, header, secret)` as the README documents it (exec'd from README.md)."""
    namespace: dict = {}
    exec(compile(readme_snippet(), str(README), "exec"), namespace)  # noqa: S102 - our own README
    return namespace["verify_signature"]
