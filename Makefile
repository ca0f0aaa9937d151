# The two commands a fresh machine needs: `make run` and `make test`. Both create the environment.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test layers bench letters-samples screenshots venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Web on 127.0.0.1:5000 and a worker process, SQLite + the embedded broker under instance/.
# Options: make run RUN_ARGS="--port 8080 --concurrency 2"
run: $(STAMP)
	$(BIN)/appeals run $(RUN_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The layer contract alone (pyproject.toml [tool.importlinter]); `make test` checks it too.
layers: $(STAMP)
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m bench

# The five sample letters in docs/letters/ (PDF via LibreOffice, PNG via pdftoppm).
letters-samples: $(STAMP)
	$(BIN)/python tools/build_letters.py --samples

# docs/screenshots/: the browser journeys (tests/browser/test_journeys.py) at desktop and phone
# width, taken as they run (needs Chromium; the README shows them).
screenshots: $(STAMP)
	APPEALS_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q -p no:cacheprovider tests/browser/test_journeys.py

clean:
	rm -rf $(VENV) instance/*.sqlite .pytest_cache
