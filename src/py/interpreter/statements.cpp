// Statements: the dispatch over statement kinds, and compound statements the interpreter does not model
// (loops, match) run as possibly-taken blocks.
#include "py/interpreter/interpreter.h"
#include "py/children.h"

#include <algorithm>

#include "core/budget.h"
#include "core/text.h"

namespace py {

using namespace detail;

void Interpreter::exec_block(ts::Node block) {
  if (!block) return;
  if (stmt_depth_ >= kMaxStmtDepth) return;
  ++stmt_depth_;
  for_each_named_child(block, [&](ts::Node statement) {
    if (!dead_) exec_statement(statement);
  });
  --stmt_depth_;
}

void Interpreter::exec_statement(ts::Node s) {
  if (!core::spend_step()) return;  // the file's work budget is spent (core/budget.h)
  switch (kind_of(s)) {
    case Kind::kExpressionStatement: {
      const uint32_t n = s.named_child_count();
      for (uint32_t i = 0; i < n; ++i) {
        ts::Node e = s.named_child(i);
        const Kind k = kind_of(e);
        if (k == Kind::kAssignment) {
          exec_assignment(e);
        } else if (k == Kind::kAugmentedAssignment) {
          exec_augmented(e);
        } else {
          eval(e);
        }
      }
      break;
    }
    case Kind::kIfStatement: exec_if(s); break;
    case Kind::kForStatement: {
      eval(field(s, Field::kRight));
      bind_target_unknown(field(s, Field::kLeft));
      ++scope_.loop_depth;
      exec_block(field(s, Field::kBody));
      --scope_.loop_depth;
      dead_ = false;  // a `return` inside a loop body need not run
      exec_else_of(s);
      break;
    }
    case Kind::kWhileStatement: {
      eval(field(s, Field::kCondition));
      ++scope_.loop_depth;
      exec_block(field(s, Field::kBody));
      --scope_.loop_depth;
      dead_ = false;
      exec_else_of(s);
      break;
    }
    case Kind::kTryStatement: exec_try(s); break;
    case Kind::kWithStatement: exec_with(s); break;
    case Kind::kFunctionDefinition: define_function(s, {}); break;
    case Kind::kDecoratedDefinition: exec_decorated(s); break;
    case Kind::kClassDefinition: define_class(s); break;
    case Kind::kImportStatement: exec_import(s); break;
    case Kind::kImportFromStatement: exec_import_from(s); break;
    case Kind::kReturnStatement: {
      Alts values;
      if (s.named_child_count() > 0) values = eval(s.named_child(0));
      else values = single(Value::none(m_.location(s)));
      if (scope_.function >= 0) {
        auto& returns = m_.functions_[static_cast<size_t>(scope_.function)].returns;
        for (Alt& a : values) {
          if (auto t = merge_tags(a.tags, path_)) returns.push_back(Alt{a.value, *t});
        }
        if (returns.size() > kMaxAlts) returns.resize(kMaxAlts);
      }
      dead_ = true;
      break;
    }
    case Kind::kRaiseStatement:
      eval_children(s);
      dead_ = true;
      break;
    case Kind::kDeleteStatement: exec_delete(s); break;
    case Kind::kComment:
    case Kind::kPassStatement:
    case Kind::kFutureImportStatement:
    case Kind::kGlobalStatement: break;
    default:
      // match statements and anything newer: treat nested blocks as alternatives, so that
      // two cases are never merged into one configuration.
      exec_unknown_compound(s);
      break;
  }
}

void Interpreter::exec_else_of(ts::Node s) {
  ts::Node alt = field(s, Field::kAlternative);
  if (alt) exec_block(field(alt, Field::kBody));
}

void Interpreter::exec_unknown_compound(ts::Node s) {
  // Each block below the statement is one alternative arm (match cases and anything newer).
  std::vector<Branch> arms;
  auto add_arm = [&](ts::Node owner, ts::Node block) {
    std::string_view head = m_.text(owner);
    head = head.substr(0, head.find('\n'));
    CondTag tag = condition_tag(owner, "@" + std::to_string(owner.start_byte()));
    m_.conditions_[tag.id].text = collapse_space(head);
    arms.push_back(Branch{block, Tags{tag}});
  };
  auto block_of = [](ts::Node n) {
    for (uint32_t j = 0; j < n.named_child_count(); ++j) {
      if (kind_of(n.named_child(j)) == Kind::kBlock) return n.named_child(j);
    }
    return ts::Node();
  };
  const uint32_t n = s.named_child_count();
  for (uint32_t i = 0; i < n; ++i) {
    ts::Node c = s.named_child(i);
    if (kind_of(c) == Kind::kBlock) {
      bool all_arms = c.named_child_count() > 0;
      for (uint32_t j = 0; j < c.named_child_count() && all_arms; ++j) {
        all_arms = static_cast<bool>(block_of(c.named_child(j)));
      }
      if (all_arms) {
        for (uint32_t j = 0; j < c.named_child_count(); ++j) add_arm(c.named_child(j), block_of(c.named_child(j)));
      } else {
        arms.push_back(Branch{c, {}});
      }
    } else if (ts::Node b = block_of(c)) {
      add_arm(c, b);
    } else {
      eval(c);
    }
  }
  if (arms.empty()) return;
  if (arms.size() == 1 && arms[0].tags.empty()) {
    exec_block(arms[0].body);
    return;
  }
  // Arm k runs when arms before it did not: tag it {t1 false, ..., tk true}.
  Tags previous;
  std::vector<Branch> branches;
  for (const Branch& arm : arms) {
    if (arm.tags.empty()) {
      branches.push_back(Branch{arm.body, previous});
      continue;
    }
    if (auto with = merge_tags(previous, arm.tags)) branches.push_back(Branch{arm.body, *with});
    if (auto next = merge_tags(previous, Tags{CondTag{arm.tags[0].id, false}})) previous = *next;
  }
  branches.push_back(Branch{ts::Node(), previous});
  exec_branches(branches, false);
}

}  // namespace py
