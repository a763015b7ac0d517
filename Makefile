# aspect-stream: `make demo` runs the pipeline on the local stack, `make test` passes the tests.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export ONNXRUNTIME_NODE_INSTALL_CUDA := skip
STACK := stack/stack.sh
STARTED := stack/.data/started-by-test
MOCHA := npx mocha
TSX := node_modules/.bin/tsx
# Runs a test tier only when it has tests, so an empty tier is not an error.
tier = if compgen -G "test/$(1)/**/*.test.ts" >/dev/null || compgen -G "test/$(1)/*.test.ts" >/dev/null; then \
         $(MOCHA) --exit $(2) 'test/$(1)/**/*.test.ts'; else echo "no $(1) tests"; fi

.PHONY: help train install setup up status down clean-stack test test-unit test-integration test-e2e test-fuzz lint typecheck demo

help:
	@echo "make demo         run the pipeline on the local stack with the sample data"
	@echo "make test         start the local stack and run unit, integration and e2e tests"
	@echo "make up|status|down|clean-stack   manage the local stack (Kafka, registry, Elasticsearch, PostgreSQL)"
	@echo "make lint typecheck"

node_modules/.package-lock.json: package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.package-lock.json

# The stack, then what the pipeline needs in it: database migrations, topics and schemas, index templates.
up: install
	$(STACK) up
	@$(MAKE) --no-print-directory setup

# Re-run only when a migration, a schema or an index template changed (or the stack data was reset).
SETUP_INPUTS := $(wildcard common/postgres/migrations/*.sql schemas/*.avsc schemas/*.ts sinks/elasticsearch/templates.ts)
setup: install stack/.data/setup.stamp

stack/.data/setup.stamp: $(SETUP_INPUTS)
	npm run -s migrate
	npm run -s topics
	npm run -s es:setup
	@touch $@

status:
	$(STACK) status

down:
	stack/services.sh down
	$(STACK) down

clean-stack:
	stack/services.sh down
	$(STACK) clean

typecheck: install
	npx tsc --noEmit

lint: install
	npx eslint . && npx prettier --check .

test-unit: install
	$(call tier,unit,)

test-integration: install
	$(call tier,integration,--timeout 180000)

test-e2e: install
	$(call tier,e2e,--timeout 900000)

# Schemathesis (PyPI, pinned in test/fuzz/requirements.txt) in a venv of its own, against both
# OpenAPI documents on a collector and an API this target starts (needs the stack: make up).
FUZZ_VENV := test/fuzz/.venv
$(FUZZ_VENV)/.installed: test/fuzz/requirements.txt
	python3 -m venv $(FUZZ_VENV) || { apt-get -o DPkg::Lock::Timeout=600 install -y python3-venv && python3 -m venv $(FUZZ_VENV); }
	$(FUZZ_VENV)/bin/pip install --quiet --disable-pip-version-check -r test/fuzz/requirements.txt
	@touch $@

test-fuzz: install $(FUZZ_VENV)/.installed
	$(TSX) test/fuzz/run.ts

# In CI (CI set) the stack components this run started are stopped at the end, pass or fail.
test: install
	@mkdir -p stack/.data && rm -f $(STARTED)
	@rc=0; \
	STACK_STARTED_FILE=$(CURDIR)/$(STARTED) $(STACK) up && $(MAKE) --no-print-directory setup || rc=$$?; \
	if [ $$rc -eq 0 ]; then $(MAKE) --no-print-directory typecheck lint test-unit test-integration test-e2e test-fuzz || rc=$$?; fi; \
	if [ -n "$${CI:-}" ] && [ -s $(STARTED) ]; then $(STACK) down $$(cat $(STARTED)) || true; fi; \
	exit $$rc

# Retrains the shipped ABSA model on CPU (2-2.5 h on 2 free cores; PyTorch from PyPI, a large first
# download), exports int8 ONNX into models/absa/minilm-absa-en-1.0.0 and prints its validation metrics.
train:
	bash models/training/setup_venv.sh
	models/training/.venv/bin/python models/training/train.py

# The whole pipeline on the local stack with the bundled sample corpus; it keeps running afterwards.
demo: up
	stack/services.sh up
	$(TSX) scripts/demo.ts

# Every benchmark on the local stack (several minutes each; ~45 minutes in all on 2 cores); writes docs/benchmarks.md.
.PHONY: bench
bench: up
	$(TSX) scripts/bench.ts
