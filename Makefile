# akhbar: developer and CI tasks.
#   make site                    .venv with what building needs (no test tools), then build into public/
#   make test                    system packages + .venv with the test tools + node_modules, then pytest
#   make test TESTS=tests/test_x.py PYTEST_ARGS='-x -k slug'
#   make lint                    ruff + mypy on akhbar/
#   make messages                extract the messages into akhbar/locale/akhbar.pot, update the Arabic catalog

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TESTS ?= tests
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv site-venv setup-system site test lint messages clean distclean

help:
	@echo "targets: setup-system site-venv venv site test lint messages clean distclean"
	@echo "  make test [TESTS=tests/...] [PYTEST_ARGS='-x -k name']"

# Debian packages the tests need (chromium, java, xmllint, Noto fonts); no-op when present.
setup-system:
	bash scripts/setup-system.sh

# The project's Python environment, reinstalled whenever pyproject.toml changes: `site-venv` holds
# what building needs (akhbar, editable, with its dependencies), `venv` adds the `test` extra.
# pip's "Collecting" lines show what is being fetched; its whole output goes to .venv/pip.log,
# whose end is shown when pip fails.
PIP_INSTALL = $(PY) -m pip install --disable-pip-version-check --progress-bar off
define pip_install
set -o pipefail; $(PIP_INSTALL) $(1) 2>&1 | tee $(VENV)/pip.log \
  | { grep --line-buffered -E '^(Collecting|Processing|Successfully installed)' \
      | sed -u -e 's/^Collecting /  fetching /' -e 's@^Processing .*/\([^/]*\)\.whl.*@  fetching \1@' -e 's/^Successfully installed /  installed: /' || true; } \
  || { echo "pip failed; the end of $(VENV)/pip.log:"; tail -n 25 $(VENV)/pip.log; exit 1; }
endef

site-venv: $(VENV)/.installed-site
venv: $(VENV)/.installed

$(VENV)/bin/python:
	@echo "==> creating the Python environment in $(VENV)/ ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-site: pyproject.toml | $(VENV)/bin/python
	@echo "==> installing akhbar and what building needs into $(VENV)/ (pip install -e .)"
	@$(call pip_install,-e .)
	@echo "==> $(VENV)/ holds $$(du -sm $(VENV) | cut -f1) MB"
	@touch $@

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	@echo "==> installing akhbar with its test tools into $(VENV)/ (pip install -e '.[test]')"
	@$(call pip_install,-e '.[test]')
	@touch $@ $(VENV)/.installed-site

# Pinned Node tools (vnu-jar, axe-core) from package-lock.json.
node_modules/.installed: package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

site: site-venv
	@echo "==> building the bundled archive: $(PY) build.py"
	@$(PY) build.py

test: setup-system venv node_modules/.installed
	$(PY) -m pytest -q $(PYTEST_ARGS) $(TESTS)

lint: venv
	$(VENV)/bin/ruff check akhbar
	$(VENV)/bin/mypy akhbar

# The message catalogs (pybabel extract + update, akhbar/i18n.py says how messages are marked): new
# messages arrive in akhbar/locale/ar/LC_MESSAGES/akhbar.po untranslated; tests/test_i18n.py fails until
# each has its Arabic.
messages: venv
	$(PY) scripts/messages.py

# Build output and caches; `distclean` also drops .venv and node_modules.
clean:
	rm -rf public public.zip .public.* build dist *.egg-info .cache .pytest_cache .ruff_cache .mypy_cache
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o \
	  -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules
