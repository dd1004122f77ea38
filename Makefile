# Two entry points for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_PROGRESS_BARS := 1
export TOKENIZERS_PARALLELISM := false
export ANONYMIZED_TELEMETRY := False

.PHONY: install system-deps run test test-fast lint bench eval clean

install: $(VENV)/.installed

# What the tests need from Debian: PostgreSQL for the store tests' throwaway server, chromium for the browser
# tests (Playwright drives it; never `playwright install`); and axe-core from npm into .cache/npm for the
# accessibility check. They fail in CI without them; CI runs as root. `make run` does not need them.
AXE_JS := .cache/npm/node_modules/axe-core/axe.min.js
system-deps: $(AXE_JS)
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	fi
	@if ! [ -x /usr/bin/chromium ]; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

$(AXE_JS):
	@command -v npm >/dev/null 2>&1 || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm install --silent --no-audit --no-fund --prefix .cache/npm axe-core@4

# torch goes first and pinned: the CPU wheel is on disk, an unpinned resolve pulls CUDA builds.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

run: install
	$(BIN)/enroller demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The whole suite, then the fresh, holdout, blind, wild, street, desk, counter and harbor sets' test splits against evals/thresholds.yaml (exit 1 on a
# regression). Without ../shared/corpus the corpus tests and the eval skip with a reason.
test: system-deps lint
	$(BIN)/python -m pytest
	$(BIN)/enroller eval fresh --split test
	$(BIN)/enroller eval holdout --split test
	$(BIN)/enroller eval blind --split test
	$(BIN)/enroller eval wild --split test
	$(BIN)/enroller eval street --split test
	$(BIN)/enroller eval desk --split test
	$(BIN)/enroller eval counter --split test
	$(BIN)/enroller eval harbor --split test

# The edit loop: unit tests only (no embedding model, no real index), well under 30 s.
test-fast: install
	$(BIN)/python -m pytest -q --unit -n 2 -p no:faker -p no:hypothesispytest -p no:schemathesis

# Retrieval quality, ingest throughput and search latency on ../shared/corpus (README numbers).
bench: install
	$(BIN)/python evals/run_retrieval_bench.py

# The assistant on the golden sets (fresh, holdout, blind, wild, street, desk, counter and harbor test splits, then the legacy sets): retrieval, key facts, first
# sentence, answer length, citations, tools, abstention, latency. `enroller eval --help` for the options.
eval: install
	$(BIN)/enroller eval fresh --split test
	$(BIN)/enroller eval holdout --split test
	$(BIN)/enroller eval blind --split test
	$(BIN)/enroller eval wild --split test
	$(BIN)/enroller eval street --split test
	$(BIN)/enroller eval desk --split test
	$(BIN)/enroller eval counter --split test
	$(BIN)/enroller eval harbor --split test
	$(BIN)/enroller eval legacy --split all

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
