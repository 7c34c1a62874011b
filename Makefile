# Everyday commands. `make run` and `make test` install whatever is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.10 (Rasa 3.6 runs on 3.8-3.10). pyenv shims answer `command -v` even when the
# version is not selected, so each candidate is tried by running it.
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10; do \
	$$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
# spaCy pipeline used by config.yml. Set SPACY_MODEL=de_core_news_sm (and change config.yml) where it can be installed.
SPACY_MODEL ?= de_hessen_pipeline
ACTIONS_PORT ?= 5055
RASA_PORT ?= 5005
export TF_CPP_MIN_LOG_LEVEL := 2
# No usage telemetry to Rasa (docs/datenschutz.md).
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install run shell train actions validate stale gazetteer nlu-places test test-unit settings-doc \
	test-nlu test-stories test-conversations evaluate lock clean

help:
	@echo "make run    - install, train if needed, start action server + Rasa (REST, socket.io)"
	@echo "make test   - install and run every test;  make check - lint, validation, unit tests (< 1 min)"
	@echo "make shell  - chat in the terminal";  echo "make train  - train a model if data changed"
	@echo "make validate / make stale / make readability / make coverage / make gazetteer / make evaluate"
	@echo "make scale  - 2 Rasa servers behind nginx (PostgreSQL, Redis);  make bench - benchmark -> docs/benchmarks.md"
	@echo "make faults - faults under load (servers, database, Redis, action server) -> docs/ausfaelle.md"
	@echo "make retention - delete conversations older than 30 days;  make audit - pip-audit of the lock"
	@echo "make report - editors' report of the last 30 days -> reports/report-<date>.html (SINCE=, DAYS=, CSV=1)"

# --- installation -----------------------------------------------------------------
$(VENV)/.installed: requirements.lock scripts/build_spacy_de.py
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (install it, e.g. with pyenv)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(MAKE) --no-print-directory spacy-model
	touch $@

# The chat widget's only front-end dependency (socket.io-client), from the npm registry.
widget/node_modules/.package-lock.json: widget/package-lock.json
	cd widget && npm ci --no-audit --no-fund --loglevel=error

# rasa-webchat for tests/conversations/test_webchat_browser.py (no install scripts needed: prebuilt bundle).
tests/webchat/node_modules/.package-lock.json: tests/webchat/package-lock.json
	cd tests/webchat && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

install: $(VENV)/.installed widget/node_modules/.package-lock.json tests/webchat/node_modules/.package-lock.json

# Services the tests start themselves: PostgreSQL (Debian package) for the tracker store tests.
.PHONY: services
services:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && $$SUDO apt-get install -y -q postgresql; }

# nginx and Redis (Debian packages) for the scale-out setup: `make scale`, tests/scale, `make bench`.
.PHONY: scale-deps
scale-deps: services
	@{ command -v nginx || test -x /usr/sbin/nginx; } >/dev/null && command -v redis-server >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && $$SUDO apt-get install -y -q nginx redis-server; }

# Debian's Chromium for the browser test (Playwright cannot download browsers here).
.PHONY: browser
browser:
	@test -x /usr/bin/chromium || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }

.PHONY: spacy-model
spacy-model:
	@if [ "$(SPACY_MODEL)" = de_hessen_pipeline ]; then \
		wheel=$$($(BIN)/python scripts/build_spacy_de.py --out build/spacy | tail -1) && \
		$(BIN)/pip install -q --no-deps --force-reinstall "$$wheel"; \
	else \
		$(BIN)/python -m spacy download $(SPACY_MODEL); \
	fi

lock: ## regenerate requirements.lock from requirements.in (needs uv)
	uv pip compile requirements.in --python-version 3.10 --exclude-newer 2025-01-31 -o requirements.lock

# --- data ---------------------------------------------------------------------------
gazetteer: install
	$(BIN)/python -m scripts.build_gazetteer
	$(BIN)/python -m scripts.gen_nlu_places

nlu-places: install
	$(BIN)/python -m scripts.gen_nlu_places --check

validate: install
	$(BIN)/python -m actions.validate

stale: install
	$(BIN)/python -m actions.validate --stale

# Plain German: Wiener Sachtextformel of every summary and description (hardest first)
.PHONY: readability
readability: install
	$(BIN)/python -m actions.readability

# Which route (office or official link) each municipality and district gets per topic -> docs/coverage.md
.PHONY: coverage
coverage: install
	$(BIN)/python -m actions.coverage

# Reference of every environment variable, generated from common/settings.py
settings-doc: install
	$(BIN)/python -m common.settings > docs/einstellungen.md

# --- bot ----------------------------------------------------------------------------
train: install nlu-places
	$(RASA) train --fixed-model-name integrationsbot --out models

actions: install
	$(BIN)/python -m actions.server --port $(ACTIONS_PORT) --actions actions

