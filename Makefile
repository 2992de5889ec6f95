# uwimap-ts: build, check, test, bench, demo, install.
# README.md's two commands are `make demo` and `make test`; both set up everything they need.

SHELL      := /bin/bash
NODE       ?= node
NPM        ?= npm
# Installation directories (make install / make uninstall; DESTDIR is prefixed to all of them for staging).
PREFIX     ?= /usr/local
DESTDIR    ?=
SBINDIR    ?= $(PREFIX)/sbin
BINDIR     ?= $(PREFIX)/bin
PKGLIBDIR  ?= $(PREFIX)/lib/uwimap-ts
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/uwimap-ts
# xinetd reads only /etc/xinetd.d, and the servers' configuration is /etc/uwimap-ts.conf, whatever the prefix.
SYSCONFDIR ?= /etc
# systemd reads /usr/local/lib/systemd/system as well as /lib/systemd/system.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
TSC        := node_modules/.bin/tsc
ESLINT     := node_modules/.bin/eslint
# Test files only (node --test given a directory would also run every helper under test/ as a test).
TESTS      ?= $$(find dist/test -name '*.test.js' | sort)

.PHONY: all setup deps system-deps build rebuild check lint unused typecheck test test-fast test-unit bench demo install uninstall clean fuzz FORCE

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

# The native addon (lib/native/*.c, linked into one .node: module.c registers what os.c, pam.c, mbox.c and lines.c define;
# addon.h is what they share): crypt_rn, PAM, AF_UNIX datagrams, sync_file_range and the mbox byte loops. Plain
# N-API, so no node-gyp and one build serves every Node >= 20. It lives in build/, not dist/, which `build` removes.
# Only the N-API entry point is exported (-fvisibility=hidden). Loaded once here so that an unresolved symbol fails
# the build, not the first login.
NATIVE       := build/uwimap-native.node
NATIVE_SRC   := lib/native/module.c lib/native/os.c lib/native/pam.c lib/native/mbox.c lib/native/lines.c
NODE_INCLUDE ?= $(firstword $(wildcard /usr/include/node) \
                  $(shell $(NODE) -p "require('path').join(process.execPath, '../../include/node')"))
$(NATIVE): $(NATIVE_SRC) lib/native/addon.h
	@[ -e $(NODE_INCLUDE)/node_api.h ] || { echo "$(NODE_INCLUDE)/node_api.h is missing: set NODE_INCLUDE" >&2; exit 1; }
	@for h in /usr/include/crypt.h:libcrypt-dev /usr/include/security/pam_appl.h:libpam0g-dev; do \
	  [ -e "$${h%%:*}" ] || { echo "$${h%%:*} is missing: install $${h#*:} (make system-deps)" >&2; exit 1; }; done
	@mkdir -p build
	cc -O2 -Wall -Wextra -Werror -fPIC -fvisibility=hidden -shared -I$(NODE_INCLUDE) -o $@.tmp $(NATIVE_SRC) -lcrypt -lpam
	$(NODE) -e "process.dlopen({ exports: {} }, require('path').resolve('$@.tmp'))" || { echo 'the native addon does not load' >&2; rm -f $@.tmp; exit 1; }
	mv $@.tmp $@

# The node make runs with, as tools/node-id.mjs names it (version, ABI, the binary's path, mtime, size): looked at on
# every run and rewritten only when it changed, so that what is built for one node (the start-up snapshots, fs-ext)
# is rebuilt after a Node.js upgrade, and only then.
NODE_ID := build/node.id
$(NODE_ID): FORCE
	@mkdir -p build && $(NODE) tools/node-id.mjs > $@.new && if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi
FORCE:

# npm packages built for one Node ABI (NAN modules, compiled by node-gyp at npm install), rebuilt for the node in use
# when it cannot load them, offline with that node's headers (tools/rebuild-native.sh); the record is the node they
# were last checked against. @node-rs/bcrypt (prebuilt) and $(NATIVE) are N-API: every Node >= 20 loads them.
ABI_PACKAGES := fs-ext
build/abi-packages.id: $(NODE_ID) node_modules/.installed
	NODE='$(NODE)' NPM='$(NPM)' bash tools/rebuild-native.sh $(ABI_PACKAGES)
	cp $(NODE_ID) $@

