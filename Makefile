# Clairvoie — the two commands of the README, and a few helpers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench
# npm ci empties node_modules/ first, so this stamp is only there after a complete install.
NODE_STAMP := node_modules/.installed

.PHONY: site serve edit test validate debian-packages node-debian-packages clean publish

## make site : install everything and build the demo city into output/
## (Node packages too: the online editor /admin/; without them the site is built without it)
site: $(STAMP)
	@$(MAKE) --no-print-directory $(NODE_STAMP) || echo "Paquets Node non installés : le site est construit sans l'éditeur en ligne (/admin/)."
	$(BIN)/pelican content -s pelicanconf.py -o output

## make serve : build, watch and serve on http://localhost:8000
serve: $(STAMP)
	$(BIN)/clairvoie serve

## make edit : edit the records in the browser, on this working copy (docs/editer-en-ligne.md):
## the editor on http://localhost:8000/admin/, decap-server (port 8081) writing the files it
## saves, and the site rebuilt at each save, as make serve does
edit: $(STAMP) $(NODE_STAMP)
	@BIND_HOST=127.0.0.1 node_modules/.bin/decap-server & server=$$!; trap 'kill $$server' EXIT INT TERM; \
	$(BIN)/clairvoie serve

## make validate : check every record, print every problem
validate: $(STAMP)
	$(BIN)/clairvoie validate

## make bench : time the build of a synthetic city against plain Pelican and Hugo (SIZE=S|M|L; bench/README.md)
SIZE ?= M
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python bench/run.py --size $(SIZE)

## make profile-rebuild CITY=bench/work/city-M-1 RECORD=content/projects/<file>.yaml : where one
## rebuild's time goes after that record is edited, under pyinstrument (bench/README.md)
.PHONY: profile-rebuild
profile-rebuild: $(BENCH_STAMP)
	@test -n "$(CITY)" -a -n "$(RECORD)" || { echo "Give CITY=<a city's folder> RECORD=<a record of it>"; exit 1; }
	$(BIN)/python bench/profile_rebuild.py $(CITY) $(RECORD)

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

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

# Decap CMS and decap-server (the online editor) and the Nu HTML checker (vnu-jar), pinned in
# package-lock.json. --ignore-scripts: vnu-jar's postinstall would download a Java runtime from
# GitHub; Debian's (debian-packages) runs it instead. Only Node and npm are needed here.
$(NODE_STAMP): package.json package-lock.json | node-debian-packages
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

## Debian packages the tests need, as command:package when the package is named otherwise:
## Chromium (pages in a real browser), rsync (publishing), Java and npm (the Nu HTML checker),
## PostgreSQL (the subscription service's tests start Debian's cluster when run as root),
## tilemaker (the interactive map's tiles, outputs/tiles/)
DEBIAN_PACKAGES := chromium rsync java:default-jre-headless node:nodejs npm pg_ctlcluster:postgresql tilemaker
debian-packages: WANTED = $(DEBIAN_PACKAGES)
## and those the Node packages need (make site)
node-debian-packages: WANTED = node:nodejs npm
debian-packages node-debian-packages:
	@missing=""; for entry in $(WANTED); do \
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
