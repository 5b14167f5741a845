#include "core/budget.h"

namespace core {
namespace {

thread_local WorkBudget* current_budget = nullptr;

}  // namespace

BudgetScope::BudgetScope(WorkBudget& budget) : previous_(current_budget) {
  current_budget = &budget;
}

BudgetScope::~BudgetScope() { current_budget = previous_; }

bool spend_step() { return current_budget == nullptr || current_budget->spend(); }

}  // namespace core
