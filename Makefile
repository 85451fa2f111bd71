# pipekit: `make demo` shows it working, `make test` proves it.
PREFIX ?= /usr/local
NODE ?= node
TESTS ?= dist/test/*.test.js
# Test files wait on servers and child processes far more than they compute: four at
# once on two cores (eight in CI, which runs Node 22 and 24 side by side: .ci/run).
TEST_CONCURRENCY ?= 4

.PHONY: all build test demo bench soak install uninstall clean deps

all: build

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# From scratch: tsc never removes the output of a source file that moved or went, and a
# stale dist/lib/cli.js would shadow dist/lib/cli/index.js.
build: node_modules/.package-lock.json
	rm -rf dist
	npx tsc -p .
	chmod +x dist/filters/*.js
	mkdir -p dist/bin
	for f in dist/filters/*.js; do ln -sf ../filters/$$(basename $$f) dist/bin/$$(basename $$f .js); done

# System packages (fuse, postfix, ceph rgw) come from Debian when missing; every
# server the tests use is started and stopped by the tests themselves.
deps:
	bash test/install-deps.sh

test: deps build
	$(NODE) --test --test-concurrency=$(TEST_CONCURRENCY) --test-reporter=spec $(TESTS)

demo: build
	bash test/demo.sh

bench: deps build
	bash bench/install-deps.sh
	$(NODE) dist/bench/run.js

# Not part of `make test`: 50 round trips of 64-512 MiB through the fault proxy and 20
# kill -9s, with counts (SOAK_RUNS, SOAK_MAX_MIB make it shorter).
soak: deps build
	$(NODE) dist/bench/soak.js

install: build
	mkdir -p $(DESTDIR)$(PREFIX)/lib/pipekit/dist $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	cp -R package.json package-lock.json man $(DESTDIR)$(PREFIX)/lib/pipekit/
	cp -R dist/lib dist/filters $(DESTDIR)$(PREFIX)/lib/pipekit/dist/
	cd $(DESTDIR)$(PREFIX)/lib/pipekit && npm ci --omit=dev --no-audit --no-fund --ignore-scripts
	for f in dist/filters/*.js; do n=$$(basename $$f .js); \
	  ln -sf ../lib/pipekit/dist/filters/$$n.js $(DESTDIR)$(PREFIX)/bin/$$n; \
	  cp man/$$n.1 $(DESTDIR)$(PREFIX)/share/man/man1/; done

uninstall:
	for f in dist/filters/*.js; do n=$$(basename $$f .js); \
	  rm -f $(DESTDIR)$(PREFIX)/bin/$$n $(DESTDIR)$(PREFIX)/share/man/man1/$$n.1; done
	rm -rf $(DESTDIR)$(PREFIX)/lib/pipekit

clean:
	rm -rf dist
