# parley: two commands on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test scale bench clean venv browser

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
test: $(STAMP) browser
	scripts/pg_test.sh run $(BIN)/python -m pytest -q

# the web UI test drives Debian's chromium through chromedriver: installed once, a no-op when present
browser:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } || \
	  echo "make: could not install chromium + chromium-driver (needs root); the browser test is skipped" >&2

scale: $(STAMP)
	$(BIN)/python -m pytest -q -m scale -s

bench: $(STAMP)
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) parley.duckdb build src/*.egg-info
