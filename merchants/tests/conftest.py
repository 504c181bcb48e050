"""Fixtures for the merchants tests."""

import pytest
from django.core.cache import cache

from merchants.services import access_token_issue


@pytest.fixture(autouse=True)
def _clean_throttle_cache():
    """Throttle counters live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def issue_token(db):
    """issue_token(new_key, scope=None) -> a bearer token string, through the real service."""

    def issue(new_key, scope=None):
        return access_token_issue(
            grant_type="client_credentials",
            client_id=new_key.api_key.access_key,
            client_secret=new_key.access_secret,
            scope=scope,
        ).token

    return issue
