# Insatsguiden — two commands for a newcomer:
#   make run    sets everything up (idempotent) and starts web + Rasa + action server
#   make test   sets everything up and runs all tests
# Every setup step is a file target, so a second run skips what is already done.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
BUILD     := build
CATALOGUE_DB := $(BUILD)/catalogue.db
SPACY_SV  := $(BUILD)/spacy_sv
MODEL     := models/insatsguiden.tar.gz
CHROMIUM  := /usr/bin/chromium
AXE       := tests/browser/node_modules/axe-core/axe.min.js

CATALOGUE_SRC := $(wildcard catalogue/data/*.yml) $(wildcard catalogue/insatskatalog/*.py)
TRAIN_SRC     := config.yml $(wildcard catalogue/data/*.yml) bot/lookups.py $(wildcard bot/nlu/*.py) $(wildcard nlu_data/residents/*.jsonl) $(wildcard nlu_data/acute/*.jsonl) $(shell find bot/domain bot/data nlu_data/train -name "*.yml" 2>/dev/null)

# Lint the whole tree; check the format of the files written in ruff's format so far (pyproject.toml).
RUFF_FORMATTED := tests/test_one_source.py tests/test_docs.py tests/bot/test_lookups.py tests/web/staff_kit.py tests/web/browser_kit.py
RUFF := $(PY) -m ruff check . && $(PY) -m ruff format --check $(RUFF_FORMATTED)

# Prints "==> what" before a step and "    klart (N s)" after it.
define step
	@echo "==> $(1)"; start=$$(date +%s); $(2) && echo "    klart ($$(( $$(date +%s) - start )) s)"
endef

.PHONY: help setup run test test-fast eval bench validate clean chat run-scaled servers

help:
	@echo "make run     – installera allt som behövs och starta tjänsten"
	@echo "make test    – installera allt som behövs och kör alla tester"
	@echo "make eval SCENARIOS=fil.jsonl OUT=ut.jsonl – kör scenarier mot assistenten (förval: blinda dev-halvan)"
	@echo "make bench   – mät NLU, routning, svarstider, minne och robusthet (bench/results/)"
	@echo "make chat    – prata med assistenten i terminalen"
	@echo "make run-scaled – flera Rasa-instanser med Redis och PostgreSQL på den här datorn (docs/deployment.md)"

$(VENV)/.installed: pyproject.toml requirements.lock
	@PY310=$$(scripts/find-python310.sh) || exit 1; \
	echo "==> virtuell miljö ($(VENV)) med $$PY310"; start=$$(date +%s); \
	{ [ -x $(PY) ] || $$PY310 -m venv $(VENV); } && \
	$(PY) -m pip install --quiet --upgrade pip && \
	echo "==> installerar beroenden (requirements.lock, tar cirka 4 minuter första gången)" && \
	$(PY) -m pip install --quiet -r requirements.lock && \
	$(PY) -m pip install --quiet --no-deps -e . && \
	touch $@ && echo "    klart ($$(( $$(date +%s) - start )) s)"

$(CATALOGUE_DB): $(VENV)/.installed $(CATALOGUE_SRC)
	$(call step,katalogen: validerar och bygger $@,$(PY) -m insatskatalog validate && $(PY) -m insatskatalog build --db $@)

$(SPACY_SV)/.built: $(VENV)/.installed bot/spacy_sv.py
	$(call step,svensk spaCy-pipeline ($(SPACY_SV)),$(PY) -m bot.spacy_sv $(SPACY_SV) && touch $@)

# Rasa is trained only when its inputs changed (this rule's prerequisites).
$(MODEL): $(SPACY_SV)/.built $(TRAIN_SRC)
	$(call step,tränar Rasa-modellen (cirka 2–4 minuter),$(PY) -m bot.train)

$(CHROMIUM):
	$(call step,installerar Chromium för webbläsartester,scripts/install-chromium.sh)

# Redis and PostgreSQL from Debian, for the scaled layout and its tests (only when missing).
servers:
	@scripts/install-servers.sh || { echo "Kunde inte installera redis-server/postgresql (scripts/install-servers.sh)." >&2; exit 1; }

$(AXE): tests/browser/package.json
	$(call step,hämtar axe-core (npm) för tillgänglighetstester,cd tests/browser && npm ci --silent --no-audit --no-fund)

setup: $(CATALOGUE_DB) $(SPACY_SV)/.built $(MODEL)

validate: $(VENV)/.installed
	$(PY) -m insatskatalog validate

run: setup
	$(PY) -m bot.stack

chat: setup
	$(PY) -m bot.terminal_chat

run-scaled: setup servers
	$(PY) -m bot.scaled

test: setup $(CHROMIUM) servers $(if $(wildcard tests/browser/package.json),$(AXE))
	$(call step,kontrollerar Rasa-data (rasa data validate),$(PY) -m bot.validate_data)
	$(call step,ruff (lint och format; pyproject.toml),$(RUFF))
	$(PY) -m pytest tests

# No model, no servers, no browser (tiers: tests/conftest.py); about 2.5 minutes on 2 cores (docs/architecture.md).
test-fast: $(CATALOGUE_DB)
	$(RUFF)
	$(PY) -m pytest tests -m "not stack and not servers and not browser and not slow"

eval: setup
	$(PY) -m bench.eval --mode both --scenarios $(or $(SCENARIOS),bench/blind/dev.jsonl) --out $(or $(OUT),build/eval_replies.jsonl)

bench: setup
	$(PY) -m bench.nlu
	$(PY) -m bench.eval --official
	$(PY) -m bench.load
	$(PY) -m bench.robustness
	$(PY) -m bench.long_conversation

clean:
	rm -rf $(BUILD) models .pytest_cache
