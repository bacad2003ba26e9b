# ehoks developer commands. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
HOST ?= 127.0.0.1
PORT ?= 8000
# make fuzz: the database (empty: SQLite; e.g. FUZZ_DB=$(PG_URL)) and requests per operation.
FUZZ_DB ?=
FUZZ_EXAMPLES ?= 200

.PHONY: help install messages messages-update pdf-libs chromium run test test-pg fuzz lint fmt typecheck bench docs ci

help: ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	@$(MAKE) --no-print-directory pdf-libs
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) messages ## Create .venv and install ehoks with its development tools

messages: $(STAMP) ## Compile the interface's message catalogues (.po to .mo)
	@$(BIN)/python -m ehoks.web.catalogues compile

messages-update: $(STAMP) ## Extract the interface's messages into the catalogues (then translate)
	$(BIN)/python -m ehoks.web.catalogues update

run: install ## Install, migrate the SQLite database, load demo data, serve on :8000 with the mail worker
	$(BIN)/ehoks db upgrade
	$(BIN)/ehoks demo load
	EHOKS_DEV_LOGIN=true EHOKS_DEV_CAS=true EHOKS_MAIL_CATCHER__ENABLED=true $(BIN)/ehoks serve --with-worker --host $(HOST) --port $(PORT)

pdf-libs: ## Install the Pango text library the PDF renderer (WeasyPrint) needs, where missing
	@$(PYTHON) -c 'import ctypes.util as u, sys; sys.exit(0 if u.find_library("pango-1.0") and u.find_library("pangoft2-1.0") else 1)' || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }

chromium: ## Install Debian's chromium for the browser tests, where missing
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

test: install chromium ## Install and run the whole test suite (SQLite)
	$(BIN)/pytest -q -n 2 -p no:cacheprovider

test-pg: install chromium ## Run the whole test suite on PostgreSQL ($(PG_URL))
	EHOKS_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -n 2 -p no:cacheprovider

fuzz: install ## Long fuzz profile, >= 10,000 requests (SQLite; FUZZ_DB=<url> for PostgreSQL)
	EHOKS_TEST_DATABASE_URL=$(FUZZ_DB) EHOKS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
	  $(BIN)/pytest -q -p no:cacheprovider tests/fuzz

lint: install ## ruff check and format check
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

fmt: install ## Format and autofix
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

typecheck: install ## mypy --strict
	$(BIN)/mypy

docs: install ## Regenerate docs/data-model.md from the models
	$(BIN)/python -m ehoks.hoks.schemas.docs > docs/data-model.md

bench: install ## Benchmarks against PostgreSQL (see docs/performance.md)
	$(BIN)/python bench/hoks_api.py --database-url $(PG_URL)

ci: test lint typecheck test-pg ## What CI runs
