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
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install run shell train actions validate stale gazetteer nlu-places test test-unit \
	test-nlu test-stories test-conversations evaluate lock clean

help:
	@echo "make run    - install, train if needed, start action server + Rasa (REST, socket.io)"
	@echo "make test   - install and run every test"
	@echo "make shell  - chat in the terminal";  echo "make train  - train a model if data changed"
	@echo "make validate / make stale / make gazetteer / make evaluate"

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

install: $(VENV)/.installed widget/node_modules/.package-lock.json

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
	$(BIN)/python scripts/build_gazetteer.py
	$(BIN)/python scripts/gen_nlu_places.py

nlu-places: install
	$(BIN)/python scripts/gen_nlu_places.py --check

validate: install
	$(BIN)/python -m actions.validate

stale: install
	$(BIN)/python -m actions.validate --stale

# --- bot ----------------------------------------------------------------------------
train: install nlu-places
	$(RASA) train --fixed-model-name integrationsbot --out models

actions: install
	$(RASA) run actions --port $(ACTIONS_PORT) --actions actions

run: train
	@scripts/run_bot.sh

shell: train
	@scripts/run_bot.sh shell

# --- tests --------------------------------------------------------------------------
test: install validate
	$(RASA) data validate --fail-on-warnings
	$(MAKE) --no-print-directory test-unit train test-nlu test-stories test-conversations

test-unit: install
	$(BIN)/python -m pytest -q tests/unit

test-nlu: install
	$(RASA) test nlu --nlu tests/nlu_test.yml --model models/integrationsbot.tar.gz --out results/nlu
	$(BIN)/python scripts/check_nlu.py results/nlu

test-stories: install
	$(RASA) test core --stories tests/test_stories.yml --model models/integrationsbot.tar.gz \
		--out results/core --fail-on-prediction-errors

test-conversations: install browser
	$(BIN)/python -m pytest -q tests/conversations

# Evaluation report: held-out set + 5-fold cross-validation -> docs/evaluation.md (takes ~15 min)
evaluate: train
	$(RASA) test nlu --nlu tests/nlu_test.yml --model models/integrationsbot.tar.gz --out results/nlu
	$(RASA) test nlu --nlu data --config config.yml --cross-validation --folds 5 --out results/nlu-cv
	$(BIN)/python scripts/evaluation_report.py results/nlu results/nlu-cv

clean:
	rm -rf models results build .rasa
