#pragma once
// A deterministic bound on the work spent on one file. Wall time would make a CI gate's verdict
// depend on the machine's load; a count of evaluated statements and expressions does not.
//
// The interpreter and the fact builders sit several layers below the code that decides what a
// file may cost, so the budget travels as the current thread's "file in progress" (one file per
// worker thread at a time) instead of as a parameter through every layer.
#include <cstddef>
#include <cstdint>

namespace core {

class WorkBudget {
 public:
  explicit WorkBudget(uint64_t steps) : limit_(steps) {}
  /// The budget for a file of `bytes`: a fixed allowance plus a share per byte. Linear work takes
  /// well under one step per byte (a step is a statement or an expression node, and a node spans
  /// several bytes), so any ordinary file up to --max-file-size fits many times over; superlinear
  /// blow-ups (a large wrapper body re-run at thousands of call sites, ...) run out after about
  /// a second of work on a file of 100 KB.
  static uint64_t for_file(size_t bytes) {
    return kBaseSteps + kStepsPerByte * static_cast<uint64_t>(bytes);
  }
  static constexpr uint64_t kBaseSteps = 250'000;
  static constexpr uint64_t kStepsPerByte = 8;

  /// Takes one step; false once the limit is reached (and from then on).
  bool spend() { return ++used_ <= limit_; }
  bool exhausted() const { return used_ > limit_; }
  uint64_t limit() const { return limit_; }
  uint64_t used() const { return used_; }

 private:
  uint64_t limit_;
  uint64_t used_ = 0;
};

/// Makes `budget` the current thread's budget for its lifetime (the previous one is restored).
class BudgetScope {
 public:
  explicit BudgetScope(WorkBudget& budget);
  ~BudgetScope();
  BudgetScope(const BudgetScope&) = delete;
  BudgetScope& operator=(const BudgetScope&) = delete;

 private:
  WorkBudget* previous_;
};

/// Charges one step to the current thread's budget. False once it is exhausted: the caller stops
/// (evaluates to Unknown, skips the statement). Always true when no budget is set.
bool spend_step();

}  // namespace core
