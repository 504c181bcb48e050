"""Settings come from the environment, with secure defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from checkout_project.settings import cache_from_url, env_bool, env_list

ROOT = Path(__file__).resolve().parents[2]


def load_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Import the real settings module in a fresh interpreter with exactly `env`."""
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'DEBUG': settings.DEBUG, 'ENGINE': settings.DATABASES['default']['ENGINE'],"
        "'NAME': str(settings.DATABASES['default']['NAME']), 'HOSTS': settings.ALLOWED_HOSTS,"
        "'CACHE': settings.CACHES['default']['BACKEND'], 'BASE': settings.PUBLIC_BASE_URL}))"
    )
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "checkout_project.settings"}
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=base | env, capture_output=True, text=True, check=False
    )


def test_refuses_to_start_without_secret_key_when_not_debug():
    result = load_settings({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_gets_a_dev_secret_key_and_sqlite_default():
    import json

    result = load_settings({"DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["DEBUG"] is True
    assert loaded["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["NAME"].endswith("var/db.sqlite3")


def test_database_cache_hosts_and_base_url_from_environment():
    import json

    result = load_settings(
        {
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://app@db.internal:5432/shop",
            "ALLOWED_HOSTS": "pay.example.com, api.example.com",
            "CACHE_URL": "redis://127.0.0.1:6379/1",
            "PUBLIC_BASE_URL": "https://pay.example.com/",
        }
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["DEBUG"] is False
    assert loaded["ENGINE"] == "django.db.backends.postgresql"
    assert loaded["NAME"] == "shop"
    assert loaded["HOSTS"] == ["pay.example.com", "api.example.com"]
    assert loaded["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert loaded["BASE"] == "https://pay.example.com"


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("TRUE", True), ("off", False), ("", False)])
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG") is expected


def test_env_bool_rejects_garbage(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG")


def test_env_list(monkeypatch):
    monkeypatch.setenv("SOME_LIST", "a, b,,c ")
    assert env_list("SOME_LIST", []) == ["a", "b", "c"]


def test_cache_urls():
    assert cache_from_url("locmem://")["BACKEND"].endswith("LocMemCache")
    assert cache_from_url("redis://127.0.0.1:6379/0")["LOCATION"] == "redis://127.0.0.1:6379/0"
    with pytest.raises(ImproperlyConfigured):
        cache_from_url("memcached://x")


def test_production_settings_pass_check_deploy():
    """`manage.py check --deploy` with production environment variables reports no issue."""
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "checkout_project.settings",
        "SECRET_KEY": "k" * 64 + "-production-like-secret-with-enough-entropy",
        "ALLOWED_HOSTS": "pay.example.com",
        "PUBLIC_BASE_URL": "https://pay.example.com",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
