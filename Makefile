# akhbar: developer and CI tasks.
#   make test                    system packages + .venv + node_modules, then pytest
#   make test TESTS=tests/test_x.py PYTEST_ARGS='-x -k slug'
#   make site                    build the bundled archive into public/
#   make lint                    ruff + mypy on akhbar/

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TESTS ?= tests
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv setup-system site test lint clean distclean

help:
	@echo "targets: setup-system venv site test lint clean distclean"
	@echo "  make test [TESTS=tests/...] [PYTEST_ARGS='-x -k name']"

# Debian packages the tests need (chromium, java, xmllint, Noto fonts); no-op when present.
setup-system:
	bash scripts/setup-system.sh

# The project's Python environment; reinstalled whenever pyproject.toml changes.
venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

# Pinned Node tools (vnu-jar, axe-core) from package-lock.json.
node_modules/.installed: package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

site: venv
	$(PY) build.py

test: setup-system venv node_modules/.installed
	$(PY) -m pytest -q $(PYTEST_ARGS) $(TESTS)

lint: venv
	$(VENV)/bin/ruff check akhbar
	$(VENV)/bin/mypy akhbar

# Build output and caches; `distclean` also drops .venv and node_modules.
clean:
	rm -rf public public.zip .public.* build dist *.egg-info .cache .pytest_cache .ruff_cache .mypy_cache
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o \
	  -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules
