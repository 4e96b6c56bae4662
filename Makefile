# Docflow: the two commands are `make run` (serve on the embedded default) and `make test`.
# Another interpreter in a venv of its own: `make test-fast PYTHON=python3.13 VENV=.venv313` (Debian 13).
PYTHON ?= python3.11
VENV   ?= .venv
BIN     = $(VENV)/bin
PYTEST_ARGS ?=
# The suite runs in this many processes (pytest-xdist), each test file whole in one of them.
TEST_WORKERS ?= 2

.PHONY: run test test-fast lint venv clean-venv translations

run: $(VENV)/.runtime
	$(BIN)/python -m docflow run --host 127.0.0.1 --port 5000

test: $(VENV)/.test node_modules/.installed lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Undefined names, unused imports and syntax errors stop the build before the tests run.
lint: $(VENV)/.test
	$(BIN)/ruff check --select F,E9 --exclude .venv,$(VENV) --quiet .

# Everything but the slow suites (browser, corpus, fault injection).
test-fast: $(VENV)/.test node_modules/.installed
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not slow" $(PYTEST_ARGS)

venv: $(VENV)/.runtime

$(VENV)/bin/python:
	scripts/system-deps run
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	scripts/system-deps run
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test: requirements.txt requirements-test.txt scripts/system-deps | $(VENV)/bin/python
	scripts/system-deps test
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $(VENV)/.runtime $@

# Front-end tools of the browser tests (axe-core for the accessibility audit), pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json | $(VENV)/.test
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Extract the messages, merge them into each catalogue, compile (commit the .pot, .po and .mo).
translations: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --project Docflow \
		-o docflow/translations/messages.pot .
	$(BIN)/pybabel update -i docflow/translations/messages.pot -d docflow/translations --ignore-obsolete \
		--no-fuzzy-matching
	$(BIN)/pybabel compile --statistics -d docflow/translations

clean-venv:
	rm -rf $(VENV)
