# The two quick-start commands: `make demo` and `make test`. Both install what is missing first.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
WERROR     ?= OFF
CMAKE_ARGS ?=
# ccache, when installed, makes rebuilds in several checkouts cheap; the build does not need it.
CCACHE     := $(shell command -v ccache 2>/dev/null)
ifneq ($(CCACHE),)
CMAKE_ARGS += -DCMAKE_C_COMPILER_LAUNCHER=$(CCACHE) -DCMAKE_CXX_COMPILER_LAUNCHER=$(CCACHE)
endif

.PHONY: all deps configure build demo test test-asan check-werror install clean deb docs

all: build

deps:
	@bash scripts/install-deps.sh

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

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPOOLAUDIT_SANITIZE=ON -DPOOLAUDIT_WERROR=$(WERROR) $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

install: build
	cmake --install $(BUILD)

# Debian package: $(BUILD)/poolaudit_<version>_amd64.deb (Depends from dpkg-shlibdeps).
deb: build
	cd $(BUILD) && cpack -G DEB

# docs/rules/PAnnn.md from the rule metadata; the rule_docs test fails when they are stale.
docs: build
	bash scripts/rule-docs.sh ./$(BUILD)/poolaudit docs/rules

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
