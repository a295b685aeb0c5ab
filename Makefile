# The two commands of the README.  Both create .venv and install the project
# and its system needs first, so they work on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test setup lint

$(BIN)/civicshield: pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $@

setup: $(BIN)/civicshield

demo: setup
	$(BIN)/civicshield demo

test: setup
	bash scripts/services.sh
	$(BIN)/ruff check src tests
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check src tests
