# parley: two commands on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test scale bench clean venv

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/parley code examples/ --db parley.duckdb
	$(BIN)/parley summary --db parley.duckdb

# the store tests also run on a PostgreSQL server that scripts/pg_test.sh installs, starts and stops
test: $(STAMP)
	scripts/pg_test.sh run $(BIN)/python -m pytest -q

scale: $(STAMP)
	$(BIN)/python -m pytest -q -m scale -s

bench: $(STAMP)
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) parley.duckdb build src/*.egg-info
