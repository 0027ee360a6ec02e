# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(PY) -m rasa
# Rasa would phone home and ask about it on first use; nothing leaves this machine.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2

# Rasa 3.6 needs Python 3.10; on these machines pyenv provides it.
PYTHON310 := $(shell for c in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	$$c -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && echo $$c && break; done)

.PHONY: run cluster test setup lint unit slow validate train conversations browser test-cluster chromium axe screenshots \
	search-eval bench bench-cluster retrain clean

run: setup
	$(PY) -m bot run

# The same assistant on PostgreSQL 15 and Redis 7 (Debian packages, installed when missing and root; data in
# var/cluster), two Rasa replicas behind HAProxy on the Rasa port; logs in var/logs/cluster. See README.
cluster: setup
	$(PY) -m bot cluster

test: setup lint unit validate slow conversations browser test-cluster
	@echo "make test: alle controles geslaagd."

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@test -n "$(PYTHON310)" || { echo "fout: Python 3.10 niet gevonden (installeer het, bijvoorbeeld met pyenv install 3.10)"; exit 1; }
	@echo "Virtuele omgeving en vastgepinde pakketten installeren (de eerste keer enkele minuten)..."
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==24.0
	$(PY) -m pip install --quiet --no-deps -r requirements.txt
	$(PY) -m pip check
	touch $@

lint: setup
	$(PY) -m ruff check bot actions tests bench

unit: setup
	$(PY) -m pytest -q tests --ignore=tests/browser --ignore=tests/cluster -m "not slow"

# Tests that run Rasa itself: annotated data validates; a damaged candidate is refused by the gate.
slow: train
	$(PY) -m pytest -q -s tests --ignore=tests/browser --ignore=tests/cluster -m slow

validate: setup
	$(RASA) data validate --domain domain.yml --data data --config config.yml

train: setup
	$(PY) -m bot train

conversations: train
	$(RASA) test core --model $$($(PY) -c 'from bot.config import load_settings; from bot.training.model import model_path; print(model_path(load_settings()))') \
		--stories tests/conversations --fail-on-prediction-errors --out var/results/conversations

# Browser tests drive Debian's Chromium with Playwright; no browser is downloaded.
browser: train chromium axe
	$(PY) -m pytest -q tests/browser

# The cluster on its own PostgreSQL and Redis (free ports, data under var/test-cluster); skipped with one line
# when they are missing and cannot be installed. The cluster's logs are kept in test-artifacts/cluster-logs.
# The cluster's own tests, then the privacy canary, auth and XSS browser tests against the cluster.
test-cluster: train chromium
	$(PY) -m pytest -q tests/cluster
	JEP_TEST_STACK=cluster $(PY) -m pytest -q tests/browser/test_privacy_canary.py tests/browser/test_closed_doors.py \
		tests/browser/test_hijack.py tests/browser/test_injection.py

# The README's tour: the browser tests photograph the chat, the kennisbank, wie doet wat and the inbox
# into docs/screenshots/ (in `make browser` they go to test-artifacts/tour/). Commit the result.
screenshots: train chromium
	JEP_SCREENSHOTS=docs/screenshots $(PY) -m pytest -q tests/browser/test_tour.py

# axe-core checks the pages for WCAG 2.1 A/AA in the browser tests; pinned, from npm, into ignored var/axe.
# The product itself never loads it.
AXE_VERSION := 4.14.1
AXE_STAMP := var/axe/.installed-$(AXE_VERSION)

axe: $(AXE_STAMP)

$(AXE_STAMP):
	@command -v npm >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then echo "npm installeren (Debian-pakket)..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
		else echo "fout: npm ontbreekt; installeer het Debian-pakket: sudo apt-get install npm"; exit 1; fi; }
	npm install --prefix var/axe axe-core@$(AXE_VERSION) --no-audit --no-fund --no-save --silent
	touch $@

chromium:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then echo "Chromium installeren (Debian-pakket)..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "fout: Chromium ontbreekt; installeer het Debian-pakket: sudo apt-get install chromium"; exit 1; fi; }

search-eval: setup
	$(PY) -m bot knowledge eval

# Quality and speed side by side with plain Rasa (about half an hour on 2 cores with the default 3 folds,
# 39 to 51 minutes with BENCH_FOLDS=5); not part of `make test`.
# Writes bench/results/summary.md with plots (`python -m bench --publish` then copies them into docs/).
bench: setup train
	$(PY) -m bench

# One Rasa replica against two behind HAProxy, at 10 and 50 concurrent conversations.
bench-cluster: setup train
	$(PY) -m bench.cluster

# Maintainers: train a candidate, compare it with the running model, activate it only if it is no worse.
retrain: setup
	$(PY) -m bot model retrain

clean:
	rm -rf var models
