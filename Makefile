# felles — the two set-up commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-dev vendor lint typecheck unit serve generate simulate bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# The portal's front-end assets (Designsystemet CSS and theme, htmx) come from npm, pinned by
# package-lock.json, and are copied where the portal serves them (git-ignored).
VENDOR := src/felles/portal/static/vendor

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/@digdir/designsystemet-css/dist/src/index.css $(VENDOR)/designsystemet.css
	cp node_modules/@digdir/designsystemet-theme/brand/digdir.css $(VENDOR)/theme-digdir.css
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	touch $@

vendor: $(VENDOR)/.installed

install: $(VENV)/.installed $(VENDOR)/.installed
install-dev: $(VENV)/.installed-dev $(VENDOR)/.installed

## make demo: a small Norway (about 50 000 people) on SQLite, the API at http://127.0.0.1:8000
demo: install
	$(BIN)/felles demo

## make test: lint, type-check and the whole suite (every database test on SQLite and PostgreSQL)
test: install-dev lint typecheck unit

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install-dev
	$(BIN)/mypy src/felles/kernel src/felles/registries/*/model.py src/felles/identity src/felles/access src/felles/sharing src/felles/rules/api.py src/felles/rules/explain.py src/felles/rules/letters.py src/felles/rules/calculation.py src/felles/subscriptions src/felles/services src/felles/mailbox src/felles/journeys src/felles/portal src/felles/cli.py src/felles/demo_mail.py src/felles/demo_people.py

# Two test processes (pytest-xdist), one per core: each has its own SQLite file and PostgreSQL
# schema (tests/conftest.py), and NATS streams are named per test.
unit: install-dev
	$(BIN)/pytest -n 2

serve: install
	$(BIN)/felles serve

generate: install
	$(BIN)/felles generate --persons 50000 --seed 1

simulate: install
	$(BIN)/felles simulate --days 30

bench: install-dev
	$(BIN)/python bench/bench_generate.py --persons 200000
	$(BIN)/python bench/bench_lookup.py
	$(BIN)/python bench/bench_enhetsregisteret.py
	$(BIN)/python bench/bench_simulate.py

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
