# nodeplane: the developer and operator entry points. Everything here works on a
# fresh Debian 12 machine as root; `deps` installs exactly the Debian packages
# the other targets need and is quick when they are present.

BUILD      ?= build
JOBS       ?= 2
PREFIX     ?= /usr
DESTDIR    ?=
CMAKE_ARGS ?=

.PHONY: all deps build test unit-test demo bench deb image image-test install clean

all: build

deps:
	@tools/install-deps

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_ARGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# Every test: unit (no root), BPF packet tests and end to end (root).
test: build
	cd $(BUILD) && ctest --output-on-failure --timeout 600

unit-test: build
	cd $(BUILD) && ctest --output-on-failure -L unit

demo: build
	tools/demo $(BUILD)

bench: build
	cmake --build $(BUILD) -j$(JOBS) --target benchmarks
	tools/bench $(BUILD)

deb: build
	tools/build-deb $(BUILD)

# The node image (UEFI, raw disk; docs/image.md) and its boot test in QEMU.
image: build
	tools/build-image $(BUILD)

image-test: image
	tools/image-test $(BUILD)

install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) build-deb
