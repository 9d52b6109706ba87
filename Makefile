# Referatarkiv — `make run` serves the archive, `make test` runs every check.
# Needs only Python >= 3.11 and make. Without DATABASE_URL an embedded PostgreSQL is
# started (data in ./var/pgdata) and stopped again when the last command using it ends.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8000
HOST   ?= 127.0.0.1

ifeq ($(strip $(DATABASE_URL)),)
WITH_DB := $(BIN)/python -m config.embedded_db --
else
WITH_DB :=
endif

.PHONY: run serve test ingest alerts loadtest lint format bootstrap browser ocr messages gettext shell superuser backup restore clean-db help

help:
	@echo "make run    – start arkivet på http://$(HOST):$(PORT) med eksempelreferaterne (og jobkøen)"
	@echo "make serve  – det samme under gunicorn, som i produktion"
	@echo "make test   – ruff, importkontrakter, migrationstjek og hele testsuiten mod PostgreSQL"
	@echo "make backup [FILE=…] / make restore FILE=…  – sikkerhedskopi af databasen"
	@echo "make messages – opdatér og kompilér det engelske katalog (locale/en)"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

bootstrap: $(STAMP)

# The web server and the job worker (Procfile), both under the embedded PostgreSQL wrapper;
# Ctrl-C stops both. honcho is told to read no .env (that file is docker compose's), and
# the links in e-mails point at the web server (honcho gives each process its own PORT).
TOGETHER := env HOST=$(HOST) BIN=$(BIN) SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} \
  $(BIN)/honcho start --env /dev/null --port $(PORT)

run: $(STAMP)
	DEBUG=$${DEBUG:-1} $(WITH_DB) sh -c '$(BIN)/python manage.py prepare && \
	  exec $(TOGETHER) web worker'

serve: $(STAMP)
	DEBUG=$${DEBUG:-0} SECRET_KEY=$${SECRET_KEY:-local-serve-$$(hostname)-not-for-production-use-0123456789} \
	  SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-0} SECURE_COOKIES=$${SECURE_COOKIES:-0} $(WITH_DB) sh -c \
	  '$(BIN)/python manage.py prepare && $(BIN)/python manage.py collectstatic --noinput -v0 && \
	  exec $(TOGETHER) serve worker'

# Browser tests drive a real Chromium: the system's when there is one, Debian's package when
# we may install it (root with apt-get), and only otherwise Playwright's own download.
browser: $(STAMP)
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
	    || [ -n "$$CHROMIUM" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installerer Chromium (Debian-pakke) til browsertestene ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	    $(BIN)/python -m playwright install chromium; \
	fi

# Text recognition of scanned bilag (docs/attachments.md): Tesseract with its Danish model, and
# pdftoppm (poppler-utils) to render pages. Debian's packages when we may install them (root
# with apt-get); otherwise the archive works without OCR and says so on the pages concerned.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-dan poppler-utils
ocr:
	@if command -v tesseract >/dev/null && command -v pdftoppm >/dev/null \
	    && tesseract --list-langs 2>/dev/null | grep -qx dan; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installerer tekstgenkendelse (Tesseract, dansk, poppler-utils) til bilagene ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_PACKAGES) >/dev/null; \
	else \
	    echo "Tekstgenkendelse mangler: installér $(OCR_PACKAGES) (testene af OCR fejler uden)."; \
	fi

# The English catalogue (docs/architecture.md, "Languages"): every string marked for
# translation into locale/en/LC_MESSAGES/django.po, then compiled to django.mo (committed,
# so neither the site nor `make test` needs gettext). Run it, fill what it lists, run it
# again. makemessages needs GNU gettext: Debian's package when we may install it (root with
# apt-get). Neither command opens the database; settings only need DATABASE_URL set.
MESSAGES_PO   := locale/en/LC_MESSAGES/django.po
MESSAGES_ARGS := -e html,txt,py,xml --add-location=file --no-obsolete \
  --ignore=var --ignore=tests --ignore=perf --ignore=samples --ignore=docs

gettext:
	@if command -v msgfmt >/dev/null && command -v xgettext >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installerer GNU gettext (Debian-pakke) til makemessages ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	else \
	    echo "GNU gettext mangler (gettext is missing): installér pakken gettext."; exit 1; \
	fi

