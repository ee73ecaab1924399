# The two commands a new user needs: `make run` (portal with demo data on SQLite) and `make test`.
PYTEST_ARGS ?= -n 2 --dist loadfile
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run worker test install lint demo clean bench system-packages fuzz messages manual

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 2>/dev/null || true
	$(BIN)/pip install --quiet -e '.[dev]' 2>&1 | grep -v "is ignored: it is neither" || true
	$(BIN)/python -c "import django, rest_framework, jieba, chinese_calendar" 
	touch $(STAMP)

install: $(STAMP)

# The application form (申请表), the yearly report's PDF and charts and the reply letters are set by
# WeasyPrint (Pango) with Chinese fonts: Debian's fonts-noto-cjk and pango, installed once, never
# downloaded at run time. Production images run this target too.
system-packages:
	@if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null && ! (dpkg -s fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1); then \
		(apt-get update -qq && apt-get install -y -qq fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 >/dev/null) || echo "fonts-noto-cjk/pango not installed: PDF documents and charts lack Chinese fonts"; \
	fi

demo: install system-packages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo

# The task worker (mail, reading attachments for search) runs beside the development server and stops
# with it (Ctrl-C ends both).
run: demo
	@$(BIN)/python manage.py db_worker --no-reload & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The task worker alone (for example beside a server started some other way).
worker: install
	$(BIN)/python manage.py db_worker

lint: install
	$(BIN)/ruff check .

test: install system-packages
	$(BIN)/ruff check .
	@# The browser tests drive Debian's chromium; install it when missing and allowed (else they skip).
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed: browser tests will be skipped"; \
	fi
	@# The proxy cache tests run the shipped nginx configuration with Debian's nginx (else they skip).
	@if [ ! -x /usr/sbin/nginx ] && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null) || echo "nginx not installed: proxy cache tests will be skipped"; \
	fi
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The project's Chinese for strings the libraries leave untranslated (locale/): the compiled .mo files
# are committed, so running the portal needs no gettext; recompiling does (Debian's `gettext`).
messages: install
	@if ! command -v msgfmt >/dev/null && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq gettext >/dev/null; \
	fi
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore '.venv/*'

# The staff manual's screenshots (docs/manual/img), taken by the back office's browser tests.
manual: install
	MANUAL_SCREENSHOTS=$(CURDIR)/docs/manual/img $(BIN)/python -m pytest -p no:cacheprovider tests/browser/test_backoffice.py

# The benchmark on PostgreSQL (127.0.0.1:5432, its own database) with Redis and wrk: BENCH_ARGS, e.g.
# BENCH_ARGS="--items 5000 --duration 3" for a quick look. Writes bench/results.md and .json.
bench: install
	@# wrk drives the load; nginx (the shipped configuration) fronts the flash-crowd stage.
	@(command -v wrk >/dev/null && [ -x /usr/sbin/nginx ]) || ([ "$$(id -u)" = "0" ] && apt-get update -qq && apt-get install -y -qq wrk nginx-light >/dev/null) || true
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# The API against its schema as a client would (schemathesis, every phase and check, about 3,500
# cases, 10–15 minutes on two cores), on a live server over demo data; before a release. FUZZ_SEED,
# FUZZ_EXAMPLES, FUZZ_DATABASE_URL (an empty database), FUZZ_PORT: see scripts/fuzz_api.sh.
fuzz: install
	scripts/fuzz_api.sh

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
