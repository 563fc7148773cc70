# `make run` and `make test` are all a fresh machine needs: each installs what is missing first.
SWIFT ?= swift

.PHONY: all deps build test run bench clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

run: build
	@$(SWIFT) run --skip-build node-agent version
	@echo "The agent on an embedded control plane arrives with the node-agent and control-plane issues;"
	@echo "until then 'make run' builds everything and runs the CLI."

bench: deps
	scripts/bench-http.sh

clean:
	rm -rf .build
