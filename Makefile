# Single entry point for developers and CI. Every target sets itself up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEPS_STAMP := $(VENV)/.deps-stamp
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: demo test test-python test-rust lint bench build clean

$(DEPS_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(DEPS_STAMP)

## build: compile the Rust extension (release profile) into the venv
build: $(DEPS_STAMP)
	cd $(CURDIR) && VIRTUAL_ENV=$(CURDIR)/$(VENV) $(VENV)/bin/maturin develop --release --skip-install -q

## demo: a workflow on the embedded DuckDB default: cache miss, then hit
demo: build
	$(PY) examples/demo.py

## test: Rust tests, lint, then the Python suite
test: build test-rust lint test-python

test-rust:
	cargo test --no-default-features -q

test-python: build
	$(VENV)/bin/pytest -q

lint: $(DEPS_STAMP)
	cargo fmt --check
	cargo clippy -q --all-targets -- -D warnings
	cargo clippy -q --all-targets --no-default-features -- -D warnings
	$(VENV)/bin/ruff check python tests benchmarks examples
	$(VENV)/bin/ruff format --check python tests benchmarks examples

## bench: side-by-side benchmarks against Consist 0.3.5, b3sum and raw DuckDB
bench: build
	$(PY) benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) target .bench
