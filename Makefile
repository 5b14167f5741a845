# The two quick-start commands: `make demo` and `make test`. Both install what is missing first.
BUILD      ?= build
RELEASE_BUILD ?= build-release
PREFIX     ?= /usr/local
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
WERROR     ?= OFF
CMAKE_ARGS ?=
# ccache, when installed, makes rebuilds in several checkouts cheap; the build does not need it.
CCACHE     := $(shell command -v ccache 2>/dev/null)
ifneq ($(CCACHE),)
CMAKE_ARGS += -DCMAKE_C_COMPILER_LAUNCHER=$(CCACHE) -DCMAKE_CXX_COMPILER_LAUNCHER=$(CCACHE)
endif

.PHONY: all deps deps-tool configure build release demo test test-asan fuzz check-werror install wheel clean deb docs

all: build

deps:
	@bash scripts/install-deps.sh

# What building the tool alone needs (no test, fuzz or packaging tools).
deps-tool:
	@bash scripts/install-deps.sh --tool

$(BUILD)/build.ninja: CMakeLists.txt | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOOLAUDIT_WERROR=$(WERROR) $(CMAKE_ARGS)

configure: $(BUILD)/build.ninja

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

# Audits the sample FastAPI backend in fixtures/projects/fastapi_demo; findings are expected, so exit 1 is fine.
demo: build
	@./$(BUILD)/poolaudit fixtures/projects/fastapi_demo; status=$$?; \
	  if [ $$status -gt 1 ]; then exit $$status; fi

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer, but the oracle (label
# oracle): it proves the rules' claims against real servers, which `make test` already did.
test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPOOLAUDIT_SANITIZE=ON -DPOOLAUDIT_WERROR=$(WERROR) $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -LE oracle

# Every libFuzzer target (tests/fuzz/README.md) for FUZZ_SECONDS each, or those in FUZZ_TARGETS,
# seeded with the fixtures and tests/fuzz/regressions (clang, ASan+UBSan). A crash leaves its input
# in $(FUZZ_BUILD)/artifacts/<target>/: minimise it into tests/fuzz/regressions/<target>/.
fuzz: deps
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
	  -DCMAKE_CXX_COMPILER=clang++ -DPOOLAUDIT_FUZZ=ON $(CMAKE_ARGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target poolaudit_fuzz
	bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The tool alone (issue 14): Release, no test targets, in $(RELEASE_BUILD)/. Never -Werror: a user's
# compiler must not fail the install on a warning (GCC 12 at -O3 warns -Wrestrict inside libstdc++'s
# string operator+, a known false positive).
release: deps-tool
	cmake -S . -B $(RELEASE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DPOOLAUDIT_BUILD_TESTS=OFF \
	  -DPOOLAUDIT_WERROR=OFF $(CMAKE_ARGS)
	cmake --build $(RELEASE_BUILD) -j $(JOBS)

# bin/poolaudit (stripped), its man page and bash/zsh completions under PREFIX (default /usr/local);
# DESTDIR=/tmp/stage stages them for a package.
install: release
	DESTDIR="$(DESTDIR)" cmake --install $(RELEASE_BUILD) --prefix "$(PREFIX)" --strip

# dist/poolaudit-<version>-py3-none-<platform>.whl: `pip install` it (offline is fine).
wheel: release
	cmake --build $(RELEASE_BUILD) --target wheel

# Debian package: $(BUILD)/poolaudit_<version>_amd64.deb (Depends from dpkg-shlibdeps).
deb: build
	cd $(BUILD) && cpack -G DEB

# docs/rules/PAnnn.md from the rule metadata; the rule_docs test fails when they are stale.
docs: build
	bash scripts/rule-docs.sh ./$(BUILD)/poolaudit docs/rules

clean:
	rm -rf $(BUILD) $(RELEASE_BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) dist