run: train
	@scripts/run_bot.sh

shell: train
	@scripts/run_bot.sh shell

# Scale-out locally: PostgreSQL, Redis, action server, 2 Rasa servers, nginx on :8080 (docs/skalierung.md).
.PHONY: scale bench faults
scale: train scale-deps
	@$(BIN)/python -m scripts.scale

# Faults under load (action server, PostgreSQL, Redis stopped for 5 s, a Rasa server killed) with
# 10 conversations x 150 messages -> docs/ausfaelle.md (about 15 minutes).
faults: train scale-deps
	$(BIN)/python -m scripts.faults --write

# Benchmark against a stock `rasa init` bot, and this bot with fewer Rasa patches -> docs/benchmarks.md
# (~25 min on 2 cores; BENCH_ARGS=--quick for a rough run)
bench: install scale-deps
	$(BIN)/python -m scripts.bench $(BENCH_ARGS)

# --- tests --------------------------------------------------------------------------
test: install services check
	$(RASA) data validate --fail-on-warnings
	$(MAKE) --no-print-directory test-integration train test-nlu test-stories test-conversations test-scale

# The quick tier (< 1 minute): lint, the knowledge validation, the unit tests (they start no process).
.PHONY: check lint test-integration
check: install
	@start=$$(date +%s); \
	$(BIN)/ruff check . && \
	$(BIN)/python -m actions.validate && \
	$(BIN)/python -m pytest -q tests/unit && \
	echo "make check: $$(( $$(date +%s) - start )) s"

lint: install
	$(BIN)/ruff check .

test-unit: install
	$(BIN)/python -m pytest -q tests/unit

# Tests that start processes (action server, retention and report commands, Rasa's command line, PostgreSQL).
test-integration: install services
	$(BIN)/python -m pytest -q tests/integration

test-nlu: install
	rm -rf results/nlu
	$(RASA) test nlu --nlu tests/nlu --successes --model models/integrationsbot.tar.gz --out results/nlu
	$(BIN)/python -m scripts.check_nlu results/nlu

test-stories: install
	$(RASA) test core --stories tests/test_stories.yml --model models/integrationsbot.tar.gz \
		--out results/core --fail-on-prediction-errors

test-conversations: install browser services
	$(BIN)/python -m pytest -q tests/conversations

# Two Rasa servers behind nginx with PostgreSQL and Redis (docs/skalierung.md); ~2-5 minutes.
.PHONY: test-scale
test-scale: install scale-deps
	$(BIN)/python -m pytest -q tests/scale

# Evaluation report: held-out sets per language (+ 5-fold cross-validation with EVALUATE_CV=1)
# -> docs/evaluation.md. Trains the model anew to measure the training time.
EVALUATE_CV ?=
evaluate: install nlu-places
	rm -rf results/nlu results/nlu-cv && mkdir -p results
	start=$$(date +%s); $(RASA) train --force --fixed-model-name integrationsbot --out models && \
		echo $$(( $$(date +%s) - start )) > results/training-seconds.txt
	$(RASA) test nlu --nlu tests/nlu --successes --model models/integrationsbot.tar.gz --out results/nlu
	if [ -n "$(EVALUATE_CV)" ]; then \
		$(RASA) test nlu --nlu data --config config.yml --cross-validation --folds 5 --out results/nlu-cv; fi
	$(BIN)/python -m scripts.evaluation_report results/nlu results/nlu-cv "$$(cat results/training-seconds.txt)"

# --- operations ---------------------------------------------------------------------
# Delete conversations older than RETENTION_DAYS (default 30); run daily (docs/datenschutz.md).
.PHONY: retention audit
retention: install
	$(BIN)/python -m stores.retention $(if $(DAYS),--days $(DAYS))

# Editors' report (docs/bericht.md): masked, aggregated figures of the stored conversations ->
# reports/report-<last day>.html. SINCE=2026-11-01 first day, DAYS=7 length (default 30 up to today),
# CSV=1 also the tables as CSV files (reports/report-<last day>/).
.PHONY: report
report: install
	$(BIN)/python -m scripts.report $(if $(SINCE),--since $(SINCE)) $(if $(DAYS),--days $(DAYS)) $(if $(CSV),--csv)

# Known vulnerabilities of the pinned packages (pip-audit, pinned, in its own venv).
PIP_AUDIT_VERSION := 2.10.1
build/audit-venv/.installed:
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (install it, e.g. with pyenv)"; exit 1; }
	$(PYTHON310) -m venv build/audit-venv
	build/audit-venv/bin/pip install -q --disable-pip-version-check pip-audit==$(PIP_AUDIT_VERSION)
	touch $@

audit: build/audit-venv/.installed
	@scripts/audit.sh

clean:
	rm -rf models results build .rasa
