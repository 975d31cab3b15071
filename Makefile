# The README's commands. Each installs what is missing first (scripts/bootstrap.sh: libcurl and zlib headers).
SWIFT ?= swift

.PHONY: all bootstrap build test snippets lint lint-workflows format example validate rehearse openapi schemathesis openapi-core docs bench bench-consumers fuzz clean

all: build

bootstrap:
	@bash scripts/bootstrap.sh

# Every target, tests included. The import check makes the manifest's seams the compiler's: a target that imports a
# module it does not declare fails, instead of compiling whenever the other module happens to be built first.
IMPORT_CHECK = --explicit-target-dependency-import-check error
build: bootstrap
	$(SWIFT) build --build-tests $(IMPORT_CHECK)

# All tests, the example package's included; none reaches the internet. The formatter's lint first: it takes seconds.
test: bootstrap lint
	$(SWIFT) build --build-tests $(IMPORT_CHECK)
	$(SWIFT) test
	$(MAKE) --no-print-directory snippets
	$(MAKE) --no-print-directory example
	@if [ "$${ZIMAGE_WORKFLOW_LINT:-}" = "1" ]; then $(MAKE) --no-print-directory lint-workflows; \
	else echo "make test: workflow lint skipped (ZIMAGE_WORKFLOW_LINT=1, as .ci/run sets, installs and runs it)"; fi
	@if [ "$${ZIMAGE_SCHEMATHESIS:-}" = "1" ]; then $(MAKE) --no-print-directory schemathesis; \
	else echo "make test: schemathesis skipped (ZIMAGE_SCHEMATHESIS=1, as .ci/run sets, installs and runs it)"; fi
	@if [ "$${ZIMAGE_OPENAPI_CORE:-}" = "1" ]; then $(MAKE) --no-print-directory openapi-core; \
	else echo "make test: openapi-core skipped (ZIMAGE_OPENAPI_CORE=1, as .ci/run sets, installs and runs it)"; fi

# The snippets that need no key and no network are run too, not only compiled: an article's sample that stops doing
# what its text says fails here. (The others start from a DashScope key: GettingStarted, Transports, ErrorsAndRetries;
# TestingOffline replays a cassette the docs record.) Each runs in a scratch folder: RecordingFixtures writes Cassettes/,
# recording against a loopback simulator, which CI=true refuses unless ZIMAGE_ALLOW_RECORDING=1 allows it.
OFFLINE_SNIPPETS = GenericCassettes RecordingFixtures RehearsingTheLivePath TestingWithTraits
snippets: bootstrap
	@for snippet in $(OFFLINE_SNIPPETS); do $(SWIFT) build --product $$snippet || exit 1; done
	@bin="$$($(SWIFT) build --show-bin-path)"; scratch="$$(mktemp -d)"; trap 'rm -rf "$$scratch"' EXIT; \
	for snippet in $(OFFLINE_SNIPPETS); do echo "make snippets: $$snippet"; \
		(cd "$$scratch" && env -u DASHSCOPE_API_KEY ZIMAGE_ALLOW_RECORDING=1 timeout 60 "$$bin/$$snippet") || exit 1; done

# The DocC site of the products a user imports, offline, into output/docs/ (static hosting: serve the folder, e.g.
# `python3 -m http.server -d output/docs`, and open /documentation/zimage). Warnings are errors: a broken symbol link,
# an undocumented parameter or a snippet that does not resolve fails it. `swift build` first compiles Snippets/, so an
# article's sample that stops compiling fails too. Then, where Chromium is installed, every page is opened in it
# (scripts/check-docs-site.py).
DOC_TARGETS = ZImageHTTP ZImage ZImageCurl ZImageCassettes ZImageSimulation ZImageSimulator ZImageContract ZImageTesting
docs: bootstrap
	$(SWIFT) build
	$(SWIFT) package --disable-sandbox --allow-writing-to-directory output/docs generate-documentation \
		$(foreach target,$(DOC_TARGETS),--target $(target)) --enable-experimental-combined-documentation \
		--warnings-as-errors --transform-for-static-hosting --output-path output/docs
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then python3 scripts/check-docs-site.py output/docs; \
	else echo "make docs: browser check skipped (no Chromium: ZIMAGE_BROWSER_TESTS=1 bash scripts/bootstrap.sh installs it)"; fi

# docs/openapi.yaml, the contract as OpenAPI 3.1, rewritten from the code (the test suite fails while it is stale).
openapi: bootstrap
	$(SWIFT) build --product zimage
	"$$($(SWIFT) build --show-bin-path)/zimage" openapi --output docs/openapi.yaml