messages: $(STAMP) gettext
	DATABASE_URL=$${DATABASE_URL:-postgres://unused/unused} DEBUG=1 sh -c '\
	  $(BIN)/python manage.py makemessages -l en $(MESSAGES_ARGS) && \
	  $(BIN)/python manage.py compilemessages -l en --ignore=.venv'
	@echo "Uden oversættelse (untranslated):"; msgattrib --untranslated --no-wrap $(MESSAGES_PO) | grep '^msgid' | tail -n +2 || true
	@echo "Skal gennemses (fuzzy: left out of the .mo until the flag is removed):"; \
	  msgattrib --only-fuzzy --no-wrap $(MESSAGES_PO) | grep '^msgid' | tail -n +2 || true

# REDIS_URL is unset for the tests: they clear the cache between tests, never a shared one.
# DATABASE_REPLICA_URLS too: a test reads a replica only when it names its alias
# (tests/test_replica.py starts a real one); Django refuses any other test's reads there.
test: $(STAMP) browser ocr
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	DEBUG=1 REDIS_URL= DATABASE_REPLICA_URLS= $(WITH_DB) sh -c '$(BIN)/python manage.py makemigrations --check --dry-run && \
	  exec $(BIN)/python -m pytest $(PYTEST_ARGS)'

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The load test fills a database of its own with a synthetic corpus (ITEMS, default 100,000):
# LOADTEST_DATABASE_URL, or a separate database in the embedded server. Never DATABASE_URL.
ifeq ($(strip $(LOADTEST_DATABASE_URL)),)
# LOADTEST_DATABASE names the embedded database (EMBEDDED_PGDATA its server's data folder).
# Building the corpus and migrating it run without the web's statement timeout (minutes at 1M).
# An interrupted run's ingested meetings go first, so the corpus is found whole and reused.
LOAD_DB := env -u DATABASE_URL EMBEDDED_DATABASE=$(or $(LOADTEST_DATABASE),referatarkiv_load) \
  $(BIN)/python -m config.embedded_db --
else
LOAD_DB := env DATABASE_URL=$(LOADTEST_DATABASE_URL)
endif

loadtest: $(STAMP)
	DEBUG=1 $(LOAD_DB) sh -c 'STATEMENT_TIMEOUT_MS=0 $(BIN)/python manage.py migrate -v0 && \
	  $(BIN)/python manage.py ingest_feed --remove && \
	  STATEMENT_TIMEOUT_MS=0 $(BIN)/python manage.py gen_corpus --items $${ITEMS:-100000} --if-needed && \
	  $(BIN)/python manage.py loadtest --duration $${DURATION:-60} --rate $${RATE:-70} \
	    --ingest-every $${INGEST_EVERY:-10} --gunicorn-workers $${WEB_WORKERS:-2} \
	    --json var/loadtest.json'

# make backup [FILE=path.dump]; make restore FILE=path.dump
backup: $(STAMP)
	DEBUG=1 $(WITH_DB) $(BIN)/python manage.py backup $(FILE)

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "Angiv filen: make restore FILE=var/backups/....dump"; exit 2; }
	DEBUG=1 $(WITH_DB) $(BIN)/python manage.py restore $(FILE)

# make ingest FILES="a.pdf minutes/" [ARGS='--municipality "Herning Kommune" --dry-run --json']
ingest: $(STAMP)
	@test -n "$(FILES)" || { echo "Angiv filerne: make ingest FILES=sti/til/referater/"; exit 2; }
	DEBUG=1 $(WITH_DB) sh -c '$(BIN)/python manage.py migrate -v0 && \
	  $(BIN)/python manage.py ingest $(FILES) $(ARGS)'

# Build and send the e-mail digests now (the worker also does it on ALERTS_SCHEDULE).
alerts: $(STAMP)
	DEBUG=1 $(WITH_DB) $(BIN)/python manage.py send_alerts

superuser: $(STAMP)
	DEBUG=1 $(WITH_DB) $(BIN)/python manage.py createsuperuser

shell: $(STAMP)
	DEBUG=1 $(WITH_DB) $(BIN)/python manage.py shell

clean-db:
	rm -rf var/pgdata
