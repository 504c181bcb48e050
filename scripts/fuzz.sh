#!/usr/bin/env bash
# Fuzz every operation of /api/schema/ with schemathesis against a live server:
# gunicorn on 127.0.0.1, PostgreSQL, the seeded demo tenant, test-mode credentials.
#   scripts/fuzz.sh          bounded profile (CI)
#   scripts/fuzz.sh long     the long profile (make fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-ci}"
base_url="${FUZZ_DATABASE_URL:-postgres://postgres@127.0.0.1:5432}"
db="fuzz_$$"
psql "$base_url/postgres" -qc "DROP DATABASE IF EXISTS $db" >/dev/null
psql "$base_url/postgres" -qc "CREATE DATABASE $db" >/dev/null
export DATABASE_URL="$base_url/$db" SECRET_KEY="fuzz-only-secret-key-$$" HTTPS_ONLY=false DEBUG=false
export API_THROTTLE_RATE="100000000/min" REQUEST_LOG_LEVEL=WARNING ALLOWED_HOSTS=127.0.0.1
port=$(.venv/bin/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  psql "$base_url/postgres" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
}
trap cleanup EXIT

.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo >/dev/null
eval "$(.venv/bin/python - <<'PY'
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkout_project.settings")
django.setup()
from merchants.models import Tenant
from merchants.services import api_key_create
key = api_key_create(tenant=Tenant.objects.get(code="demoshop"), mode="test", name="fuzz")
print(f"export FUZZ_TENANT=demoshop FUZZ_ACCESS_KEY={key.api_key.access_key} FUZZ_ACCESS_SECRET={key.access_secret}")
PY
)"
.venv/bin/gunicorn checkout_project.wsgi:application --bind "127.0.0.1:$port" --workers 2 --log-level warning --limit-request-line 8190 &
server=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

if [ "$profile" = "long" ]; then
  # Every phase, including coverage (boundary and negative cases: tens of thousands of requests).
  examples=${FUZZ_MAX_EXAMPLES:-100}; phases="examples,coverage,fuzzing,stateful"; budget="--max-time 3600"
else
  # CI: the documented examples plus a bounded number of generated cases per operation.
  # No --max-time here: with one, fuzzing keeps going until the budget is spent.
  examples=${FUZZ_MAX_EXAMPLES:-100}; phases="examples,fuzzing"; budget=""
fi
mkdir -p var/schemathesis
.venv/bin/schemathesis run "http://127.0.0.1:$port/api/schema/" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "$examples" --phases "$phases" $budget --seed 1 --workers 2 \
  --request-timeout 10 --no-shrink --report junit --report-dir var/schemathesis --no-color
