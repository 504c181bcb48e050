#!/usr/bin/env bash
# make bench: create the bench database, load the checkouts, run every benchmark, write RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL=postgres://.../bench}"
checkouts="${1:-1000000}"
db="${DATABASE_URL##*/}"
admin_url="${DATABASE_URL%/*}/postgres"
psql "$admin_url" -qtc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 || psql "$admin_url" -qc "CREATE DATABASE $db"
export SECRET_KEY="${SECRET_KEY:-bench-only-secret-key}" HTTPS_ONLY=false
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python bench/generate.py --checkouts "$checkouts"
.venv/bin/python bench/endpoints.py
.venv/bin/python bench/placement.py
.venv/bin/python bench/delete_all.py
.venv/bin/python bench/report.py
