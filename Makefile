# The README's commands. Each installs what is missing first (scripts/bootstrap.sh: libcurl and zlib headers).
SWIFT ?= swift

.PHONY: all bootstrap build test validate clean

all: build

bootstrap:
	@bash scripts/bootstrap.sh

# Every target, tests included.
build: bootstrap
	$(SWIFT) build --build-tests

# All tests; none reaches the internet.
test: bootstrap
	$(SWIFT) test

# The main job: build, then run the validation suite (its compile check is an incremental no-op after the build above).
# Offline by default; `make validate LIVE=1` probes both regions and compares a real generation with the cassettes.
ifeq ($(LIVE),1)
VALIDATE_FLAGS ?= --live
else
VALIDATE_FLAGS ?= --offline
endif
validate: build
	"$$($(SWIFT) build --show-bin-path)/validate" $(VALIDATE_FLAGS)

clean:
	rm -rf .build
