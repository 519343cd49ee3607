# The few commands people need. `make run` and `make test` are the README's two commands.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test venv deps-system services lint check bench audit messages clean e2e backup restore assets

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,incorporato]'
	$(BIN)/pip install -q --no-deps 'spid-sp-test>=1.2.18,<1.3' 'spid-compliant-certificates>=0.5.5,<0.6'
	touch $@

venv: $(BIN)/.installed

deps-system:
	@bash scripts/deps-system.sh

# Without settings (compilemessages finds every locale/ directory itself): no DATABASE_URL is needed.
messages: venv
	$(BIN)/django-admin compilemessages --ignore=.venv -v0

## Run the portal with demo data (inline tasks, e-mails in var/mail/) on DATABASE_URL or, when it is not
## set, on an embedded PostgreSQL server with its data in var/pgdata, stopped with the portal.
DEMO := $(PY) manage.py migrate --no-input -v0 && $(PY) manage.py carica_demo \
	&& echo "Portale su http://127.0.0.1:8000" && exec $(PY) manage.py runserver 127.0.0.1:8000
run: venv deps-system messages
	DEBUG=true $(if $(DATABASE_URL),,$(PY) -m alternanza.incorporato --) bash -c '$(DEMO)'

services:
	@bash scripts/services.sh

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: venv
	@# The history check only reads django_migrations: the maintenance database (always there) will do.
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
	  $(PY) manage.py makemigrations --check --dry-run --settings=alternanza.settings_test -v0
	@# check --deploy opens no connection either: any PostgreSQL URL satisfies the settings.
	DEBUG=false SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | base64 | tr -dc a-zA-Z0-9) \
	  DATABASE_URL=postgres://check@localhost/deploy SITE_URL=https://alternanza.example.it \
	  ALLOWED_HOSTS=alternanza.example.it $(PY) manage.py check --deploy --fail-level WARNING
	$(BIN)/bandit -q -c pyproject.toml -r alternanza distretti partnership eventi -ll
	@# Layers and cycles (docs/architecture.md), then types.
	$(BIN)/lint-imports --no-cache
	$(PY) scripts/import_cycles.py
	$(BIN)/mypy alternanza distretti partnership eventi

## Rebuild the portal's CSS and JavaScript (frontend/, Bootstrap Italia from npm, pinned by
## frontend/package-lock.json) into static/build/, which is committed: running the portal needs no Node.
frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## First the font subsets (fontTools, in the virtualenv), then Sass and esbuild.
assets: venv frontend/node_modules/.package-lock.json
	$(PY) frontend/sottoinsiemi_font.py
	cd frontend && npm run --silent build

# Browser-test assets from npm (axe-core, vnu-jar), pinned by tests/e2e/package-lock.json.
tests/e2e/node_modules/.package-lock.json: tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	touch $@

e2e: tests/e2e/node_modules/.package-lock.json

## Run the whole test suite on the local PostgreSQL and Redis (browser tests on the system Chromium).
# --create-db: the suite always starts from a database built by the migrations (reused only by hand).
# Two processes (pytest-xdist; each has its own test database, Redis db and file folders, see
# alternanza/settings_test.py): the CI machines have two cores. PYTEST_ARGS="-n 0" runs it in one.
PYTEST_ARGS ?= -n 2
test: venv deps-system services messages e2e lint check
	$(BIN)/pytest --create-db $(PYTEST_ARGS)

# Lighthouse for the browser side of the bench, pinned by bench/lighthouse/package-lock.json.
bench/lighthouse/node_modules/.package-lock.json: bench/lighthouse/package-lock.json
	cd bench/lighthouse && npm ci --no-audit --no-fund --loglevel=error
	touch $@

bench: venv deps-system services messages bench/lighthouse/node_modules/.package-lock.json
	$(PY) bench/run.py
	$(PY) bench/lighthouse.py

audit: venv
	$(BIN)/pip-audit --strict

## Backups (scripts/backup.sh): the database of DATABASE_URL (pg_dump -Fc) and the local private files and
## media, into BACKUP_DIR (default var/backup/<date>); `make restore BACKUP_DIR=...` puts them back.
BACKUP_DIR ?= var/backup/$(shell date +%Y%m%d-%H%M%S)
backup:
	bash scripts/backup.sh crea $(BACKUP_DIR)

restore:
	@test -n "$(filter command line,$(origin BACKUP_DIR))" || { echo "make restore BACKUP_DIR=var/backup/<data>"; exit 2; }
	bash scripts/backup.sh ripristina $(BACKUP_DIR)

clean:
	rm -rf var/ .pytest_cache .ruff_cache .mypy_cache
