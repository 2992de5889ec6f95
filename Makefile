# uwimap-ts: build, check, test, bench, demo, install.
# README.md's two commands are `make demo` and `make test`; both set up everything they need.

SHELL      := /bin/bash
NODE       ?= node
NPM        ?= npm
PREFIX     ?= /usr/local
DESTDIR    ?=
TSC        := node_modules/.bin/tsc
ESLINT     := node_modules/.bin/eslint
# Test files only (node --test given a directory would also run every helper under test/ as a test).
TESTS      ?= $$(find dist/test -name '*.test.js' | sort)

.PHONY: all setup deps system-deps build check lint typecheck test test-unit bench demo install uninstall clean

all: build

## setup: everything a fresh Debian machine needs (npm packages, Debian packages for the interop tests).
setup: deps system-deps

# npm 11 skips dependency install scripts unless package.json approves them (allowScripts); the native-module
# check below turns a silently unbuilt fs-ext into a loud failure.
deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	$(NPM) install --no-audit --no-fund
	$(NODE) -e "require('fs-ext'); require('@node-rs/bcrypt')" || \
	  { echo 'native modules did not build: check allowScripts in package.json' >&2; exit 1; }
	touch $@

system-deps:
	bash test/setup-system.sh

build: deps
	rm -rf dist
	$(TSC) -p tsconfig.json

typecheck: deps
	$(TSC) -p tsconfig.json --noEmit

lint: deps
	$(ESLINT) .

check: typecheck lint

test: setup build
	$(NODE) --test --test-reporter=spec $(TESTS)

bench: build
	$(NODE) dist/bench/mbox-open.js

demo: deps build
	bash test/demo.sh

install: build
	install -d $(DESTDIR)$(PREFIX)/lib/uwimap-ts $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin
	cp -r dist package.json node_modules $(DESTDIR)$(PREFIX)/lib/uwimap-ts/
	printf '#!/bin/sh\nexec $(NODE) $(PREFIX)/lib/uwimap-ts/dist/bin/mailtool.js "$$@"\n' > $(DESTDIR)$(PREFIX)/bin/mailtool
	chmod 755 $(DESTDIR)$(PREFIX)/bin/mailtool

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/lib/uwimap-ts $(DESTDIR)$(PREFIX)/bin/mailtool

clean:
	rm -rf dist
