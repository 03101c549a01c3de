# PrioritySupport Monitor: the two commands a new machine needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ARGS ?=
# Real Odoo sources (folders or tarballs, ':' or ',' separated) for tests/odoo_real and `make odoo`.
ODOO_SOURCE ?=
export ODOO_SOURCE

.PHONY: demo test lint typecheck pytest bench clean debian-packages odoo

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[all,dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/prioritysupport demo $(ARGS)

# A real Odoo per series (ODOO_SOURCE, else ../shared/odoo/*.tar.xz) to try the agent on; Ctrl-C stops it.
odoo: $(STAMP)
	$(BIN)/python scripts/odoo-real.py

debian-packages:
	scripts/debian-packages.sh

test: $(STAMP) debian-packages lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest $(ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
