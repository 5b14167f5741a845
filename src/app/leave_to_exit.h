#pragma once
// Clang's -disable-free, for poolaudit's facts: a command-line run ends the process right after
// its report, and freeing the facts of a large project first (tens of MiB in small blocks) took
// a quarter of a warm single-file run. Such a run leaves them to the exit; a caller that goes on
// (tests, a fix run's repeated analyses) frees them as usual.
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace app {

/// Frees `value` now, or, with `leave_to_exit`, keeps it until the process ends: held through a
/// pointer that stays reachable, so a leak checker reports nothing.
template <typename T>
void dispose(T&& value, bool leave_to_exit) {
  if (!leave_to_exit) {
    [[maybe_unused]] const std::remove_reference_t<T> freed = std::move(value);
    return;
  }
  static std::mutex mutex;
  static auto* const kept = new std::vector<std::shared_ptr<void>>();
  auto held = std::make_shared<std::remove_reference_t<T>>(std::move(value));
  const std::lock_guard<std::mutex> lock(mutex);
  kept->push_back(std::move(held));
}

}  // namespace app
