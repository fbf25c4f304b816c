# Two commands for a newcomer: `make demo` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo serve test lint typecheck pytest browser bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The main job on the example articles: extract, check, store in reports/audit.duckdb, write a report under
# reports/ and print its path (the summary line ends with it). Re-running adds nothing new to the history.
demo: $(STAMP)
	$(BIN)/auditor check examples/ --format table --fail-on never
	$(BIN)/auditor audit examples/ --db reports/audit.duckdb --out reports --fail-on never

# The check as a web page and an HTTP API on http://127.0.0.1:8000/ (API docs at /docs); Ctrl-C stops it.
serve: $(STAMP)
	$(BIN)/auditor serve --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check auditor tests benchmarks scripts
	$(BIN)/ruff format --check auditor tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

# The browser test drives Debian's Chromium through playwright (no browser download). Install it when missing and
# possible (root with apt); otherwise tests/test_browser.py skips and says why.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } ; } || \
	  echo "note: chromium is not installed and could not be installed; the browser test will be skipped"

pytest: $(STAMP) browser
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/extraction_accuracy.py
	$(BIN)/python benchmarks/extraction_speed.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