# dist/ from tsc (the tests import it), then in dist/bundle/ the bundles and start-up snapshots the programs run
# (tools/bundle.mjs), with what made the snapshots: node.id, a stamp with the binary's mtime and a link to it (see
# bin/imapd). Each is rebuilt when a source changed (so that `make install` after `make build` does not build
# again), and the bundles also when the node changed: a snapshot loads only into the Node that made it.
SOURCES := $(shell find bin lib test bench -name '*.ts') bin/imapd bin/ipop3d bin/mailtool tools/bundle.mjs tsconfig.json
BUNDLE_SOURCES := $(shell find bin lib -name '*.ts') tools/bundle.mjs tools/node-id.mjs
BUILT := dist/.built dist/bundle/.built
build: deps $(NATIVE) $(BUILT)
dist/.built: $(SOURCES) node_modules/.installed
	rm -rf $(filter-out dist/bundle,$(wildcard dist/*))
	$(TSC) -p tsconfig.json
	touch $@
dist/bundle/.built: $(BUNDLE_SOURCES) node_modules/.installed $(NODE_ID) build/abi-packages.id
	rm -rf dist/bundle
	$(NODE) tools/bundle.mjs
	touch $@

## rebuild: after a Node.js upgrade, the start-up snapshots and the ABI-specific native packages for the node in use,
## whatever the records say (make build and make install rebuild them by themselves when the node changed).
rebuild: deps
	rm -f $(NODE_ID) build/abi-packages.id dist/bundle/.built
	NODE='$(NODE)' NPM='$(NPM)' bash tools/rebuild-native.sh --force $(ABI_PACKAGES)
	$(MAKE) build

typecheck: deps
	$(TSC) -p tsconfig.json --noEmit

# eslint with the layer rules of docs/ARCHITECTURE.md (eslint.config.js).
lint: deps
	$(ESLINT) .

# Exports nobody imports (knip.jsonc): how a second copy of something, or a bypassed module, gets noticed.
unused: deps
	node_modules/.bin/knip --no-progress

check: typecheck lint unused

test: setup build
	$(NODE) --test --test-reporter=spec $(TESTS)

# The inner loop: unit tests and protocol transcripts, no root and no Debian packages installed (the transcripts'
# on-disk check wants UW's mailutil: uw-mailutils). Run as a user, the transcripts run the servers as that user.
# The unit tests that make users, chown files, read /etc/shadow or install are left to `make test`.
ROOT_ONLY_TESTS := auth-checker auth-cram-md5 auth-schemes install lock-spool lock-stale mbox-driver native node-upgrade
FAST_TESTS ?= $$(ls dist/test/unit/*.test.js dist/test/transcripts/*.test.js | grep -Ev '/($(subst $(space),|,$(ROOT_ONLY_TESTS)))\.test\.js$$')
space := $(subst ,, )
test-fast: deps $(NATIVE) $(BUILT)
	$(NODE) --test $(FAST_TESTS)

# The fuzzer of issue 11 (test/fuzz/fuzz.ts): sessions from consecutive seeds, in-process and through the programs
# (FUZZ_BINARY_SHARE of them), as root: `make fuzz FUZZ_SESSIONS=100000` or `make fuzz FUZZ_SECONDS=600`. Failing
# sessions are saved under FUZZ_FAILURES; copy a reduced one into test/fuzz/corpus/ and test/fuzz/replay.test.ts
# replays it in `make test`. At most 2 jobs (workers).
FUZZ_SESSIONS     ?=
FUZZ_SECONDS      ?= $(if $(FUZZ_SESSIONS),,300)
FUZZ_START        ?= 0
FUZZ_JOBS         ?= 2
FUZZ_BINARY_SHARE ?= 0.1
FUZZ_FAILURES     ?= test/fuzz/failures
fuzz: build
	$(NODE) dist/test/fuzz/fuzz.js $(if $(FUZZ_SESSIONS),--sessions $(FUZZ_SESSIONS)) \
	  $(if $(FUZZ_SECONDS),--seconds $(FUZZ_SECONDS)) --start $(FUZZ_START) --jobs $(FUZZ_JOBS) \
	  --binary-share $(FUZZ_BINARY_SHARE) --failures $(FUZZ_FAILURES)

bench: build
	$(NODE) dist/bench/mbox-open.js
	$(NODE) dist/bench/pop3.js
	$(NODE) dist/bench/imap.js
	$(NODE) dist/bench/startup.js

demo: setup build
	bash test/demo.sh

# Everything tools/install.sh says, under the directories above: the programs are small scripts naming the absolute
# node (inetd gives an empty environment, so no PATH search) and the bundles and snapshots `make build` made.
NODE_ABS   = $(shell command -v $(NODE))
INSTALL_VARS = DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' SBINDIR='$(SBINDIR)' BINDIR='$(BINDIR)' \
  PKGLIBDIR='$(PKGLIBDIR)' MANDIR='$(MANDIR)' DOCDIR='$(DOCDIR)' SYSCONFDIR='$(SYSCONFDIR)' \
  SYSTEMDUNITDIR='$(SYSTEMDUNITDIR)' NODE_ABS='$(NODE_ABS)' SERVICE_FILES_FROM='$(SERVICE_FILES_FROM)'

install: build
	$(INSTALL_VARS) bash tools/install.sh install

# Removes exactly what the last install listed in $(PKGLIBDIR)/install-manifest.
uninstall:
	$(INSTALL_VARS) bash tools/install.sh uninstall

clean:
	rm -rf dist build
