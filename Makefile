# Clairvoie — the two commands of the README, and a few helpers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: site serve test validate chromium clean

## make site : install everything and build the demo city into output/
site: $(STAMP)
	$(BIN)/pelican content -s pelicanconf.py -o output

## make serve : build, watch and serve on http://localhost:8000
serve: $(STAMP)
	$(BIN)/clairvoie serve

## make validate : check every record, print every problem
validate: $(STAMP)
	$(BIN)/clairvoie validate

## make bench : time the build of a synthetic city against plain Pelican and Hugo (SIZE=S|M|L; bench/README.md)
SIZE ?= M
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python bench/run.py --size $(SIZE)

## make test : install what tests need (Chromium included) and run them all
test: $(TEST_STAMP) chromium
	$(BIN)/python -m pytest

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium manque : installez le paquet Debian « chromium » (sudo apt-get install chromium)."; exit 1; \
	  fi; }

clean:
	rm -rf output output.clairvoie-*
