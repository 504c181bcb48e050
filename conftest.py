"""Shared fixtures. Settings: checkout_project.settings_test; database from DATABASE_URL."""

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

CHROMIUM = "/usr/bin/chromium"
# Flags proven on these machines (shared/TESTING.md): no sandbox as root, no background network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent / "var" / "screenshots"


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    skip_browser = pytest.mark.skip(reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
    is_pg = connection.vendor == "postgresql"
    has_browser = os.path.exists(CHROMIUM)
    for item in items:
        if "postgres" in item.keywords and not is_pg:
            item.add_marker(skip_pg)
        if "browser" in item.keywords and not has_browser:
            item.add_marker(skip_browser)


def run_concurrently(count, call):
    """Run `call(i)` on `count` threads released together; each thread closes its own connection."""
    barrier = threading.Barrier(count)

    def worker(i):
        try:
            barrier.wait()
            return call(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))


@pytest.fixture
def tenant(db):
    from merchants.services import tenant_create

    return tenant_create(code="acme", name="Acme Inc.", default_currency="EUR")


@pytest.fixture
def other_tenant(db):
    from merchants.services import tenant_create

    return tenant_create(code="globex", name="Globex Corp.", default_currency="EUR")


@pytest.fixture
def make_api_key(db):
    """make_api_key(tenant, mode="test", scopes=None) -> NewApiKey (secret included)."""
    from merchants.services import api_key_create

    def make(tenant, mode="test", scopes=None):
        return api_key_create(tenant=tenant, mode=mode, scopes=scopes)

    return make


def key_headers(new_key) -> dict[str, str]:
    """Headers for the test client: accessKey / accessSecret."""
    return {"accessKey": new_key.api_key.access_key, "accessSecret": new_key.access_secret}


@pytest.fixture
def api_key(tenant, make_api_key):
    return make_api_key(tenant)


@pytest.fixture
def api(client, api_key):
    """Django test client that sends the test-mode key of `tenant` on every request."""
    from django.test import Client

    return Client(headers=key_headers(api_key))


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per test module."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Playwright's sync API keeps an event loop on this thread; the tests' own ORM calls are still
    # synchronous, so Django's async-safety check is lifted while the browser runs.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (throttle windows, cached list counts, credentials)."""
    from django.core.cache import cache

    from merchants.credential_cache import credentials_forget_all

    cache.clear()
    credentials_forget_all()
    yield
    cache.clear()
    credentials_forget_all()
