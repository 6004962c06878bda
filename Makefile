# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench

PDF ?= samples/sample-novel.pdf
LIMIT ?= 8
FORMAT ?= csv
OUT ?= sentences.csv

.PHONY: setup run sample test lint bench clean

$(STAMP): requirements.txt requirements-dev.txt infra/requirements-stack.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(STAMP)

$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@

# Turn a PDF into short sentences with the offline engine (the bundled sample by default).
run: $(STAMP)
	$(PY) -m shared.cli process "$(PDF)" --limit $(LIMIT) --format $(FORMAT) --out "$(OUT)"

# Regenerate the bundled sample book from the public-domain test texts.
sample: $(STAMP)
	$(PY) -m tests.books.make_sample samples/sample-novel.pdf

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -q

bench: $(BENCH_STAMP)
	$(PY) -m tests.bench.text_engine

clean:
	rm -rf $(VENV) .local .pytest_cache .ruff_cache
