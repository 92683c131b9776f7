# Stride's task runner: `make help` lists the verbs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: help install browser run demo serve lint openapi-lint test test-pytest test-pg15 sdk-types bench bench-peers clean

help: ## list the verbs
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/stride: pyproject.toml sdk/python/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	$(BIN)/pip install -q -e sdk/python
	@touch $(BIN)/stride

install: $(BIN)/stride ## create .venv and install Stride, its Python SDK and the dev tools

run: install ## seed the demo tenant on the embedded PostgreSQL and serve on :8000
	$(BIN)/stride demo
	$(BIN)/stride serve --port 8000

serve: install ## serve on :8000 (no demo refresh)
	$(BIN)/stride serve --port 8000

lint: install openapi-lint ## ruff and mypy (the Python SDK strict, with its type-check-only usage file), the OpenAPI linters
	$(BIN)/ruff check src tests bench sdk/python
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	cd sdk/python && $(CURDIR)/$(BIN)/mypy src scripts tests

# The linters' pinned versions are in tools/openapi-lint/package-lock.json (installed without their
# install scripts, which they do not need). The document goes to a fixed path there, which the
# ignore file's single exception names.
OPENAPI_LINT := tools/openapi-lint

openapi-lint: install ## lint the OpenAPI document: redocly (recommended) and spectral (spectral:oas), warnings fail
	cd $(OPENAPI_LINT) && { test -x node_modules/.bin/redocly && test -x node_modules/.bin/spectral || \
		npm ci --ignore-scripts --no-audit --no-fund; }
	mkdir -p $(OPENAPI_LINT)/build
	$(BIN)/python -c 'import json, sys; from stride_server.app import create_app; json.dump(create_app().openapi(), sys.stdout)' \
		>$(OPENAPI_LINT)/build/openapi.json.tmp && mv $(OPENAPI_LINT)/build/openapi.json.tmp $(OPENAPI_LINT)/build/openapi.json
	cd $(OPENAPI_LINT) && node redocly-strict.mjs build/openapi.json
	cd $(OPENAPI_LINT) && node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity=warn build/openapi.json

browser: ## make sure Debian's Chromium is at /usr/bin/chromium (the explorer's browser test)
	scripts/ensure-chromium.sh

test-pytest: install browser ## the test suite only (embedded PostgreSQL, or DATABASE_URL)
	$(BIN)/pytest $(PYTEST_ARGS)

test: install lint test-pytest ## install everything, lint, and run the whole test suite

test-pg15: install ## the test suite against a throwaway Debian PostgreSQL 15
	scripts/pg15.sh $(BIN)/pytest $(PYTEST_ARGS)

sdk-types: install ## regenerate both SDKs' types and Data API resource classes from the OpenAPI document (no server needed)
	cd sdk/typescript && { test -x node_modules/.bin/tsc || npm ci --no-audit --no-fund; }
	spec=$$(mktemp) && trap 'rm -f "$$spec"' EXIT && \
	$(BIN)/python -c 'import json, sys; from stride_server.app import create_app; json.dump(create_app().openapi(), sys.stdout)' >"$$spec" && \
	(cd sdk/typescript && node scripts/generate.mjs -) <"$$spec" && \
	$(BIN)/python sdk/python/scripts/generate.py - <"$$spec"

bench: install ## run the benchmarks
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Optional, in neither CI nor `make test`: npm installs Directus and Node.js 22 into bench/results/peers/
# on first use. Takes bench/run.py's options, e.g. BENCH_ARGS="--scale small --duration 3".
bench-peers: install ## Stride next to Directus 12.4 on the benchmark's data: list, get, create (ABBA)
	$(BIN)/python bench/peers.py $(BENCH_ARGS)

clean: ## remove the virtualenv and local data
	rm -rf $(VENV) .stride
