"""The operator commands as an operator runs them: `manage.py ...` processes on a migrated SQLite
file, exit codes, stdout/stderr, and the printed credentials used against a running gunicorn."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def env_for(db_file: Path) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "checkout_project.settings",
        "SECRET_KEY": "cli-test-secret-key-not-for-production",
        "DATABASE_URL": f"sqlite:///{db_file}",
        "HTTPS_ONLY": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }


@pytest.fixture(scope="module")
def db_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cli") / "db.sqlite3"


@pytest.fixture(scope="module")
def cli_env(db_file) -> dict[str, str]:
    """A migrated SQLite file holding the tenant `clishop`."""
    env = env_for(db_file)
    migrate = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    assert manage(env, "create_tenant", "clishop", "--name", "CLI shop").returncode == 0
    return env


def row_counts(db_file: Path) -> list[int]:
    tables = ("merchants_tenant", "merchants_apikey", "merchants_membership", "auth_user")
    with sqlite3.connect(db_file) as connection:
        return [connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in tables]  # noqa: S608


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def manage_json(env: dict[str, str], *args: str) -> dict:
    result = manage(env, *args, "--json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1, result.stdout  # exactly one line ...
    data = json.loads(result.stdout)  # ... which is one JSON object and nothing else
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["create_tenant", "Bad-Code", "--name", "X"], "tenant: must be lowercase letters and digits"),
        (["create_tenant", "clishop", "--name", "Again"], "tenant 'clishop' already exists"),
        (["create_tenant", "newshop"], "the following arguments are required: --name"),
        (["create_api_key", "nosuch", "--mode", "test"], "unknown tenant 'nosuch'"),
        (["create_api_key", "clishop", "--mode", "prod"], "mode: must be live or test"),
        (["create_api_key", "clishop", "--mode", "test", "--scopes", "root"], "scopes: unknown scope 'root'"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(cli_env, db_file, args, reason):
    counts = row_counts(db_file)
    result = manage(cli_env, *args, "--json")
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert reason in result.stderr
    assert row_counts(db_file) == counts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(cli_env, tmp_path):
    """gunicorn serving the CLI database, like `make run` does."""
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter
            [sys.executable, "-m", "gunicorn", "checkout_project.wsgi:application", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=cli_env | {"CREDENTIAL_CACHE_SECONDS": "1"},  # revocations from the CLI arrive within 1 s
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{log.read_text()}")
            try:
                if requests.get(f"{base}/healthz", timeout=30).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or the worker is still booting
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_from_nothing_to_an_authenticated_request(cli_env, server):
    """The README's walk-through, with the JSON each command prints."""
    tenant = manage_json(cli_env, "create_tenant", "walkshop", "--name", "Walk Shop", "--currency", "EUR")
    assert tenant["tenant"] == "walkshop" and tenant["saasPassphrase"]
    key = manage_json(cli_env, "create_api_key", "walkshop", "--mode", "test")
    assert key["scopes"] and key["accessKey"].startswith("ak_test_") and key["accessSecret"].startswith("sk_test_")
    saas = manage_json(cli_env, "mint_saas_token", "walkshop", "customer-1", "--ttl", "600")
    staff = manage_json(cli_env, "create_merchant_staff", "walkshop", "staff@walkshop.example")
    assert staff["username"] == "staff@walkshop.example" and staff["password"]

    headers = {"accessKey": key["accessKey"], "accessSecret": key["accessSecret"]}
    listing = f"{server}/checkout/walkshop/checkouts"
    assert requests.get(listing, headers=headers, timeout=30).status_code == 200
    with_customer = requests.get(listing, headers=headers | {"saas-token": saas["saasToken"]}, timeout=30)
    assert with_customer.status_code == 200, with_customer.text
    forged = requests.get(listing, headers=headers | {"saas-token": saas["saasToken"][:-2] + "xx"}, timeout=30)
    assert forged.status_code == 401

    token = requests.post(
        f"{server}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(key["accessKey"], key["accessSecret"]),
        timeout=5,
    )
    assert token.status_code == 200, token.text
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert requests.get(listing, headers=bearer, timeout=30).status_code == 200

    revoked = manage_json(cli_env, "revoke_api_key", key["accessKey"])
    assert revoked["accessKey"] == key["accessKey"]
    time.sleep(1.1)  # the server remembers credentials for CREDENTIAL_CACHE_SECONDS
    assert requests.get(listing, headers=headers, timeout=30).status_code == 401
    assert requests.get(listing, headers=bearer, timeout=30).status_code == 401


def test_text_output_is_friendly(cli_env):
    result = manage(cli_env, "create_tenant", "textshop", "--name", "Text Shop")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Created tenant textshop (Text Shop), currency EUR.")
    assert "saas passphrase" in result.stdout
