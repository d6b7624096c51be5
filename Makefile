# The two commands a newcomer needs (see README.md):
#   make demo   install, then crawl the bundled real portal offline into demo.db and summarise it
#   make test   install, then run the linters, the type checker and the whole test suite (CI)
#   make fast   the fast tier of the tests (no end-to-end crawls), under a minute

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

PYWB_STAMP := .venv-pywb/.installed

.PHONY: demo test fast browser pywb lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/portal-archive demo --db demo.db

# The web interface's tests drive Debian's chromium (never a browser download); as root it is
# installed with apt-get when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		{ echo "the tests need Debian's chromium: sudo apt-get install chromium"; exit 1; }

# pywb (the Wayback implementation) in its own virtualenv: the recovery tests start it on
# 127.0.0.1 as a stand-in for the Wayback Machine and Common Crawl's index. Its pins (gevent, an
# old redis) are not the crawler's, so it does not share .venv.
$(PYWB_STAMP): pyproject.toml
	$(PYTHON) -m venv .venv-pywb
	.venv-pywb/bin/pip install --quiet --upgrade pip
	.venv-pywb/bin/pip install --quiet "$$(grep -o 'pywb==[0-9.]*' pyproject.toml)"
	touch $(PYWB_STAMP)

pywb: $(PYWB_STAMP)

test: $(STAMP) browser $(PYWB_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

fast: $(STAMP) $(PYWB_STAMP)
	$(BIN)/python -m pytest -m "not slow"

bench: $(STAMP)
	$(BIN)/python -m bench.throughput
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.crawl_hanoi
	$(BIN)/python -m bench.extraction
	$(BIN)/python -m bench.reextract
	$(BIN)/python -m bench.warc_size
	$(BIN)/python -m bench.incremental
	$(BIN)/python -m bench.export

clean:
	rm -rf $(VENV) .venv-pywb demo.db demo.db-wal demo.db-shm demo-warc demo-locks test-artifacts
