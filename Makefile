# ferry's make targets. The two set-up commands in README.md are `make run`
# and `make test`; everything else is optional.

GO ?= go
BIN := bin/ferry

.PHONY: build run test fuzz-smoke e2e bench clean

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/ferry

# Build ferry and run its main job on this machine (see README.md).
run: build
	./scripts/demo

# The hermetic test suite: no network. Prints every conformance summary at the end.
test:
	@rm -f .test-report
	FERRY_REPORT=$(CURDIR)/.test-report $(GO) test -count=1 ./...
	@echo "---- conformance summaries ----"
	@sort .test-report 2>/dev/null || true

# Each fuzz target briefly, so regressions in the parsers show.
fuzz-smoke:
	./scripts/fuzz-smoke 3s

# Real-world checks against PyPI (needs the network).
e2e:
	./e2e/run

# ferry against pip, uv, build, pex and shiv; regenerates BENCHMARKS.md
# (needs the network to install the peers).
bench:
	./bench/run

clean:
	rm -rf bin .test-report
