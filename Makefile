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

.PHONY: help train install setup up status down clean-stack test test-unit test-k8s test-integration test-e2e test-monitoring test-alerting test-fuzz lint typecheck demo

help:
	@echo "make demo         run the pipeline on the local stack with the sample data"
	@echo "make test         start the local stack and run unit, integration and e2e tests"
	@echo "make up|status|down|clean-stack   manage the local stack (Kafka, registry, Elasticsearch, PostgreSQL)"
	@echo "make chaos        faults against every component under load; fails on any loss or duplicate"
	@echo "make lint typecheck test-monitoring"
	@echo "make ui           build the dashboard into ui/dist (the API serves it under /); make test-ui tests it in Chromium"

node_modules/.package-lock.json: package-lock.json package.json $(wildcard patches/*.patch)
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.package-lock.json

# The stack, then what the pipeline needs in it: database migrations, topics and schemas, index templates.
up: install
	$(STACK) up
	@$(MAKE) --no-print-directory setup

# Migrations, topics and schemas, index templates: each step checks the live stack and does only
# what is missing, so a stack that is new (or another checkout's) is always set up.
setup: install
	npm run -s migrate
	npm run -s topics
	npm run -s es:setup

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

# k8s/ offline: every overlay rendered, validated against its schemas and the project's policies.
# kubectl (with Kustomize) where the machine has it; otherwise a kustomize built from its Go module.
KUSTOMIZE_VERSION := v5.5.0
test-k8s: install
	@if ! command -v kubectl >/dev/null && ! command -v kustomize >/dev/null && [ ! -x .tools/kustomize ]; then \
	  echo "installing kustomize $(KUSTOMIZE_VERSION) into .tools/"; \
	  GOBIN=$(CURDIR)/.tools go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION); fi
	@if ! command -v kubectl >/dev/null && ! command -v kustomize >/dev/null; then export KUSTOMIZE=$(CURDIR)/.tools/kustomize; fi; \
	$(MOCHA) --exit 'test/k8s/**/*.test.ts'

test-integration: install
	$(call tier,integration,--timeout 180000)

test-e2e: install
	$(call tier,e2e,--timeout 900000)

# The dashboard: its own npm packages (ui/package-lock.json), type-checked and built by Vite into
# ui/dist, which the API process serves under /. Its browser tests drive Debian's Chromium.
.PHONY: ui chromium test-ui
UI_SOURCES := $(shell find ui/src ui/public -type f 2>/dev/null) ui/index.html ui/vite.config.ts ui/tsconfig.json

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund
	@touch $@

ui/dist/index.html: ui/node_modules/.package-lock.json $(UI_SOURCES)
	cd ui && npm run -s build

ui: ui/dist/index.html

chromium:
	ui/scripts/install-chromium.sh

test-ui: install ui chromium
	cd ui && npx tsc --noEmit -p test
	$(MOCHA) --exit --timeout 180000 'ui/test/**/*.test.ts'

# Prometheus and Alertmanager configuration: promtool/amtool checks, the rules' unit tests (every
# alert firing and not), then test/monitoring (dashboards, instrumentation contract, Kibana objects).
MONITORING := monitoring
test-monitoring: install
	$(STACK) install prometheus alertmanager
	promtool check config $(MONITORING)/prometheus/prometheus.yml
	promtool check rules $(MONITORING)/prometheus/rules/*.yml
	promtool test rules $(MONITORING)/prometheus/tests/*.test.yml
	amtool check-config $(MONITORING)/alertmanager/alertmanager.yml
	$(call tier,monitoring,--timeout 60000)

# Prometheus + Alertmanager on the seven services Prometheus scrapes, started by the test itself
# (ports 28600-28899): every target up; a stopped sink fires ServiceDown within its for + 2 evaluation
# intervals and pages within that + group_wait; restarting it resolves the alert. About 3 minutes
# (service start-up, the rule's for: 1m, the resolve), so not part of `make test`.
test-alerting: up
	$(call tier,alerting,--timeout 400000)

# Schemathesis (PyPI, pinned in test/fuzz/requirements.txt) in a venv of its own, against both
# OpenAPI documents on a collector and an API this target starts (needs the stack: make up).
FUZZ_VENV := test/fuzz/.venv
$(FUZZ_VENV)/.installed: test/fuzz/requirements.txt
	python3 -m venv $(FUZZ_VENV) || { apt-get -o DPkg::Lock::Timeout=600 install -y python3-venv && python3 -m venv $(FUZZ_VENV); }
	$(FUZZ_VENV)/bin/pip install --quiet --disable-pip-version-check -r test/fuzz/requirements.txt
	@touch $@

test-fuzz: install $(FUZZ_VENV)/.installed
	$(TSX) test/fuzz/run.ts

# In CI (CI set) the stack components this run started are stopped at the end, pass or fail. The last
# line adds up the counts of every test runner ("tests: N passed, N failed, N skipped"). The fuzzer keeps
# Schemathesis' own output in test/fuzz/out/ unless it fails: its pytest-style closing line
# ("N warnings in Xs") reads as a run of zero tests.
TEST_LOG := stack/.data/test-output.log
test: install ui
	@mkdir -p stack/.data && rm -f $(STARTED) $(TEST_LOG)
	@rc=0; \
	STACK_STARTED_FILE=$(CURDIR)/$(STARTED) $(STACK) up && $(MAKE) --no-print-directory setup || rc=$$?; \
	if [ $$rc -eq 0 ]; then $(MAKE) --no-print-directory typecheck lint test-unit test-monitoring test-k8s test-integration test-e2e test-fuzz test-ui 2>&1 | tee $(TEST_LOG) || rc=$$?; fi; \
	if [ -n "$${CI:-}" ] && [ -s $(STARTED) ]; then $(STACK) down $$(cat $(STARTED)) || true; fi; \
	if [ -s $(TEST_LOG) ]; then scripts/test-summary.sh $(TEST_LOG); fi; \
	exit $$rc

# Retrains the shipped ABSA model on CPU (2-2.5 h on 2 free cores; PyTorch from PyPI, a large first
# download), exports int8 ONNX into models/absa/minilm-absa-en-1.0.0 and prints its validation metrics,
# then the heads that read its states (categories, opinions, polarity, the name filter: a few minutes).
train:
	bash models/training/setup_venv.sh
	models/training/.venv/bin/python models/training/train.py
	models/training/.venv/bin/python models/training/train_categories.py
	models/training/.venv/bin/python models/training/train_opinions.py
	models/training/.venv/bin/python models/training/train_polarity.py
	models/training/.venv/bin/python models/training/train_names.py

# The whole pipeline on the local stack with the bundled sample corpus; it keeps running afterwards.
demo: up ui
	stack/services.sh up
	$(TSX) scripts/demo.ts

# 10,000 documents through the pipeline while faults hit every component once; prints what arrived
# where and fails on any loss or duplicate (several minutes; restarts the stack's Kafka and registry).
.PHONY: chaos
chaos: up
	$(TSX) test/chaos/pipeline.chaos.ts

# Backup of the local stack's data into backups/<UTC time>/ (docs/operations.md); restore from one.
.PHONY: backup restore
backup: install
	$(TSX) scripts/backup-main.ts

restore: install
	@[ -n "$(BACKUP)" ] || { echo "usage: make restore BACKUP=backups/<folder>"; exit 2; }
	$(TSX) scripts/restore-main.ts "$(BACKUP)"

# The disaster-recovery drill (scripts/backup/drill.ts): sample data in, make backup, make clean-stack,
# make up, make restore, then counts and API answers compared and new documents checked for gaps and
# duplicates; prints backup/restore times and sizes (docs/operations.md). It DELETES the local stack's
# data (make clean-stack), which every other test shares, so it is not part of `make test`: run it
# when nothing else uses the stack. Exits 1 on any difference.
.PHONY: dr-drill
dr-drill: install
	$(TSX) scripts/backup/drill.ts

# One OCI image for every service and the dashboard (image/build.sh; not part of make test: several
# minutes), and its smoke test: the image's root filesystem run read-only under chroot against the
# local stack.
.PHONY: image image-smoke
image: install ui
	image/build.sh

image-smoke: install
	$(TSX) scripts/image-smoke.ts

# Every benchmark on the local stack (several minutes each; ~45 minutes in all on 2 cores); writes docs/benchmarks.md.
.PHONY: bench
bench: up
	$(TSX) scripts/bench.ts