# schemathesis (PyPI) against the simulator, from docs/openapi.yaml (scripts/schemathesis.sh says what it checks).
# SCHEMATHESIS_FLAGS passes options on, e.g. SCHEMATHESIS_FLAGS="--seed 7 --max-examples 500".
schemathesis: bootstrap
	$(SWIFT) build --product zimage
	@bash scripts/schemathesis.sh "$$($(SWIFT) build --show-bin-path)/zimage" $(SCHEMATHESIS_FLAGS)

# openapi-core (PyPI) holds every committed cassette and a spread of simulator answers to docs/openapi.yaml
# (scripts/openapi-core.sh says what it checks).
openapi-core: bootstrap
	$(SWIFT) build --product zimage
	@bash scripts/openapi-core.sh "$$($(SWIFT) build --show-bin-path)/zimage"

# The GitHub workflows (ours and the recipes in Examples/workflows): GitHub's schema, zizmor, actionlint and the policy
# no linter knows, offline once the tools are in .build-lint/ (scripts/lint-workflows.sh says what each checks).
lint-workflows: bootstrap
	@bash scripts/lint-workflows.sh

# The toolchain's swift-format, with .swift-format: `make lint` fails on any finding, `make format` rewrites in place.
SWIFT_SOURCES = Package.swift Sources Tests Validation Fuzz Snippets Benchmarks/Package.swift Benchmarks/Sources Benchmarks/Consumers \
	Examples/PosterApp/Package.swift Examples/PosterApp/Sources Examples/PosterApp/Tests
lint:
	$(SWIFT) format lint --strict --recursive $(SWIFT_SOURCES)
	@python3 scripts/check-markdown-links.py

format:
	$(SWIFT) format format --in-place --recursive $(SWIFT_SOURCES)

# The example app's tests, offline, as a user of the package runs them (plain swift test in Examples/PosterApp, its own
# build folder), then the failure fixtures, XCTest tests that must fail, in a package of their own
# (Tests/ExampleFailureFixtures), each checked for the harness's report (scripts/example-fixtures.sh), then the library
# tour: the public API as a server uses it, against the simulator.
example: bootstrap
	$(SWIFT) test --package-path Examples/PosterApp
	@bash scripts/example-fixtures.sh
	$(SWIFT) run --package-path Examples/PosterApp LibraryTour

# The main job: build, then run the validation suite (its compile check is an incremental no-op after the build above).
# Offline by default; `make validate LIVE=1` probes both regions and compares a real generation with the cassettes.
ifeq ($(LIVE),1)
VALIDATE_FLAGS ?= --live
else
VALIDATE_FLAGS ?= --offline
endif
validate: build
	"$$($(SWIFT) build --show-bin-path)/validate" $(VALIDATE_FLAGS)

# A dress rehearsal of the live path, offline and without a key: every live command against the real hostnames, routed
# to a TLS and HTTP/2 simulator on loopback that a throwaway CA vouches for (scripts/rehearse.sh says what it runs).
rehearse: bootstrap
	@SWIFT=$(SWIFT) bash scripts/rehearse.sh

# Benchmarks (minutes; not part of test or CI): release builds, vcrpy and cassetter in a virtual environment from PyPI, then every
# measurement of BENCHMARKS.md. Writes output/bench/results.json.
bench: bootstrap
	$(SWIFT) build -c release
	@test -x /usr/bin/time || (apt-get update -qq && apt-get install -y -qq time) || { echo "bench needs GNU time: apt-get install time" >&2; exit 1; }
	@test -x Benchmarks/.venv/bin/python || python3 -m venv Benchmarks/.venv
	@Benchmarks/.venv/bin/python -c "import vcr, requests, cassetter" 2>/dev/null || Benchmarks/.venv/bin/pip install -q vcrpy requests cassetter
	cd Benchmarks && $(SWIFT) run -c release zimage-bench all --root .. --python .venv/bin/python
	@bash scripts/bench-consumers.sh

# What a user's build pays: the two fixed consumers under Benchmarks/Consumers built clean (RUNS=3 each; minutes).
bench-consumers: bootstrap
	@bash scripts/bench-consumers.sh

# Fuzzing with libFuzzer (minutes; not part of test or CI): every target for SECONDS each (default 60). See FUZZING.md.
fuzz: bootstrap
	@SECONDS_PER_TARGET=$(or $(SECONDS),60) bash scripts/fuzz.sh

clean:
	rm -rf .build .build-fuzz Benchmarks/.build Examples/PosterApp/.build Tests/ExampleFailureFixtures/.build
