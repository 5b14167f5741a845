#pragma once
// Every libFuzzer target's entry function, by the name of its regression corpus
// directory (tests/fuzz/regressions/<name>/). Adding a target: its
// fuzz_<name>.cpp, a line here, a line in tests/fuzz/CMakeLists.txt
// (kFuzzTargets) and a row in tests/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fuzz {

int analyze(const uint8_t *data, size_t size);
int ini(const uint8_t *data, size_t size);
int mask(const uint8_t *data, size_t size);
int config(const uint8_t *data, size_t size);
int deployment_yaml(const uint8_t *data, size_t size);
int deployment_json(const uint8_t *data, size_t size);
int dotenv(const uint8_t *data, size_t size);
int gitignore(const uint8_t *data, size_t size);
int commands(const uint8_t *data, size_t size);
int platform(const uint8_t *data, size_t size);
int dependencies(const uint8_t *data, size_t size);
int suppressions(const uint8_t *data, size_t size);
int baseline(const uint8_t *data, size_t size);
int reporters(const uint8_t *data, size_t size);
int facts_cache(const uint8_t *data, size_t size);

struct Target {
  std::string_view name;
  int (*run)(const uint8_t *, size_t);
};

inline constexpr Target kTargets[] = {
    {"analyze", analyze},
    {"baseline", baseline},
    {"commands", commands},
    {"config", config},
    {"dependencies", dependencies},
    {"deployment_json", deployment_json},
    {"deployment_yaml", deployment_yaml},
    {"dotenv", dotenv},
    {"facts_cache", facts_cache},
    {"gitignore", gitignore},
    {"ini", ini},
    {"mask", mask},
    {"platform", platform},
    {"reporters", reporters},
    {"suppressions", suppressions},
};

} // namespace fuzz
