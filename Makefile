# The two commands a newcomer needs, and a few more. Everything goes through
# the CMake presets (CMakePresets.json); this file only chains the steps.
#   make run    install missing packages, build `release`, run the examples
#   make test   install missing packages, build `release`, run every test
#   make bench  the benchmark programs against native and node (bench/run,
#               writes bench/RESULTS.md), then the compile benchmarks
#   make ci     what CI runs (.ci/run): tests, ASan tests, fuzzers
JOBS ?= 2
HERON := build/release/heron

.PHONY: all deps build run test bench ci clean

all: build

deps:
	scripts/install-deps.sh

build: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS)

run: build
	$(HERON) validate examples/fac.wat && echo "examples/fac.wat: valid"
	$(HERON) inspect examples/fac.wat
	@echo "# an invalid module: one diagnostic line, exit status 1"
	$(HERON) validate examples/type-error.wat; test $$? -eq 1
	$(HERON) wast --verbose examples/basics.wast
	@echo "# running a function: 20! by a loop"
	$(HERON) run examples/fac.wat --invoke fac_iter 20

test: build
	ctest --preset release -j $(JOBS)

bench: build
	cmake --build --preset release -j $(JOBS) --target compile_bench
	bench/run
	cmake --build --preset release -j $(JOBS) --target bench

ci:
	.ci/run

clean:
	rm -rf build
