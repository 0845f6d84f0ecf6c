# Link: `make run` (the app with demo data) and `make test` (the whole suite).
# Needs only Python >= 3.11 and git; everything else is installed into .venv.

PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
GIAS ?= ../shared/data/gias/edubasealldata20250718_open.csv.gz
GIAS_ALL ?= ../shared/data/gias/edubasealldata20250718_all.csv.gz
GIAS_LINKS ?= ../shared/data/gias/links_edubasealldata20250422.csv

export PATH := $(BIN):$(PATH)

.PHONY: run test install lock bench lint check clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
	  || { echo "Link needs Python 3.11 or newer ($(PYTHON) is older); set PYTHON=python3.x"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependencies change. constraints.txt is the lock.
$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(STAMP)

## make run: SQLite, a Celery worker and beat on the filesystem broker, mail to var/mail.
## With DATABASE_URL / CELERY_BROKER_URL set, PostgreSQL and Redis instead. Ctrl-C stops all.
## Links in emails point to http://$(HOST):$(PORT) (linkprog/settings/local.py) unless
## LINK_BASE_URL is set.
RUN_ENV = HOST=$(HOST) LINK_PORT=$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	@echo "Link is starting on http://$(HOST):$(PORT)/  (Ctrl-C stops the web server, worker and beat)"
	$(RUN_ENV) $(BIN)/honcho -f Procfile.dev start

## make test: the whole suite. Set DATABASE_URL / CELERY_BROKER_URL for PostgreSQL and Redis;
## CI=true makes a missing service a failure instead of a skip.
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

## make bench: GIAS import into PostgreSQL against a raw COPY, a 22,000-school wave through
## real workers against a raw SMTP send, the GIAS sync moving converted schools to their
## successors, planning by distance against by postcode district, the coordinator pages
## and exports on a national dataset at 1x and 10x, and schools booking through their links
## all at once; each writes its section of docs/benchmarks.md.
bench: install
	$(BIN)/python scripts/bench_import.py $(GIAS)
	$(BIN)/python scripts/bench_wave.py $(GIAS)
	$(BIN)/python scripts/bench_sync.py $(GIAS_ALL) $(GIAS_LINKS)
	$(BIN)/python scripts/bench_planning.py $(GIAS)
	$(BIN)/python scripts/bench_pages.py $(GIAS)
	$(BIN)/python scripts/bench_booking.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

## make lock: refresh constraints.txt from a clean resolve of pyproject.toml.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -e '.[dev]'
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) var staticfiles
