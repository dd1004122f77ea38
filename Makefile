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

# What the tests need from Debian: PostgreSQL for the store tests' throwaway server (they fail in CI without
# it; CI runs as root). `make run` does not need it.
system-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	fi

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

test: system-deps lint
	$(BIN)/python -m pytest

# The edit loop: unit tests only (no embedding model, no real index), well under 30 s.
test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

# Retrieval quality, ingest throughput and search latency on ../shared/corpus (README numbers).
bench: install
	$(BIN)/python evals/run_retrieval_bench.py

# The assistant on the question sets: key facts, citations, routing, abstention, latency.
eval: install
	$(BIN)/python evals/run_assistant_eval.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
