#pragma once
// Shared by the libFuzzer targets (tests/fuzz/fuzz_*.cpp) and the unit test
// that replays the regression corpus through the same entry functions
// (tests/fuzz_regression_test.cpp). A target is `int fuzz::<name>(const
// uint8_t*, size_t)`; built with POOLAUDIT_LIBFUZZER it also defines
// LLVMFuzzerTestOneInput over it. A broken property aborts under libFuzzer (so
// it keeps the input) and is recorded by the test's hook in the unit tests.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace fuzz {

/// Receives a broken property in the unit tests; null under libFuzzer (abort).
using FailureHook = void (*)(std::string_view target, std::string_view what);
inline FailureHook &failure_hook() {
  static FailureHook hook = nullptr;
  return hook;
}

/// A property of the target: false aborts (libFuzzer) or is recorded (unit
/// tests).
inline void expect(bool ok, std::string_view target, std::string_view what) {
  if (ok)
    return;
  if (FailureHook hook = failure_hook())
    return hook(target, what);
  std::fprintf(stderr, "fuzz target %.*s: property broken: %.*s\n",
               static_cast<int>(target.size()), target.data(),
               static_cast<int>(what.size()), what.data());
  std::abort();
}

/// Reads the fuzz input front to back: small choices first, the remaining bytes
/// as text.
class Bytes {
public:
  Bytes(const uint8_t *data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t byte() { return empty() ? 0 : data_[pos_++]; }
  /// A number below `below` from two bytes (read in this order on every
  /// compiler).
  uint32_t number(uint32_t below) {
    const uint32_t low = byte();
    const uint32_t high = byte();
    return below == 0 ? 0 : (low | (high << 8)) % below;
  }
  /// Up to `max` bytes, its length taken from the input (a short string for
  /// paths, names).
  std::string string(size_t max) {
    // The length's two bytes first: what is left depends on them (as one
    // expression, the order of evaluation was unspecified and GCC read past the end).
    const size_t wanted = number(static_cast<uint32_t>(max) + 1);
    const size_t n = std::min<size_t>(wanted, size_ - std::min(pos_, size_));
    std::string s(reinterpret_cast<const char *>(data_ + pos_), n);
    pos_ += n;
    return s;
  }
  /// Everything not read yet.
  std::string_view rest() {
    const size_t at = std::min(pos_, size_);
    pos_ = size_;
    return {reinterpret_cast<const char *>(data_ + at), size_ - at};
  }

private:
  const uint8_t *data_;
  size_t size_;
  size_t pos_ = 0;
};

/// A private directory for targets whose reader takes a path (config, baseline,
/// dependency files): one per process, under $TMPDIR, removed at exit.
inline const std::filesystem::path &scratch_dir() {
  struct Dir {
    std::filesystem::path path;
    Dir() {
      std::string pattern =
          (std::filesystem::temp_directory_path() / "poolaudit-fuzz-XXXXXX")
              .string();
      if (mkdtemp(pattern.data()) == nullptr) {
        std::perror("mkdtemp");
        std::abort();
      }
      path = pattern;
    }
    ~Dir() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static const Dir dir;
  return dir.path;
}

/// Replaces the scratch directory's contents with one file holding `text`;
/// returns its path.
inline std::filesystem::path write_scratch(const std::string &name,
                                           std::string_view text) {
  const std::filesystem::path &dir = scratch_dir();
  std::error_code ec;
  for (const auto &entry : std::filesystem::directory_iterator(dir, ec))
    std::filesystem::remove_all(entry.path(), ec);
  const std::filesystem::path file = dir / name;
  std::filesystem::create_directories(file.parent_path(), ec);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  return file;
}

} // namespace fuzz

// Under libFuzzer a target file ends with POOLAUDIT_FUZZ_TARGET(fuzz::name).
#ifdef POOLAUDIT_LIBFUZZER
#define POOLAUDIT_FUZZ_TARGET(function)                                        \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {    \
    return function(data, size);                                               \
  }
#else
#define POOLAUDIT_FUZZ_TARGET(function)
#endif
