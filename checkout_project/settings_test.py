"""Settings for the test suite: the real settings, with a throwaway SECRET_KEY when none is set."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
# The test client and live servers speak plain HTTP.
os.environ.setdefault("HTTPS_ONLY", "false")

from .settings import *  # noqa: E402, F403

# Fast hashing for staff users created in tests (API secrets use SHA-256 regardless).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run in-process when enqueued (after commit); tests that need the real queue switch to
# the database backend themselves (webhooks/tests/test_worker.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Tests do not run collectstatic: serve static files from the apps, without a manifest.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
