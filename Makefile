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

.PHONY: setup run run-gemini dev process sample test lint bench bench-stack bench-gemini bench-load clean

$(STAMP): requirements.txt requirements-dev.txt infra/requirements-stack.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(STAMP)

$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@

# A PDF (the bundled sample by default) through the whole local system: emulators,
# signed upload, storage trigger, Cloud Tasks worker; sentences to $(OUT).
run: $(STAMP)
	$(PY) -m infra.run_book "$(PDF)" --limit $(LIMIT) --out "$(OUT)"

# The same with the Gemini engine against a local fake of the Gemini API (no key needed).
run-gemini: $(STAMP)
	$(PY) -m infra.run_book "$(PDF)" --limit $(LIMIT) --out "$(OUT)" --engine gemini --fake-gemini

# The local system stays up for a frontend or curl; writes .local/stack.json.
dev: $(STAMP)
	$(PY) -m infra.dev_stack

# The text engine alone on a PDF, no services (FORMAT=csv|xlsx|json).
process: $(STAMP)
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

# Upload-to-completed time of a 300-page novel on the local stack vs the engine alone.
bench-stack: $(STAMP)
	$(PY) -m tests.bench.stack_pipeline

# 100 simulated users reading jobs, history, settings and usage on the local stack.
bench-load: $(STAMP)
	$(PY) -m tests.bench.api_load

# The Gemini path against a fake answering in 2 s per call: speed, tokens, quality.
bench-gemini: $(STAMP)
	$(PY) -m tests.bench.gemini_stack

clean:
	rm -rf $(VENV) .local .pytest_cache .ruff_cache
