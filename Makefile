# The two commands of the README: `make run` and `make test`. Everything else is a helper.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
POSTGRES_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export FLASK_APP := web

.PHONY: run test test-sqlite test-postgres install translations solver-kernels translations-update lint clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed translations solver-kernels

## Compile the solver's numba kernels once (about 20 s; later runs load numba's cache).
solver-kernels: $(BIN)/.installed
	@$(BIN)/python -c "from solver._rr import warm_up; print(f'solver kernels ready in {warm_up():.1f} s')"

translations: $(BIN)/.installed
	@if [ -d web/translations ]; then $(BIN)/pybabel compile --statistics -f -d web/translations 2>&1 | tail -n 1; fi

## Run the service on the embedded SQLite database in instance/, with the demo district.
run: install
	$(BIN)/flask setup
	MATCHER_SCHEDULER_ENABLED=true $(BIN)/flask run --host $(HOST) --port $(PORT)

## Run the whole test suite on SQLite, then on the PostgreSQL server of this machine.
test: install
	bash scripts/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	$(BIN)/pytest -q

test-postgres:
	MATCHER_TEST_DATABASE_URL=$(POSTGRES_TEST_URL) $(BIN)/pytest -q

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

## Translators: extract new texts into the catalogs (then edit web/translations/*/LC_MESSAGES/messages.po).
translations-update: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k lazy_gettext -k _l -o web/translations/messages.pot --sort-by-file --no-location .
	for lang in $$($(BIN)/python -c 'from matcher.models.people import LOCALES; print(*LOCALES)'); do \
	  if [ -f web/translations/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update -i web/translations/messages.pot -d web/translations -l $$lang --no-fuzzy-matching; \
	  else $(BIN)/pybabel init -i web/translations/messages.pot -d web/translations -l $$lang; fi; \
	done
