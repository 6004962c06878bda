# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench
TERRAFORM ?= terraform
TERRAFORM_STAMP := $(VENV)/.installed-terraform
CHECKOV_VENV := .local/venvs/checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed

PDF ?= samples/sample-novel.pdf
LIMIT ?= 8
FORMAT ?= csv
OUT ?= sentences.csv

.PHONY: clamd chromium web-packages web setup run run-gemini smoke-gemini dev process sample test lint shape terraform-check bench bench-stack bench-gemini bench-load bench-scan bench-cold-start bench-ratelimit bench-web clean

$(STAMP): requirements.txt requirements-dev.txt infra/requirements-stack.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# A Debian package the project runs, when its program is missing: as root installed,
# else the command to run is said. $(1): the program found (empty: missing), $(2): the
# package, $(3): why it is needed.
define debian_package
	@if [ -z "$(1)" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(2) > /dev/null; \
	  else echo "$(2) is missing ($(3)): sudo apt-get install $(2)"; exit 1; fi; \
	fi
endef

# ClamAV's daemon, which the local stack runs to scan uploads.
clamd:
	$(call debian_package,$(shell command -v clamd || ls /usr/sbin/clamd 2>/dev/null),clamav-daemon,the local stack runs it)

setup: $(STAMP) clamd

# Debian's Chromium, which the browser tests (tests/browser, Playwright) drive.
chromium:
	$(call debian_package,$(wildcard /usr/bin/chromium),chromium,the browser tests drive it)

# The web app's packages: `npm ci` when web/package-lock.json changed since the last
# install.
web-packages:
	@if [ ! -f web/node_modules/.package-lock.json ] || \
	  [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then \
	  echo "cd web && npm ci"; cd web && npm ci --no-audit --no-fund; \
	fi

# The web app (web/) into web/dist: the API's OpenAPI document (its typed client is
# generated from it), then `npm run build` (client generation, type check, vite build).
web: $(STAMP) web-packages
	$(PY) -m shared.cli openapi --out web/openapi.json
	cd web && npm run build

$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@

# A PDF (the bundled sample by default) through the whole local system: emulators,
# signed upload, storage trigger, Cloud Tasks worker; sentences to $(OUT).
run: setup
	$(PY) -m infra.run_book "$(PDF)" --limit $(LIMIT) --out "$(OUT)"

# The same with the Gemini engine against a local fake of the Gemini API (no key needed).
run-gemini: setup
	$(PY) -m infra.run_book "$(PDF)" --limit $(LIMIT) --out "$(OUT)" --engine gemini --fake-gemini

# After a deploy, with GEMINI_API_KEY set: the model checked, one plain rewrite, one
# structured-output batch and one two-page transcription against the real Gemini API.
smoke-gemini: $(STAMP)
	$(PY) -m infra.smoke_gemini

# The local system and the web app stay up until Ctrl-C; writes .local/stack.json.
dev: setup web
	$(PY) -m infra.dev_stack

# The text engine alone on a PDF, no services (FORMAT=csv|xlsx|json).
process: $(STAMP)
	$(PY) -m shared.cli process "$(PDF)" --limit $(LIMIT) --format $(FORMAT) --out "$(OUT)"

# Regenerate the bundled sample book from the public-domain test texts.
sample: $(STAMP)
	$(PY) -m tests.books.make_sample samples/sample-novel.pdf

# Python by ruff; the web app's sources by Prettier.
lint: $(STAMP) web-packages
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	cd web && npm run --silent format:check

# The shape of the code: strict types over shared/ and functions/, and the layers and
# no-cycle contracts of pyproject.toml.
shape: $(STAMP)
	$(PY) -m mypy
	$(VENV)/bin/lint-imports --no-cache

# Every test, with line coverage of shared/ and functions/ (the local stack's function
# processes included), printed at the end; the browser tests use the web app's build.
test: setup web chromium lint shape terraform-check
	rm -f .coverage .coverage.*
	$(PY) -m pytest -q --cov --cov-report=term

# python-hcl2 for tests/terraform, in the project's venv.
$(TERRAFORM_STAMP): $(STAMP) requirements-terraform.txt
	$(PY) -m pip install --quiet -r requirements-terraform.txt
	touch $@

# checkov in a venv of its own (.local/venvs/checkov), like the Cloud Tasks emulator:
# its many dependencies and their pins stay out of the project's environment. Made on
# first use from PyPI, remade when its requirements change.
$(CHECKOV_STAMP): terraform/requirements-checkov.txt
	$(PYTHON) -m venv --clear $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r terraform/requirements-checkov.txt
	touch $@

# The deployment's checks, all offline (no provider download, no cloud): formatting,
# the configuration against the code (tests/terraform), and checkov's policies.
terraform-check: $(TERRAFORM_STAMP) $(CHECKOV_STAMP)
	@command -v $(TERRAFORM) > /dev/null || { echo "$(TERRAFORM) not found: install Terraform 1.6 or newer"; exit 1; }
	$(TERRAFORM) fmt -check -recursive terraform
	$(PY) -m pytest -q tests/terraform
	$(CHECKOV_VENV)/bin/checkov -d terraform --quiet --compact --skip-download

bench: $(BENCH_STAMP)
	$(PY) -m tests.bench.text_engine

# Upload-to-completed time of a 300-page novel on the local stack vs the engine alone.
bench-stack: setup
	$(PY) -m tests.bench.stack_pipeline

# The API under load on the local stack: 100 users polling about once a second (closed
# loop), then fixed arrival rates up to the first whose p95 reaches 200 ms (open loop).
bench-load: setup
	$(PY) -m tests.bench.api_load

# What malware scanning adds to an upload, with the real clamd on the local stack.
bench-scan: setup
	$(PY) -m tests.bench.malware_scan

# What each function's instance pays to start: import time, time to ready, memory.
bench-cold-start: setup
	$(PY) -m tests.bench.cold_start

# The rate limiters on the Firestore emulator: latency, operations, races.
bench-ratelimit: setup
	$(PY) -m tests.bench.rate_limiter

# The Gemini path against a fake answering in 2 s per call: speed, tokens, quality.
bench-gemini: setup
	$(PY) -m tests.bench.gemini_stack

# The web app's bundle (gzipped) and how fast it opens and signs in, in Chromium on the
# local stack.
bench-web: setup web chromium
	$(PY) -m tests.bench.web_app

clean:
	rm -rf $(VENV) .local .pytest_cache .ruff_cache .mypy_cache .coverage .coverage.*
