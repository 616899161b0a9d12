# Two commands do all setup on a fresh machine: `make run` and `make test` (README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test lint format bench venv clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# The site on http://127.0.0.1:$(PORT) with its job worker and scheduler, on SQLite and a
# filesystem broker under var/. Ctrl-C stops everything it started.
run: venv
	PORT=$(PORT) DEBUG=$${DEBUG:-true} bash scripts/run.sh

# The whole suite (SQLite unless DATABASE_URL is set; worker tests need REDIS_URL), on two processes.
PYTEST_ARGS ?= -n 2 --dist loadgroup
test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint templates --reformat

# Performance at province scale (README "Performance"): seeds BENCH_CHILDREN children (default
# 1,000,000) into DATABASE_URL, which must be a PostgreSQL of the bench's own (e.g.
# postgres://postgres@127.0.0.1:5432/qc_bench), measures pages, jobs, the roster import and a load
# test, prints a table and writes bench/results.json. BENCH_LOAD=0 / BENCH_ROSTER=0 skip parts.
bench: venv
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) var staticfiles
