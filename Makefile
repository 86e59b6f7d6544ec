# Two commands, both from a clean clone: `make demo` runs the extractor on the bundled reports,
# `make test` runs the test suite. Each creates its own virtual environment in .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install clean

$(BIN)/extractor: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,ocr,ray,export,bench]'  # the tests run a local Ray and read exports back; bench: benchmarks/
	touch $(BIN)/extractor

install: $(BIN)/extractor

demo: install
	-$(BIN)/extractor extract golden/docs

test: install
	$(BIN)/python -m pytest -q extractor verify tests README.md

clean:
	rm -rf $(VENV) build *.egg-info
