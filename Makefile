# Clairvoie — the two commands of the README, and a few helpers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# npm ci empties node_modules/ first, so this stamp is only there after a complete install.
NODE_STAMP := node_modules/.installed

.PHONY: site serve test validate debian-packages clean publish

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

## make publish : build the public site (publishconf.py) into output/ and put it online at
## $CLAIRVOIE_PUBLISH_TARGET: s3://bucket/folder, or an rsync target (docs/publier.md)
publish: $(STAMP)
	@test -n "$$CLAIRVOIE_PUBLISH_TARGET" || { \
	  echo "Où publier ? Donnez CLAIRVOIE_PUBLISH_TARGET (s3://seau/dossier, utilisateur@serveur:/chemin ou un dossier) : voir docs/publier.md."; exit 1; }
	@case "$$CLAIRVOIE_PUBLISH_TARGET" in \
	  s3://*) $(BIN)/python -c 'import boto3' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[publish]' ;; \
	  *) command -v rsync >/dev/null 2>&1 || { \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsync >/dev/null; \
	    else \
	      echo "rsync manque : installez le paquet Debian « rsync » (sudo apt-get install rsync)."; exit 1; \
	    fi; } ;; \
	esac
	$(BIN)/pelican content -s publishconf.py -o output
	$(BIN)/clairvoie -s publishconf.py publish

## make test : install what tests need (Chromium, rsync, Java and the Nu HTML checker included) and run them all
test: $(TEST_STAMP) debian-packages $(NODE_STAMP)
	$(BIN)/python -m pytest

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The Nu HTML checker (vnu-jar, pinned in package-lock.json). --ignore-scripts: its postinstall
# would download a Java runtime from GitHub; Debian's (debian-packages) runs it instead.
$(NODE_STAMP): package.json package-lock.json | debian-packages
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

## Debian packages the tests need, as command:package when the package is named otherwise:
## Chromium (pages in a real browser), rsync (publishing), Java and npm (the Nu HTML checker),
## PostgreSQL (the subscription service's tests start Debian's cluster when run as root)
DEBIAN_PACKAGES := chromium rsync java:default-jre-headless node:nodejs npm pg_ctlcluster:postgresql
debian-packages:
	@missing=""; for entry in $(DEBIAN_PACKAGES); do \
	  command -v "$${entry%%:*}" >/dev/null 2>&1 || missing="$$missing $${entry#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Il manque des paquets Debian :$$missing (sudo apt-get install$$missing)."; exit 1; \
	  fi; \
	fi

clean:
	rm -rf output output.clairvoie-*
