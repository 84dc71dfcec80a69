# The two commands: `make run` and `make test`. Everything they need is installed from here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DB     ?= data/nq72.duckdb

.PHONY: run test lint install install-test chromium demo bench check-contract lock clean

# The demo database is synthetic and served on loopback: log-in off (README: deploying with log-in).
run: install chromium $(DB)
	NQ72_AUTH=off $(BIN)/nq72 serve --db $(DB)

test: install-test chromium lint
	$(BIN)/python -m pytest

# ruff (configured in pyproject.toml) keeps the whole tree tidy; `make test` runs it first.
lint: install-test
	$(BIN)/ruff check .

install: $(VENV)/.installed $(VENV)/.compiled
install-test: $(VENV)/.installed-test $(VENV)/.compiled

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	touch $@

# The project's own modules are compiled here, as pip compiles the libraries it installs, and again
# after a pull changes them: where Python may not write bytecode (PYTHONDONTWRITEBYTECODE, a
# read-only checkout) every `nq72` command and the server would otherwise compile them at each start.
SOURCES := $(shell find dashboard indicators pipelines data bench -name '*.py' 2>/dev/null)
$(VENV)/.compiled: $(SOURCES) | $(VENV)/.installed
	$(BIN)/python -m compileall -q -x '/\.' dashboard indicators pipelines data bench > /dev/null
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) -e '.[test]'
	touch $@

# The demo database is built once; `nq72 demo --force` rebuilds it.
$(DB): | $(VENV)/.installed
	$(BIN)/nq72 demo --db $(DB)

demo: install
	$(BIN)/nq72 demo --db $(DB) --force

# Debian's Chromium for the browser tests and the exports (browsers cannot be downloaded by
# Playwright here), a font with full Vietnamese coverage so screenshots look the same everywhere,
# and poppler-utils (pdftotext) for the export tests.
chromium:
	@if { [ -z "$$NQ72_CHROMIUM" ] && ! command -v chromium >/dev/null 2>&1; } || ! command -v pdftotext >/dev/null 2>&1; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    chromium fonts-noto-core poppler-utils >/dev/null; \
	fi

bench: install
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/concurrency.py
	$(BIN)/python bench/hostile.py

check-contract: install
	python3 ../shared/checks/cli_contract.py

# Re-pin every dependency after changing pyproject.toml (needs the package registry).
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^nq72' > constraints.txt

clean:
	rm -rf $(VENV) *.egg-info
