# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 4
PYTEST_ARGS ?= -n auto

RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed

# A local run needs a SECRET_KEY: use the environment's, else one generated once into var/.
RUN_ENV = SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" HTTPS_ONLY="$${HTTPS_ONLY:-false}"

.PHONY: run serve test lint format migrate seed clean bench fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(RUNTIME_STAMP)

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

migrate: $(RUNTIME_STAMP) var/secret_key
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput

seed: migrate
	$(RUN_ENV) $(BIN)/python manage.py seed_demo

## run: install, migrate, load the demo tenant, collect static files, serve with gunicorn, and
## beside it the task worker (webhooks) and, every minute, the sweeps cron runs in production
run: seed
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	( while sleep 60; do \
		$(RUN_ENV) $(BIN)/python manage.py expire_pending_checkouts --verbosity 0; \
		$(RUN_ENV) $(BIN)/python manage.py deliver_due_webhooks --verbosity 0; \
	done ) & sweeper=$$!; \
	trap 'kill $$worker $$sweeper 2>/dev/null' EXIT; \
	$(RUN_ENV) $(BIN)/gunicorn checkout_project.wsgi:application \
		--bind $(HOST):$(PORT) --workers $(WORKERS) --graceful-timeout 10 --limit-request-line 8190

## test: the whole test suite (SQLite by default; DATABASE_URL=postgres://... for PostgreSQL)
test: $(DEV_STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

## bench: load 1 000 000 checkouts into PostgreSQL and measure (see bench/README.md); needs wrk
BENCH_DB ?= postgres://postgres@127.0.0.1:5432/bench
BENCH_CHECKOUTS ?= 1000000
bench: $(DEV_STAMP)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	DATABASE_URL=$(BENCH_DB) bench/run.sh $(BENCH_CHECKOUTS)

## fuzz: schemathesis against a live server, long profile (CI runs scripts/fuzz.sh with the bounded one)
fuzz: $(DEV_STAMP)
	scripts/fuzz.sh long
