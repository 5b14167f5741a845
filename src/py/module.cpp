#include "py/module.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "core/budget.h"
#include "core/text.h"
#include "py/grammar.h"

namespace py {
namespace {

// Bounds that keep the analysis linear and the native stack small on generated code.
constexpr size_t kMaxAlts = 16;         // alternatives per name / argument combinations per call
constexpr int kMaxExprDepth = 150;      // deeper expressions evaluate to Unknown
constexpr int kMaxStmtDepth = 80;       // deeper blocks are not interpreted
constexpr size_t kMaxDictEntries = 128;  // larger dicts are marked incomplete

ValuePtr make(Value v) { return std::make_shared<const Value>(std::move(v)); }

Alts single(Value v, Tags tags = {}) { return Alts{Alt{make(std::move(v)), std::move(tags)}}; }

std::string collapse_space(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > 120) out = out.substr(0, 117) + "...";
  return out;
}

void dedupe(Alts& alts) {
  for (size_t i = 0; i < alts.size(); ++i) {
    for (size_t j = i + 1; j < alts.size();) {
      if (alts[i].value == alts[j].value ||
          (alts[i].value && alts[j].value && alts[i].value->same_as(*alts[j].value))) {
        // The same value on both paths: keep only the conditions the paths share.
        Tags common;
        for (const CondTag& t : alts[i].tags) {
          if (std::find(alts[j].tags.begin(), alts[j].tags.end(), t) != alts[j].tags.end()) {
            common.push_back(t);
          }
        }
        alts[i].tags = std::move(common);
        alts.erase(alts.begin() + static_cast<std::ptrdiff_t>(j));
      } else {
        ++j;
      }
    }
  }
  if (alts.size() > kMaxAlts) {
    // Too many paths to follow: the value is Unknown (silence), which also keeps the cost of every
    // later statement bounded.
    core::Location origin = alts[0].value ? alts[0].value->origin : core::Location{};
    alts.assign(1, Alt{std::make_shared<const Value>(Value::unknown(std::move(origin), "too many branches")), {}});
  }
}

}  // namespace

std::optional<Tags> merge_tags(const Tags& a, const Tags& b) {
  Tags out;
  out.reserve(a.size() + b.size());
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].id < b[j].id)) {
      out.push_back(a[i++]);
    } else if (i == a.size() || b[j].id < a[i].id) {
      out.push_back(b[j++]);
    } else {
      if (a[i].taken != b[j].taken) return std::nullopt;
      out.push_back(a[i]);
      ++i;
      ++j;
    }
  }
  return out;
}

const Argument* ArgumentSet::find(std::string_view name) const {
  for (auto it = keywords.rbegin(); it != keywords.rend(); ++it) {
    if (it->name == name) return &*it;
  }
  return nullptr;
}

const Argument* ArgumentSet::get(std::string_view name, size_t index) const {
  if (const Argument* a = find(name)) return a;
  return at(index);
}

Module::~Module() = default;

const Alts* Module::global(std::string_view name) const {
  for (const auto& [n, alts] : globals_) {
    if (n == name) return &alts;
  }
  return nullptr;
}

std::string Module::describe(const Tags& tags) const {
  std::string out;
  for (const CondTag& t : tags) {
    if (!out.empty()) out += " and ";
    const Condition& c = conditions_[t.id];
    out += "`" + c.text + "` is " + (t.taken ? "true" : "false") + " (line " +
           std::to_string(c.where.range.begin.line) + ")";
  }
  return out;
}

class Interpreter {
 public:
  Interpreter(Module& module, CallObserver* observer, bool is_package)
      : m_(module), observer_(observer), is_package_(is_package) {}

  void run(ts::Node root) {
    Env module_env;
    env_ = &module_env;
    exec_block(root);
    for (const std::string& name : module_env.order) {
      m_.globals_.emplace_back(name, module_env.names[name]);
    }
    run_pending(module_env);
  }

 private:
  struct Env {
    std::unordered_map<std::string, Alts> names;
    std::vector<std::string> order;
    const Env* parent = nullptr;
  };
  struct JournalFrame {
    std::vector<std::pair<std::string, std::optional<Alts>>> saved;
    std::unordered_set<std::string> seen;
  };
  struct Branch {
    ts::Node body;
    Tags tags;
  };

  // ---- scopes and bindings ----

  const Alts* lookup(const std::string& name) const {
    for (const Env* e = env_; e != nullptr; e = e->parent) {
      auto it = e->names.find(name);
      if (it != e->names.end()) return &it->second;
    }
    return nullptr;
  }

  void bind(const std::string& name, Alts alts) {
    if (!journal_.empty()) {
      JournalFrame& frame = journal_.back();
      if (frame.seen.insert(name).second) {
        auto it = env_->names.find(name);
        frame.saved.emplace_back(name, it == env_->names.end() ? std::nullopt
                                                               : std::optional<Alts>(it->second));
      }
    }
    dedupe(alts);
    auto [it, inserted] = env_->names.try_emplace(name);
    if (inserted) env_->order.push_back(name);
    it->second = std::move(alts);
  }

  void run_pending(Env& parent) {
    // Function bodies run after their defining scope, seeing its final bindings (closures and
    // module globals are read when the function is called, not when it is defined).
    std::vector<int> pending = std::move(pending_);
    pending_.clear();
    for (int index : pending) run_function(index, parent);
  }

  void run_function(int index, Env& parent) {
    const ts::Node node = m_.functions_[static_cast<size_t>(index)].node;
    Env local;
    local.parent = &parent;
    const FunctionInfo& info = m_.functions_[static_cast<size_t>(index)];
    std::vector<std::string> all = info.parameters;
    if (!info.args_parameter.empty()) all.push_back(info.args_parameter);
    if (!info.kwargs_parameter.empty()) all.push_back(info.kwargs_parameter);
    for (const std::string& p : all) {
      // A parameter is a name the caller binds: "@param.url" until a call site is known.
      local.names[p] = single(Value::symbol("@param." + p, m_.location(node)));
      local.order.push_back(p);
    }
    Env* saved_env = env_;
    auto saved_journal = std::move(journal_);
    journal_.clear();
    Tags saved_path = std::move(path_);
    path_.clear();
    const bool saved_dead = dead_;
    dead_ = false;
    const Scope saved_scope = scope_;
    scope_ = Scope{index, -1, 0};
    env_ = &local;
    exec_block(field(node, Field::kBody));
    env_ = saved_env;
    journal_ = std::move(saved_journal);
    path_ = std::move(saved_path);
    dead_ = saved_dead;
    scope_ = saved_scope;
    run_pending(local);
  }

  // ---- conditions ----

  /// Interns a condition by its normalised text, so `if IS_LAMBDA:` twice is one condition.
  CondTag condition_tag(ts::Node cond, const std::string& key_suffix = {}) {
    bool taken = true;
    ts::Node n = cond;
    while (n) {
      const Kind k = kind_of(n);
      if (k == Kind::kParenthesizedExpression && n.named_child_count() == 1) {
        n = n.named_child(0);
      } else if (k == Kind::kNotOperator) {
        taken = !taken;
        n = field(n, Field::kArgument);
      } else {
        break;
      }
    }
    if (!n) n = cond;
    std::string text = collapse_space(m_.text(n));
    const std::string key = text + key_suffix;
    auto it = condition_ids_.find(key);
    uint32_t id;
    if (it == condition_ids_.end()) {
      id = static_cast<uint32_t>(m_.conditions_.size());
      m_.conditions_.push_back(Condition{m_.location(cond), std::move(text)});
      condition_ids_.emplace(key, id);
    } else {
      id = it->second;
    }
    return CondTag{id, taken};
  }

  /// A condition whose value is fixed in source: `if False:`, `if TYPE_CHECKING:`.
  std::optional<bool> constant_condition(ts::Node cond) {
    const Kind k = kind_of(cond);
    if (k == Kind::kTrue) return true;
    if (k == Kind::kFalse || k == Kind::kNone) return false;
    if (k == Kind::kInteger) return m_.text(cond) != "0";
    if (k == Kind::kIdentifier || k == Kind::kAttribute) {
      const Alts alts = eval(cond);
      if (alts.size() == 1 && alts[0].value->kind == ValueKind::kSymbol &&
          alts[0].value->text == "typing.TYPE_CHECKING") {
        return false;
      }
    }
    return std::nullopt;
  }

  // ---- statements ----

  void exec_block(ts::Node block) {
    if (!block) return;
    if (stmt_depth_ >= kMaxStmtDepth) return;
    ++stmt_depth_;
    const uint32_t n = block.named_child_count();
    for (uint32_t i = 0; i < n && !dead_; ++i) exec_statement(block.named_child(i));
    --stmt_depth_;
  }

  void exec_statement(ts::Node s) {
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

  void exec_else_of(ts::Node s) {
    ts::Node alt = field(s, Field::kAlternative);
    if (alt) exec_block(field(alt, Field::kBody));
  }

  void exec_unknown_compound(ts::Node s) {
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

  void exec_if(ts::Node s) {
    std::vector<Branch> branches;
    Tags previous;  // conditions before this branch, all false
    bool exhaustive = false;
    auto add_condition = [&](ts::Node cond, ts::Node body) {
      if (exhaustive) return;
      std::optional<bool> constant = constant_condition(cond);
      if (!constant) eval(cond);
      if (constant) {
        if (*constant) {
          branches.push_back(Branch{body, previous});
          exhaustive = true;  // later branches are unreachable
        }
        return;
      }
      CondTag tag = condition_tag(cond);
      auto with = merge_tags(previous, Tags{tag});
      if (with) branches.push_back(Branch{body, *with});
      CondTag negated{tag.id, !tag.taken};
      auto next = merge_tags(previous, Tags{negated});
      if (!next) {
        exhaustive = true;
        return;
      }
      previous = *next;
    };
    add_condition(field(s, Field::kCondition), field(s, Field::kConsequence));
    const uint32_t n = s.named_child_count();
    for (uint32_t i = 0; i < n; ++i) {
      ts::Node c = s.named_child(i);
      const Kind k = kind_of(c);
      if (k == Kind::kElifClause) {
        add_condition(field(c, Field::kCondition), field(c, Field::kConsequence));
      } else if (k == Kind::kElseClause && !exhaustive) {
        branches.push_back(Branch{field(c, Field::kBody), previous});
        exhaustive = true;
      }
    }
    if (!exhaustive) branches.push_back(Branch{ts::Node(), previous});  // no branch taken
    exec_branches(branches, true);
  }

  void exec_try(ts::Node s) {
    exec_block(field(s, Field::kBody));
    std::vector<Branch> branches;
    ts::Node else_body;
    ts::Node finally_body;
    Tags previous;
    std::vector<std::pair<ts::Node, CondTag>> handlers;
    const uint32_t n = s.named_child_count();
    for (uint32_t i = 0; i < n; ++i) {
      ts::Node c = s.named_child(i);
      switch (kind_of(c)) {
        case Kind::kExceptClause: {
          ts::Node body;
          for (uint32_t j = 0; j < c.named_child_count(); ++j) {
            if (kind_of(c.named_child(j)) == Kind::kBlock) body = c.named_child(j);
          }
          std::string_view head = m_.text(c);
          head = head.substr(0, head.find(':'));
          CondTag tag = condition_tag(c, "@" + std::to_string(c.start_byte()));
          m_.conditions_[tag.id].text = collapse_space(head);
          handlers.emplace_back(body, tag);
          break;
        }
        case Kind::kElseClause: else_body = field(c, Field::kBody); break;
        case Kind::kFinallyClause:
          for (uint32_t j = 0; j < c.named_child_count(); ++j) {
            if (kind_of(c.named_child(j)) == Kind::kBlock) finally_body = c.named_child(j);
          }
          break;
        default: break;
      }
    }
    if (!handlers.empty()) {
      for (auto& [body, tag] : handlers) {
        auto with = merge_tags(previous, Tags{tag});
        if (with) branches.push_back(Branch{body, *with});
        previous = *merge_tags(previous, Tags{CondTag{tag.id, false}});
      }
      branches.push_back(Branch{else_body, previous});
      exec_branches(branches, true);
    } else if (else_body) {
      exec_block(else_body);
    }
    if (finally_body) {
      const bool was_dead = dead_;
      dead_ = false;
      exec_block(finally_body);
      dead_ = dead_ || was_dead;
    }
  }

  /// Runs alternative blocks from the same state and merges what each assigned.
  void exec_branches(const std::vector<Branch>& branches, bool /*exhaustive*/) {
    struct Result {
      bool alive = false;
      Tags tags;
      std::unordered_map<std::string, std::optional<Alts>> values;
    };
    std::vector<Result> results;
    std::vector<std::string> names;  // assigned names, first-seen order
    std::unordered_set<std::string> name_set;
    for (const Branch& branch : branches) {
      auto path = merge_tags(path_, branch.tags);
      if (!path) continue;  // contradicts the enclosing path: unreachable
      Result r;
      r.tags = branch.tags;
      journal_.emplace_back();
      Tags saved_path = std::move(path_);
      path_ = std::move(*path);
      dead_ = false;
      exec_block(branch.body);
      r.alive = !dead_;
      JournalFrame frame = std::move(journal_.back());
      journal_.pop_back();
      for (auto& [name, old] : frame.saved) {
        auto it = env_->names.find(name);
        if (r.alive) {
          r.values[name] = it == env_->names.end() ? std::nullopt : std::optional<Alts>(it->second);
          if (name_set.insert(name).second) names.push_back(name);
        }
        if (old) {
          env_->names[name] = std::move(*old);
        } else if (it != env_->names.end()) {
          env_->names.erase(it);
          env_->order.erase(std::remove(env_->order.begin(), env_->order.end(), name),
                            env_->order.end());
        }
      }
      path_ = std::move(saved_path);
      if (r.alive) results.push_back(std::move(r));
    }
    dead_ = results.empty();
    if (dead_) return;
    for (const std::string& name : names) {
      Alts merged;
      for (const Result& r : results) {
        Alts values;
        auto it = r.values.find(name);
        if (it != r.values.end() && it->second) {
          values = *it->second;
        } else if (const Alts* before = lookup(name)) {
          values = *before;
        } else {
          values = single(Value::unknown({}, "unbound " + name));
        }
        for (Alt& a : values) {
          if (results.size() == 1) {
            merged.push_back(std::move(a));  // the only live path: its condition is implied
          } else if (auto t = merge_tags(a.tags, r.tags)) {
            merged.push_back(Alt{std::move(a.value), std::move(*t)});
          }
        }
      }
      bind(name, std::move(merged));
    }
  }

  void exec_with(ts::Node s) {
    const uint32_t n = s.named_child_count();
    for (uint32_t i = 0; i < n; ++i) {
      ts::Node clause = s.named_child(i);
      if (kind_of(clause) != Kind::kWithClause) continue;
      for (uint32_t j = 0; j < clause.named_child_count(); ++j) {
        ts::Node item = clause.named_child(j);
        if (kind_of(item) != Kind::kWithItem) continue;
        ts::Node value = field(item, Field::kValue);
        if (!value) continue;
        ts::Node alias = field(value, Field::kAlias);
        if (alias) {
          // `with expr as name`: the value is an as_pattern(expr, as_pattern_target).
          Alts v = eval(value.named_child(0));
          ts::Node target = alias.named_child_count() > 0 ? alias.named_child(0) : alias;
          if (kind_of(target) == Kind::kIdentifier) bind(std::string(m_.text(target)), std::move(v));
          else bind_target_unknown(target);
        } else {
          eval(value);
        }
      }
    }
    exec_block(field(s, Field::kBody));
  }

  void exec_decorated(ts::Node s) {
    std::vector<Value> decorators;
    std::vector<std::string> texts;
    const uint32_t n = s.named_child_count();
    for (uint32_t i = 0; i < n; ++i) {
      ts::Node d = s.named_child(i);
      if (kind_of(d) != Kind::kDecorator || d.named_child_count() == 0) continue;
      ts::Node expr = d.named_child(0);
      texts.emplace_back(collapse_space(m_.text(expr)));
      ts::Node callee = kind_of(expr) == Kind::kCall ? field(expr, Field::kFunction) : expr;
      if (kind_of(expr) == Kind::kCall) eval(expr);
      Alts v = eval(callee);
      decorators.push_back(v.empty() ? Value::unknown() : *v[0].value);
    }
    ts::Node def = field(s, Field::kDefinition);
    if (kind_of(def) == Kind::kFunctionDefinition) {
      define_function(def, std::move(decorators), std::move(texts));
    } else if (kind_of(def) == Kind::kClassDefinition) {
      define_class(def);
    }
  }

  void define_function(ts::Node def, std::vector<Value> decorators,
                       std::vector<std::string> decorator_texts = {}) {
    FunctionInfo f;
    f.name = std::string(m_.text(field(def, Field::kName)));
    f.node = def;
    f.where = m_.location(def);
    f.parent_function = scope_.function;
    if (scope_.class_index >= 0) f.class_name = m_.classes_[static_cast<size_t>(scope_.class_index)].name;
    std::string prefix;
    if (scope_.function >= 0) prefix = m_.functions_[static_cast<size_t>(scope_.function)].qualified_name + ".";
    if (!f.class_name.empty()) prefix += f.class_name + ".";
    f.qualified_name = prefix + f.name;
    f.is_async = def.child_count() > 0 && kind_of(def.child(0)) == Kind::kAsync;
    f.decorators = std::move(decorators);
    f.decorator_texts = std::move(decorator_texts);
    ts::Node params = field(def, Field::kParameters);
    for (uint32_t i = 0; params && i < params.named_child_count(); ++i) {
      ts::Node p = params.named_child(i);
      ts::Node name;
      switch (kind_of(p)) {
        case Kind::kIdentifier: name = p; break;
        case Kind::kDefaultParameter:
        case Kind::kTypedDefaultParameter:
          name = field(p, Field::kName);
          eval(field(p, Field::kValue));  // defaults run at definition time (Depends(...))
          break;
        case Kind::kTypedParameter:
        case Kind::kListSplatPattern:
        case Kind::kDictionarySplatPattern:
          for (uint32_t j = 0; j < p.named_child_count(); ++j) {
            ts::Node c = p.named_child(j);
            if (kind_of(c) == Kind::kIdentifier) { name = c; break; }
            if (kind_of(c) == Kind::kListSplatPattern || kind_of(c) == Kind::kDictionarySplatPattern) {
              if (c.named_child_count() > 0) name = c.named_child(0);
              break;
            }
          }
          break;
        default: break;
      }
      if (!name) continue;
      const Kind pk = kind_of(p);
      const bool typed_splat = pk == Kind::kTypedParameter && p.named_child_count() > 0 &&
                               kind_of(p.named_child(0)) != Kind::kIdentifier;
      const Kind splat = typed_splat ? kind_of(p.named_child(0)) : pk;
      if (splat == Kind::kDictionarySplatPattern) f.kwargs_parameter = std::string(m_.text(name));
      else if (splat == Kind::kListSplatPattern) f.args_parameter = std::string(m_.text(name));
      else f.parameters.emplace_back(m_.text(name));
    }
    const int index = static_cast<int>(m_.functions_.size());
    Value v;
    v.kind = ValueKind::kFunction;
    v.object_id = index;
    v.text = f.qualified_name;
    v.origin = f.where;
    m_.functions_.push_back(std::move(f));
    pending_.push_back(index);
    bind(m_.functions_.back().name, single(std::move(v)));
  }

  void define_class(ts::Node def) {
    ClassInfo c;
    c.name = std::string(m_.text(field(def, Field::kName)));
    c.where = m_.location(def);
    ts::Node bases = field(def, Field::kSuperclasses);
    for (uint32_t i = 0; bases && i < bases.named_child_count(); ++i) {
      Alts v = eval(bases.named_child(i));
      c.bases.push_back(v.empty() ? Value::unknown() : *v[0].value);
    }
    const int index = static_cast<int>(m_.classes_.size());
    m_.classes_.push_back(std::move(c));
    Env class_env;
    class_env.parent = env_;
    Env* saved_env = env_;
    auto saved_journal = std::move(journal_);
    journal_.clear();
    const Scope saved_scope = scope_;
    scope_.class_index = index;
    env_ = &class_env;
    exec_block(field(def, Field::kBody));
    env_ = saved_env;
    journal_ = std::move(saved_journal);
    scope_ = saved_scope;
    dead_ = false;
    for (const std::string& name : class_env.order) {
      m_.classes_[static_cast<size_t>(index)].attributes.emplace_back(name, class_env.names[name]);
    }
    Value v = Value::symbol(m_.name_.empty() ? m_.classes_[static_cast<size_t>(index)].name
                                             : m_.name_ + "." + m_.classes_[static_cast<size_t>(index)].name,
                            m_.location(def));
    v.object_id = index;
    bind(m_.classes_[static_cast<size_t>(index)].name, single(std::move(v)));
  }

  void exec_import(ts::Node s) {
    const uint32_t n = s.named_child_count();
    for (uint32_t i = 0; i < n; ++i) {
      ts::Node c = s.named_child(i);
      if (kind_of(c) == Kind::kDottedName) {
        // `import a.b.c` binds `a`.
        std::string full(m_.text(c));
        std::string head = full.substr(0, full.find('.'));
        bind(head, single(Value::symbol(head, m_.location(c))));
      } else if (kind_of(c) == Kind::kAliasedImport) {
        std::string full(m_.text(field(c, Field::kName)));
        bind(std::string(m_.text(field(c, Field::kAlias))), single(Value::symbol(full, m_.location(c))));
      }
    }
  }

  std::string resolve_relative(ts::Node rel) {
    // `from ..pkg import x` inside module a.b.c: one dot is the current package.
    std::string dots;
    std::string rest;
    for (uint32_t i = 0; i < rel.named_child_count(); ++i) {
      ts::Node c = rel.named_child(i);
      if (kind_of(c) == Kind::kImportPrefix) dots = std::string(m_.text(c));
      else if (kind_of(c) == Kind::kDottedName) rest = std::string(m_.text(c));
    }
    if (dots.empty()) {
      std::string_view t = m_.text(rel);
      size_t k = 0;
      while (k < t.size() && t[k] == '.') ++k;
      dots = std::string(t.substr(0, k));
      if (rest.empty()) rest = std::string(t.substr(k));
    }
    std::vector<std::string> parts;
    std::string_view name = m_.name_;
    while (!name.empty()) {
      const size_t dot = name.find('.');
      parts.emplace_back(name.substr(0, dot));
      if (dot == std::string_view::npos) break;
      name.remove_prefix(dot + 1);
    }
    if (!is_package_ && !parts.empty()) parts.pop_back();
    for (size_t k = 1; k < dots.size() && !parts.empty(); ++k) parts.pop_back();
    std::string base;
    for (const auto& p : parts) base += (base.empty() ? "" : ".") + p;
    if (!rest.empty()) base += (base.empty() ? "" : ".") + rest;
    return base;
  }

  void exec_import_from(ts::Node s) {
    ts::Node module_node = field(s, Field::kModuleName);
    if (!module_node) return;
    std::string base = kind_of(module_node) == Kind::kRelativeImport ? resolve_relative(module_node)
                                                                    : std::string(m_.text(module_node));
    const uint32_t n = s.named_child_count();
    for (uint32_t i = 0; i < n; ++i) {
      ts::Node c = s.named_child(i);
      if (c == module_node) continue;
      const Kind k = kind_of(c);
      if (k == Kind::kWildcardImport) {
        star_modules_.push_back(base);
      } else if (k == Kind::kDottedName) {
        std::string name(m_.text(c));
        bind(name, single(Value::symbol(base.empty() ? name : base + "." + name, m_.location(c))));
      } else if (k == Kind::kAliasedImport) {
        std::string name(m_.text(field(c, Field::kName)));
        bind(std::string(m_.text(field(c, Field::kAlias))),
             single(Value::symbol(base.empty() ? name : base + "." + name, m_.location(c))));
      }
    }
  }

  void exec_assignment(ts::Node s) {
    std::vector<ts::Node> targets{field(s, Field::kLeft)};
    ts::Node right = field(s, Field::kRight);
    if (!right) {
      // An annotation without a value binds nothing, but it still names a class field.
      if (scope_.class_index >= 0 && kind_of(targets[0]) == Kind::kIdentifier) {
        bind(std::string(m_.text(targets[0])), single(Value::unknown(m_.location(s), "annotation only")));
      }
      return;
    }
    while (kind_of(right) == Kind::kAssignment) {
      targets.push_back(field(right, Field::kLeft));
      right = field(right, Field::kRight);
    }
    if (!right) return;  // `a = b =` cut short: the parser recovered without a value
    if (targets.size() == 1) assigned_to_ = m_.text(targets[0]);
    Alts values = eval(right);
    assigned_to_ = {};
    for (ts::Node t : targets) assign(t, values, s);
  }

  void assign(ts::Node target, const Alts& values, ts::Node statement) {
    switch (kind_of(target)) {
      case Kind::kIdentifier: bind(std::string(m_.text(target)), values); break;
      case Kind::kSubscript: {
        ts::Node object = field(target, Field::kValue);
        ts::Node key = field(target, Field::kSubscript);
        Alts keys = eval(key);
        if (kind_of(object) != Kind::kIdentifier) {
          eval(object);
          if (observer_ && keys.size() == 1) {
            for (const Alt& v : values) {
              if (auto tags = merge_tags(path_, v.tags)) {
                observer_->on_item_store(m_, statement, m_.text(object), *keys[0].value, v.value, *tags);
              }
            }
          }
          return;
        }
        std::string name(m_.text(object));
        const Alts* dicts = lookup(name);
        if (!dicts) return;
        Alts out;
        for (const Alt& d : *dicts) {
          if (d.value->kind != ValueKind::kDict) {
            out.push_back(d);
            continue;
          }
          for (const Alt& v : values) {
            auto tags = merge_tags(d.tags, v.tags);
            if (!tags) continue;
            auto dict = std::make_shared<DictValue>(*d.value->dict);
            if (keys.size() == 1 && keys[0].value->kind == ValueKind::kString && !keys[0].value->partial) {
              set_entry(*dict, keys[0].value->text, v.value, m_.location(statement));
            } else {
              dict->complete = false;
            }
            out.push_back(Alt{make(dict_value(std::move(dict), d.value->origin)), std::move(*tags)});
          }
        }
        bind(name, std::move(out));
        break;
      }
      case Kind::kAttribute: eval(field(target, Field::kObject)); break;
      case Kind::kPatternList:
      case Kind::kTuplePattern:
      case Kind::kListPattern:
      case Kind::kExpressionList:
      case Kind::kTuple:
      case Kind::kList: {
        const uint32_t n = target.named_child_count();
        if (values.size() == 1 && values[0].value->kind == ValueKind::kList &&
            values[0].value->items.size() == n) {
          for (uint32_t i = 0; i < n; ++i) {
            assign(target.named_child(i), Alts{Alt{values[0].value->items[i], values[0].tags}}, statement);
          }
        } else {
          bind_target_unknown(target);
        }
        break;
      }
      default: bind_target_unknown(target); break;
    }
  }

  void bind_target_unknown(ts::Node target) {
    if (!target) return;
    if (kind_of(target) == Kind::kIdentifier) {
      bind(std::string(m_.text(target)), single(Value::unknown(m_.location(target))));
      return;
    }
    if (kind_of(target) == Kind::kAttribute || kind_of(target) == Kind::kSubscript) return;
    for (uint32_t i = 0; i < target.named_child_count(); ++i) bind_target_unknown(target.named_child(i));
  }

  void exec_augmented(ts::Node s) {
    ts::Node left = field(s, Field::kLeft);
    Alts right = eval(field(s, Field::kRight));
    if (kind_of(left) != Kind::kIdentifier) return;
    std::string name(m_.text(left));
    std::string op(m_.text(field(s, Field::kOperator)));
    const Alts* before = lookup(name);
    if (!before) return;
    Alts out;
    for (const Alt& a : *before) {
      for (const Alt& b : right) {
        auto tags = merge_tags(a.tags, b.tags);
        if (!tags) continue;
        out.push_back(Alt{make(binary(op.substr(0, op.size() - 1), *a.value, *b.value, m_.location(s))),
                          std::move(*tags)});
      }
    }
    bind(name, std::move(out));
  }

  void exec_delete(ts::Node s) {
    for (uint32_t i = 0; i < s.named_child_count(); ++i) {
      ts::Node t = s.named_child(i);
      std::vector<ts::Node> targets;
      if (kind_of(t) == Kind::kExpressionList) {
        for (uint32_t j = 0; j < t.named_child_count(); ++j) targets.push_back(t.named_child(j));
      } else {
        targets.push_back(t);
      }
      for (ts::Node target : targets) {
        if (kind_of(target) == Kind::kSubscript &&
            kind_of(field(target, Field::kValue)) == Kind::kIdentifier) {
          Alts keys = eval(field(target, Field::kSubscript));
          std::string name(m_.text(field(target, Field::kValue)));
          mutate_dict(name, [&](DictValue& d, const Tags&) {
            if (keys.size() == 1 && keys[0].value->kind == ValueKind::kString) {
              remove_entry(d, keys[0].value->text);
            } else {
              d.complete = false;
            }
          });
        } else if (kind_of(target) == Kind::kIdentifier) {
          bind(std::string(m_.text(target)), single(Value::unknown(m_.location(target), "deleted")));
        }
      }
    }
  }

  // ---- dict helpers ----

  static Value dict_value(std::shared_ptr<const DictValue> dict, core::Location origin) {
    Value v;
    v.kind = ValueKind::kDict;
    v.dict = std::move(dict);
    v.origin = std::move(origin);
    return v;
  }

  static void set_entry(DictValue& d, const std::string& key, ValuePtr value, core::Location where) {
    remove_entry(d, key);
    if (d.entries.size() >= kMaxDictEntries) {
      d.complete = false;
      return;
    }
    d.entries.push_back(DictEntry{key, std::move(value), std::move(where)});
  }

  static void remove_entry(DictValue& d, std::string_view key) {
    d.entries.erase(std::remove_if(d.entries.begin(), d.entries.end(),
                                   [&](const DictEntry& e) { return e.key == key; }),
                    d.entries.end());
  }

  /// Adds the entries of `source` (a dict value) to `d`; unknown sources make `d` incomplete.
  static void merge_into(DictValue& d, const Value& source) {
    if (source.kind == ValueKind::kSymbol) {
      d.pending.push_back(std::make_shared<const Value>(source));
      return;
    }
    if (source.kind != ValueKind::kDict || !source.dict) {
      d.complete = false;
      return;
    }
    for (const ValuePtr& p : source.dict->pending) d.pending.push_back(p);
    for (const DictEntry& e : source.dict->entries) set_entry(d, e.key, e.value, e.where);
    if (!source.dict->complete) d.complete = false;
  }

  template <typename F>
  void mutate_dict(const std::string& name, F&& mutate) {
    const Alts* dicts = lookup(name);
    if (!dicts) return;
    Alts out;
    for (const Alt& a : *dicts) {
      if (a.value->kind != ValueKind::kDict) {
        out.push_back(a);
        continue;
      }
      auto dict = std::make_shared<DictValue>(*a.value->dict);
      mutate(*dict, a.tags);
      out.push_back(Alt{make(dict_value(std::move(dict), a.value->origin)), a.tags});
    }
    bind(name, std::move(out));
  }

  // ---- expressions ----

  void eval_children(ts::Node n) {
    for (uint32_t i = 0; i < n.named_child_count(); ++i) eval(n.named_child(i));
  }

  Alts eval(ts::Node n) {
    if (!n) return single(Value::unknown());
    if (expr_depth_ >= kMaxExprDepth) return single(Value::unknown(m_.location(n), "too deep"));
    if (!core::spend_step()) return single(Value::unknown(m_.location(n), "analysis budget spent"));
    ++expr_depth_;
    Alts out = eval_inner(n);
    --expr_depth_;
    if (out.empty()) out = single(Value::unknown(m_.location(n)));
    return out;
  }

  Alts eval_inner(ts::Node n) {
    const core::Location where = m_.location(n);
    switch (kind_of(n)) {
      case Kind::kIdentifier: {
        std::string name(m_.text(n));
        if (const Alts* alts = lookup(name)) return *alts;
        return single(unbound(name, where));
      }
      case Kind::kAttribute: {
        Alts object = eval(field(n, Field::kObject));
        std::string attr(m_.text(field(n, Field::kAttribute)));
        Alts out;
        for (Alt& a : object) {
          if (a.value->kind == ValueKind::kSymbol) {
            Value v = Value::symbol(a.value->text + "." + attr, where);
            out.push_back(Alt{make(std::move(v)), std::move(a.tags)});
          } else {
            out.push_back(Alt{make(Value::unknown(where, collapse_space(m_.text(n)))), std::move(a.tags)});
          }
        }
        dedupe(out);
        return out;
      }
      case Kind::kCall: return eval_call(n);
      case Kind::kString: return single(string_value(n));
      case Kind::kConcatenatedString: {
        Value v = Value::of_string("", where);
        for (uint32_t i = 0; i < n.named_child_count(); ++i) {
          Value part = string_value(n.named_child(i));
          v.text += part.text;
          v.partial = v.partial || part.partial;
        }
        return single(std::move(v));
      }
      case Kind::kInteger: {
        std::string digits;
        for (char c : m_.text(n)) if (c != '_') digits += c;
        int base = 10;
        std::string_view body = digits;
        if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) { base = 16; body.remove_prefix(2); }
        else if (body.size() > 2 && body[0] == '0' && (body[1] == 'o' || body[1] == 'O')) { base = 8; body.remove_prefix(2); }
        else if (body.size() > 2 && body[0] == '0' && (body[1] == 'b' || body[1] == 'B')) { base = 2; body.remove_prefix(2); }
        int64_t value = 0;
        auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value, base);
        if (ec != std::errc() || ptr != body.data() + body.size()) return single(Value::unknown(where, "integer"));
        return single(Value::of_int(value, where));
      }
      case Kind::kFloat: {
        std::string digits;
        for (char c : m_.text(n)) if (c != '_') digits += c;
        if (!digits.empty() && (digits.back() == 'j' || digits.back() == 'J')) return single(Value::unknown(where));
        Value v;
        v.kind = ValueKind::kFloat;
        v.real = std::strtod(digits.c_str(), nullptr);
        v.origin = where;
        return single(std::move(v));
      }
      case Kind::kTrue: return single(Value::of_bool(true, where));
      case Kind::kFalse: return single(Value::of_bool(false, where));
      case Kind::kNone: return single(Value::none(where));
      case Kind::kDictionary: return eval_dict(n);
      case Kind::kList:
      case Kind::kTuple:
      case Kind::kSet:
      case Kind::kExpressionList: {
        Value v;
        v.kind = ValueKind::kList;
        v.origin = where;
        bool exact = true;
        for (uint32_t i = 0; i < n.named_child_count(); ++i) {
          ts::Node c = n.named_child(i);
          if (kind_of(c) == Kind::kComment) continue;
          Alts item = eval(c);
          if (kind_of(c) == Kind::kListSplat || item.size() != 1) exact = false;
          v.items.push_back(item.size() == 1 ? item[0].value : make(Value::unknown(m_.location(c))));
        }
        if (!exact) return single(Value::unknown(where, "sequence"));
        return single(std::move(v));
      }
      case Kind::kParenthesizedExpression: {
        // A comment inside the parentheses is a named child too.
        ts::Node inner;
        uint32_t count = 0;
        for (uint32_t i = 0; i < n.named_child_count(); ++i) {
          if (kind_of(n.named_child(i)) == Kind::kComment) continue;
          inner = n.named_child(i);
          ++count;
        }
        if (count == 1) return eval(inner);
        eval_children(n);
        return single(Value::unknown(where));
      }
      case Kind::kConditionalExpression: {
        if (n.named_child_count() < 3) break;
        ts::Node cond = n.named_child(1);
        std::optional<bool> constant = constant_condition(cond);
        if (constant) return eval(n.named_child(*constant ? 0 : 2));
        eval(cond);
        CondTag tag = condition_tag(cond);
        Alts out;
        for (int side = 0; side < 2; ++side) {
          CondTag t{tag.id, side == 0 ? tag.taken : !tag.taken};
          auto path = merge_tags(path_, Tags{t});
          if (!path) continue;
          for (Alt& a : eval(n.named_child(side == 0 ? 0 : 2))) {
            if (auto merged = merge_tags(a.tags, Tags{t})) out.push_back(Alt{std::move(a.value), std::move(*merged)});
          }
        }
        dedupe(out);
        return out;
      }
      case Kind::kBooleanOperator: {
        Alts left = eval(field(n, Field::kLeft));
        Alts right = eval(field(n, Field::kRight));
        const bool is_or = m_.text(field(n, Field::kOperator)) == "or";
        Alts out;
        for (Alt& a : left) {
          std::optional<bool> t = a.value->truthy();
          if (!t) {
            out.push_back(Alt{make(Value::unknown(where, collapse_space(m_.text(n)))), a.tags});
          } else if (*t == is_or) {
            out.push_back(std::move(a));
          } else {
            for (const Alt& b : right) {
              if (auto tags = merge_tags(a.tags, b.tags)) out.push_back(Alt{b.value, std::move(*tags)});
            }
          }
        }
        dedupe(out);
        return out;
      }
      case Kind::kNotOperator: {
        Alts inner = eval(field(n, Field::kArgument));
        Alts out;
        for (Alt& a : inner) {
          std::optional<bool> t = a.value->truthy();
          out.push_back(Alt{make(t ? Value::of_bool(!*t, where) : Value::unknown(where)), std::move(a.tags)});
        }
        dedupe(out);
        return out;
      }
      case Kind::kUnaryOperator: {
        Alts inner = eval(field(n, Field::kArgument));
        const std::string_view op = m_.text(field(n, Field::kOperator));
        Alts out;
        for (Alt& a : inner) {
          Value v = Value::unknown(where);
          if (op == "-" && a.value->kind == ValueKind::kInt) v = Value::of_int(-a.value->integer, where);
          else if (op == "-" && a.value->kind == ValueKind::kFloat) { v = *a.value; v.real = -v.real; v.origin = where; }
          else if (op == "+") v = *a.value;
          out.push_back(Alt{make(std::move(v)), std::move(a.tags)});
        }
        return out;
      }
      case Kind::kBinaryOperator: {
        Alts left = eval(field(n, Field::kLeft));
        Alts right = eval(field(n, Field::kRight));
        std::string op(m_.text(field(n, Field::kOperator)));
        Alts out;
        for (const Alt& a : left) {
          for (const Alt& b : right) {
            auto tags = merge_tags(a.tags, b.tags);
            if (!tags) continue;
            out.push_back(Alt{make(binary(op, *a.value, *b.value, where)), std::move(*tags)});
            if (out.size() >= kMaxAlts) break;
          }
        }
        dedupe(out);
        return out;
      }
      case Kind::kAwait: {
        const bool saved = awaited_;
        awaited_ = true;
        Alts out = n.named_child_count() > 0 ? eval(n.named_child(0)) : single(Value::unknown(where));
        awaited_ = saved;
        return out;
      }
      case Kind::kYield: {
        if (scope_.function >= 0) m_.functions_[static_cast<size_t>(scope_.function)].is_generator = true;
        eval_children(n);
        return single(Value::unknown(where, "yield"));
      }
      case Kind::kNamedExpression: {
        Alts v = eval(field(n, Field::kValue));
        ts::Node name = field(n, Field::kName);
        if (name) bind(std::string(m_.text(name)), v);
        return v;
      }
      case Kind::kLambda: return single(Value::unknown(where, "lambda"));
      case Kind::kSubscript: {
        Alts object = eval(field(n, Field::kValue));
        Alts key = eval(field(n, Field::kSubscript));
        Alts out;
        for (const Alt& o : object) {
          for (const Alt& k : key) {
            auto tags = merge_tags(o.tags, k.tags);
            if (!tags) continue;
            Value v = Value::unknown(where, collapse_space(m_.text(n)));
            if (o.value->kind == ValueKind::kDict && k.value->kind == ValueKind::kString) {
              if (const DictEntry* e = o.value->dict->find(k.value->text)) {
                out.push_back(Alt{e->value, std::move(*tags)});
                continue;
              }
            } else if (o.value->kind == ValueKind::kSymbol && o.value->text == "os.environ" &&
                       k.value->kind == ValueKind::kString) {
              v.text = "environment variable " + k.value->text;
            }
            out.push_back(Alt{make(std::move(v)), std::move(*tags)});
          }
        }
        dedupe(out);
        return out;
      }
      case Kind::kComment: return single(Value::unknown(where));
      default: break;
    }
    eval_children(n);
    return single(Value::unknown(where, collapse_space(m_.text(n))));
  }

  Value unbound(const std::string& name, const core::Location& where) {
    static const std::unordered_set<std::string> kBuiltins = {
        "dict", "list", "tuple", "set", "int", "str", "float", "bool", "len", "print", "getattr",
        "isinstance", "open", "range", "super", "type", "object", "frozenset", "repr", "__import__"};
    if (kBuiltins.count(name)) return Value::symbol("builtins." + name, where);
    if (name == "__name__") return Value::of_string(m_.name_, where);
    if (!star_modules_.empty()) {
      // `from sqlalchemy import *`: the unbound name most likely came from there.
      for (const std::string& star : star_modules_) {
        if (star.rfind("sqlalchemy", 0) == 0 || star.rfind("sqlmodel", 0) == 0) {
          return Value::symbol(star + "." + name, where);
        }
      }
    }
    return Value::unknown(where, "unbound " + name);
  }

  Value string_value(ts::Node n) {
    const core::Location where = m_.location(n);
    if (kind_of(n) != Kind::kString) return Value::unknown(where);
    std::string text;
    bool raw = false;
    bool partial = false;
    const uint32_t count = n.child_count();
    for (uint32_t i = 0; i < count; ++i) {
      ts::Node c = n.child(i);
      switch (kind_of(c)) {
        case Kind::kStringStart:
          for (char ch : m_.text(c)) {
            if (ch == 'r' || ch == 'R') raw = true;
            if (ch == 't' || ch == 'T') partial = true;  // template strings are not str
          }
          break;
        case Kind::kStringContent: append_content(c, raw, text); break;
        case Kind::kInterpolation: {
          partial = true;
          for (uint32_t j = 0; j < c.named_child_count(); ++j) {
            ts::Node e = c.named_child(j);
            eval(e);
            break;
          }
          text += "{" + collapse_space(m_.text(c).substr(1, m_.text(c).size() >= 2 ? m_.text(c).size() - 2 : 0)) + "}";
          break;
        }
        default: break;
      }
    }
    return Value::of_string(std::move(text), where, partial);
  }

  void append_content(ts::Node content, bool raw, std::string& out) {
    std::string_view src = m_.source_.text();
    uint32_t pos = content.start_byte();
    for (uint32_t i = 0; i < content.named_child_count(); ++i) {
      ts::Node e = content.named_child(i);
      if (kind_of(e) != Kind::kEscapeSequence) continue;
      out.append(src.substr(pos, e.start_byte() - pos));
      std::string_view esc = e.text(src);
      if (raw || esc.size() < 2) {
        out.append(esc);
      } else {
        switch (esc[1]) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case '\\': out += '\\'; break;
          case '\'': out += '\''; break;
          case '"': out += '"'; break;
          case '\n': break;
          case '{': out += '{'; break;
          case '}': out += '}'; break;
          default: out.append(esc); break;
        }
      }
      pos = e.end_byte();
    }
    out.append(src.substr(pos, content.end_byte() - pos));
  }

  static Value binary(std::string_view op, const Value& a, const Value& b, const core::Location& where) {
    if (a.kind == ValueKind::kInt && b.kind == ValueKind::kInt) {
      if (op == "+") return Value::of_int(a.integer + b.integer, where);
      if (op == "-") return Value::of_int(a.integer - b.integer, where);
      if (op == "*") return Value::of_int(a.integer * b.integer, where);
      if (op == "//" && b.integer != 0) return Value::of_int(a.integer / b.integer, where);
    }
    if (op == "+" && (a.kind == ValueKind::kString || b.kind == ValueKind::kString)) {
      // String building keeps the known parts ("postgresql://" + host): enough to see the scheme.
      auto part = [](const Value& v) {
        return v.kind == ValueKind::kString ? v.text : std::string("{") + (v.text.empty() ? "?" : v.text) + "}";
      };
      const bool partial = a.kind != ValueKind::kString || b.kind != ValueKind::kString || a.partial || b.partial;
      return Value::of_string(part(a) + part(b), where, partial);
    }
    if (op == "|" && a.kind == ValueKind::kDict && b.kind == ValueKind::kDict) {
      auto dict = std::make_shared<DictValue>(*a.dict);
      merge_into(*dict, b);
      return dict_value(std::move(dict), where);
    }
    return Value::unknown(where);
  }

  Alts eval_dict(ts::Node n) {
    struct Partial {
      std::shared_ptr<DictValue> dict;
      Tags tags;
    };
    std::vector<Partial> partials{Partial{std::make_shared<DictValue>(), {}}};
    for (uint32_t i = 0; i < n.named_child_count(); ++i) {
      ts::Node c = n.named_child(i);
      const Kind k = kind_of(c);
      if (k == Kind::kPair) {
        Alts keys = eval(field(c, Field::kKey));
        Alts values = eval(field(c, Field::kValue));
        std::vector<Partial> next;
        for (const Partial& p : partials) {
          for (const Alt& key : keys) {
            for (const Alt& v : values) {
              auto t1 = merge_tags(p.tags, key.tags);
              auto t2 = t1 ? merge_tags(*t1, v.tags) : std::nullopt;
              if (!t2 || next.size() >= kMaxAlts) continue;
              auto dict = std::make_shared<DictValue>(*p.dict);
              if (key.value->kind == ValueKind::kString && !key.value->partial) {
                set_entry(*dict, key.value->text, v.value, m_.location(c));
              } else {
                dict->complete = false;
              }
              next.push_back(Partial{std::move(dict), std::move(*t2)});
            }
          }
        }
        partials = std::move(next);
      } else if (k == Kind::kDictionarySplat) {
        Alts sources = c.named_child_count() ? eval(c.named_child(0)) : single(Value::unknown());
        std::vector<Partial> next;
        for (const Partial& p : partials) {
          for (const Alt& s : sources) {
            auto t = merge_tags(p.tags, s.tags);
            if (!t || next.size() >= kMaxAlts) continue;
            auto dict = std::make_shared<DictValue>(*p.dict);
            merge_into(*dict, *s.value);
            next.push_back(Partial{std::move(dict), std::move(*t)});
          }
        }
        partials = std::move(next);
      } else if (k != Kind::kComment) {
        eval(c);  // comprehension parts
        for (Partial& p : partials) p.dict->complete = false;
      }
    }
    Alts out;
    for (Partial& p : partials) out.push_back(Alt{make(dict_value(std::move(p.dict), m_.location(n))), std::move(p.tags)});
    return out;
  }

  /// Argument combinations of a call, one per consistent choice of alternatives.
  std::vector<ArgumentSet> eval_arguments(ts::Node list) {
    std::vector<ArgumentSet> sets(1);
    sets[0].tags = path_;
    if (!list) return sets;
    for (uint32_t i = 0; i < list.named_child_count(); ++i) {
      ts::Node c = list.named_child(i);
      const Kind k = kind_of(c);
      if (k == Kind::kComment) continue;
      std::vector<ArgumentSet> next;
      if (k == Kind::kKeywordArgument) {
        std::string name(m_.text(field(c, Field::kName)));
        Alts values = eval(field(c, Field::kValue));
        for (const ArgumentSet& s : sets) {
          for (const Alt& v : values) {
            auto t = merge_tags(s.tags, v.tags);
            if (!t || next.size() >= kMaxAlts) continue;
            ArgumentSet copy = s;
            copy.tags = std::move(*t);
            copy.keywords.push_back(Argument{name, v.value, m_.location(c), {}});
            next.push_back(std::move(copy));
          }
        }
      } else if (k == Kind::kDictionarySplat) {
        ts::Node inner = c.named_child_count() ? c.named_child(0) : ts::Node();
        Alts sources = eval(inner);
        const std::string via = "**" + collapse_space(m_.text(inner));
        for (const ArgumentSet& s : sets) {
          for (const Alt& src : sources) {
            auto t = merge_tags(s.tags, src.tags);
            if (!t || next.size() >= kMaxAlts) continue;
            ArgumentSet copy = s;
            copy.tags = std::move(*t);
            if (src.value->kind == ValueKind::kDict && src.value->dict) {
              for (const DictEntry& e : src.value->dict->entries) {
                copy.keywords.push_back(Argument{e.key, e.value, e.where, via});
              }
              for (const ValuePtr& p : src.value->dict->pending) copy.keywords.push_back(Argument{"**", p, m_.location(c), via});
              if (!src.value->dict->complete) copy.complete = false;
            } else if (src.value->kind == ValueKind::kSymbol) {
              // Another module's dict: expanded when the project is resolved.
              copy.keywords.push_back(Argument{"**", src.value, m_.location(c), via});
            } else {
              copy.complete = false;
            }
            next.push_back(std::move(copy));
          }
        }
      } else if (k == Kind::kListSplat) {
        ts::Node inner = c.named_child_count() ? c.named_child(0) : ts::Node();
        Alts sources = eval(inner);
        for (const ArgumentSet& s : sets) {
          for (const Alt& src : sources) {
            auto t = merge_tags(s.tags, src.tags);
            if (!t || next.size() >= kMaxAlts) continue;
            ArgumentSet copy = s;
            copy.tags = std::move(*t);
            if (src.value->kind == ValueKind::kList) {
              for (const ValuePtr& item : src.value->items) {
                copy.positional.push_back(Argument{{}, item, m_.location(c), {}});
              }
            } else {
              copy.complete = false;
            }
            next.push_back(std::move(copy));
          }
        }
      } else {
        Alts values = eval(c);
        for (const ArgumentSet& s : sets) {
          for (const Alt& v : values) {
            auto t = merge_tags(s.tags, v.tags);
            if (!t || next.size() >= kMaxAlts) continue;
            ArgumentSet copy = s;
            copy.tags = std::move(*t);
            copy.positional.push_back(Argument{{}, v.value, m_.location(c), {}});
            next.push_back(std::move(copy));
          }
        }
      }
      if (!next.empty()) sets = std::move(next);
    }
    return sets;
  }

  Alts eval_call(ts::Node n) {
    const std::string_view assigned_to = assigned_to_;
    assigned_to_ = {};
    const bool awaited = awaited_;
    awaited_ = false;
    ts::Node callee_node = field(n, Field::kFunction);
    ts::Node receiver_node;
    std::string method;
    Alts receivers;
    Alts callees;
    if (kind_of(callee_node) == Kind::kAttribute) {
      receiver_node = field(callee_node, Field::kObject);
      method = std::string(m_.text(field(callee_node, Field::kAttribute)));
      receivers = eval(receiver_node);
      for (const Alt& r : receivers) {
        Value v = r.value->kind == ValueKind::kSymbol
                      ? Value::symbol(r.value->text + "." + method, m_.location(callee_node))
                      : Value::unknown(m_.location(callee_node), collapse_space(m_.text(callee_node)));
        callees.push_back(Alt{make(std::move(v)), r.tags});
      }
    } else {
      callees = eval(callee_node);
    }
    ts::Node arg_list = field(n, Field::kArguments);
    if (kind_of(arg_list) != Kind::kArgumentList) {
      eval(arg_list);  // a generator expression argument
      arg_list = ts::Node();
    }
    // Dict methods on a name mutate what the name holds.
    if (!method.empty() && kind_of(receiver_node) == Kind::kIdentifier && !receivers.empty() &&
        receivers[0].value->kind == ValueKind::kDict) {
      if (auto result = dict_method(std::string(m_.text(receiver_node)), method, arg_list, n)) {
        return *result;
      }
    }
    std::vector<ArgumentSet> sets = eval_arguments(arg_list);
    Alts out;
    for (size_t ci = 0; ci < callees.size(); ++ci) {
      Alt callee = callees[ci];
      if (callee.value->kind == ValueKind::kObject && callee.value->text == "functools.partial" &&
          !callee.value->items.empty()) {
        // partial(create_engine, poolclass=NullPool)(url, pool_size=5): the bound arguments come first.
        const Value& bound = *callee.value;
        for (ArgumentSet& s : sets) {
          ArgumentSet merged;
          merged.tags = s.tags;
          merged.complete = s.complete && bound.boolean;
          for (size_t i = 1; i < bound.items.size(); ++i) merged.positional.push_back(Argument{{}, bound.items[i], bound.origin, {}});
          for (Argument& a : s.positional) merged.positional.push_back(std::move(a));
          if (bound.dict) {
            for (const DictEntry& e : bound.dict->entries) merged.keywords.push_back(Argument{e.key, e.value, e.where, {}});
          }
          for (Argument& a : s.keywords) merged.keywords.push_back(std::move(a));
          s = std::move(merged);
        }
        callee = Alt{bound.items[0], callee.tags};
      }
      const Value* receiver = ci < receivers.size() ? receivers[ci].value.get() : nullptr;
      if (callee.value->is_symbol("os.getenv") || callee.value->is_symbol("os.environ.get")) {
        // An environment value is unknown; its default is what runs when the variable is unset.
        for (const ArgumentSet& s : sets) {
          const Argument* name = s.get("key", 0);
          const Argument* fallback = s.get("default", 1);
          if (fallback) {
            Value v = *fallback->value;
            v.overridable = true;
            out.push_back(Alt{make(std::move(v)), s.tags});
          } else {
            std::string what = "environment variable";
            if (name && name->value->kind == ValueKind::kString) what += " " + name->value->text;
            out.push_back(Alt{make(Value::unknown(m_.location(n), what)), s.tags});
          }
        }
        continue;
      }
      if (callee.value->is_symbol("builtins.dict")) {
        for (const ArgumentSet& s : sets) out.push_back(Alt{make(dict_from_call(s, n)), s.tags});
        continue;
      }
      for (const ArgumentSet& s : sets) {
        auto tags = merge_tags(s.tags, callee.tags);
        if (!tags) continue;
        std::optional<Value> result;
        if (observer_) {
          CallSite site{m_, n, callee_node, *callee.value, receiver, method, s, scope_, assigned_to, awaited,
                        wrapper_call_};
          result = observer_->on_call(site);
        }
        if (!result && callee.value->kind == ValueKind::kFunction) result = inline_wrapper(*callee.value, s, n);
        if (!result) result = call_result(*callee.value, s, n, callee_node);
        out.push_back(Alt{make(std::move(*result)), std::move(*tags)});
      }
    }
    dedupe(out);
    return out;
  }

  /// A project function that forwards `**kwargs` to an engine factory counts as a factory at its
  /// call sites (one level): its body runs again with the call's arguments bound.
  std::optional<Value> inline_wrapper(const Value& callee, const ArgumentSet& call_args, ts::Node call) {
    if (wrapper_call_ || callee.object_id < 0) return std::nullopt;
    const auto index = static_cast<size_t>(callee.object_id);
    if (index >= m_.functions_.size()) return std::nullopt;
    const FunctionInfo& f = m_.functions_[index];
    if (f.kwargs_parameter.empty() || f.is_generator || !f.class_name.empty()) return std::nullopt;
    const std::string_view body_text = m_.text(f.node);
    if (body_text.find("engine") == std::string_view::npos) return std::nullopt;  // cheap relevance test
    Env local;
    for (const Env* e = env_; e; e = e->parent) {
      if (!e->parent) local.parent = e;  // the module scope: wrappers are module-level functions
    }
    auto bind_local = [&](const std::string& name, Alts alts) {
      local.names[name] = std::move(alts);
      local.order.push_back(name);
    };
    for (size_t i = 0; i < f.parameters.size(); ++i) {
      const Argument* a = call_args.get(f.parameters[i], i);
      bind_local(f.parameters[i], single(a ? *a->value : Value::unknown(f.where, "parameter " + f.parameters[i])));
    }
    auto extra = std::make_shared<DictValue>();
    extra->complete = call_args.complete;
    for (const Argument& k : call_args.keywords) {
      if (std::find(f.parameters.begin(), f.parameters.end(), k.name) != f.parameters.end()) continue;
      if (k.name == "**") merge_into(*extra, *k.value);
      else set_entry(*extra, k.name, k.value, k.where);
    }
    bind_local(f.kwargs_parameter, single(dict_value(std::move(extra), m_.location(call))));
    if (!f.args_parameter.empty()) bind_local(f.args_parameter, single(Value::unknown(f.where, "parameter " + f.args_parameter)));
    // Run the body as run_function does, remembering the outer call for the observer.
    Env* saved_env = env_;
    auto saved_journal = std::move(journal_);
    journal_.clear();
    Tags saved_path = path_;
    const bool saved_dead = dead_;
    const Scope saved_scope = scope_;
    const size_t saved_pending = pending_.size();
    Alts saved_returns = std::move(m_.functions_[index].returns);
    m_.functions_[index].returns.clear();
    dead_ = false;
    scope_ = Scope{static_cast<int>(index), -1, 0};
    env_ = &local;
    wrapper_call_ = call;
    exec_block(field(f.node, Field::kBody));
    wrapper_call_ = ts::Node();
    env_ = saved_env;
    journal_ = std::move(saved_journal);
    path_ = std::move(saved_path);
    dead_ = saved_dead;
    scope_ = saved_scope;
    pending_.resize(saved_pending);
    Alts returns = std::move(m_.functions_[index].returns);
    m_.functions_[index].returns = std::move(saved_returns);
    if (returns.size() == 1) return *returns[0].value;
    return std::nullopt;
  }

  /// What a call gives when no observer knows the callee.
  Value call_result(const Value& callee, const ArgumentSet& s, ts::Node n, ts::Node callee_node) {
    const core::Location where = m_.location(n);
    if (callee.kind == ValueKind::kSymbol && callee.text == "functools.partial" && s.at(0)) {
      Value v;
      v.kind = ValueKind::kObject;
      v.text = "functools.partial";
      v.origin = where;
      v.boolean = s.complete;  // the bound arguments are all known
      for (const Argument& a : s.positional) v.items.push_back(a.value);
      auto bound = std::make_shared<DictValue>();
      for (const Argument& k : s.keywords) {
        if (k.name == "**") v.boolean = false;
        else bound->entries.push_back(DictEntry{k.name, k.value, k.where});
      }
      v.dict = std::move(bound);
      return v;
    }
    if (callee.kind == ValueKind::kFunction && !m_.name_.empty()) {
      // A function of this module: its result is looked up in the module's exports ("f()").
      return Value::symbol(m_.name_ + "." + callee.text + "()", where);
    }
    if (callee.kind != ValueKind::kSymbol) {
      return Value::unknown(where, "call of " + collapse_space(m_.text(callee_node)));
    }
    const std::string& name = callee.text;
    const std::string_view last = core::last_component(name);
    // Field defaults of settings classes: pydantic Field(default=...), dataclasses.field(default=...).
    if ((last == "Field" && (name.rfind("pydantic", 0) == 0 || name.rfind("sqlmodel", 0) == 0)) ||
        name == "dataclasses.field") {
      const Argument* d = s.find("default");
      if (!d && last == "Field") d = s.at(0);
      if (d && d->value->kind != ValueKind::kUnknown && !(d->value->kind == ValueKind::kSymbol && d->value->text == "builtins.Ellipsis")) {
        return *d->value;
      }
      return Value::unknown(where, "field without a default");
    }
    if (name == "builtins.int" || name == "builtins.str" || name == "builtins.bool") {
      const Argument* a = s.at(0);
      if (a && s.positional.size() == 1 && s.keywords.empty()) {
        const Value& v = *a->value;
        if (name == "builtins.int" && v.kind == ValueKind::kInt) return v;
        if (name == "builtins.int" && v.kind == ValueKind::kString && !v.partial) {
          int64_t out = 0;
          auto [p, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), out);
          if (ec == std::errc() && p == v.text.data() + v.text.size()) return Value::of_int(out, v.origin);
        }
        if (name == "builtins.str" && v.kind == ValueKind::kString) return v;
        if (name == "builtins.bool" && v.kind == ValueKind::kBool) return v;
      }
      return Value::unknown(where, "call of " + name);
    }
    if (name.rfind("builtins.", 0) == 0) return Value::unknown(where, "call of " + name);
    // A call of an imported or project name: resolved later against the project's modules.
    return Value::symbol(name + "()", where);
  }

  Value dict_from_call(const ArgumentSet& s, ts::Node n) {
    auto dict = std::make_shared<DictValue>();
    if (!s.complete) dict->complete = false;
    if (const Argument* first = s.at(0)) merge_into(*dict, *first->value);
    if (s.positional.size() > 1) dict->complete = false;
    for (const Argument& k : s.keywords) {
      if (k.name == "**") merge_into(*dict, *k.value);
      else set_entry(*dict, k.name, k.value, k.where);
    }
    return dict_value(std::move(dict), m_.location(n));
  }

  std::optional<Alts> dict_method(const std::string& name, const std::string& method, ts::Node arg_list,
                                  ts::Node call) {
    if (method != "update" && method != "setdefault" && method != "pop" && method != "clear" &&
        method != "copy" && method != "get") {
      return std::nullopt;
    }
    std::vector<ArgumentSet> sets = eval_arguments(arg_list);
    const Alts* dicts = lookup(name);
    if (!dicts) return std::nullopt;
    Alts updated;
    Alts results;
    for (const Alt& d : *dicts) {
      for (const ArgumentSet& s : sets) {
        auto tags = merge_tags(d.tags, s.tags);
        if (!tags) continue;
        if (d.value->kind != ValueKind::kDict) {
          updated.push_back(Alt{d.value, *tags});
          results.push_back(Alt{make(Value::unknown(m_.location(call))), *tags});
          continue;
        }
        auto dict = std::make_shared<DictValue>(*d.value->dict);
        Value result = Value::none(m_.location(call));
        const Argument* key = s.at(0);
        const bool known_key = key && key->value->kind == ValueKind::kString && !key->value->partial;
        if (method == "update") {
          if (key) merge_into(*dict, *key->value);
          for (const Argument& k : s.keywords) {
            if (k.name == "**") merge_into(*dict, *k.value);
            else set_entry(*dict, k.name, k.value, k.where);
          }
          if (!s.complete) dict->complete = false;
        } else if (method == "setdefault") {
          if (known_key) {
            if (const DictEntry* e = dict->find(key->value->text)) {
              result = *e->value;
            } else {
              ValuePtr v = s.at(1) ? s.at(1)->value : make(Value::none(m_.location(call)));
              set_entry(*dict, key->value->text, v, m_.location(call));
              result = *v;
            }
          } else {
            dict->complete = false;
            result = Value::unknown(m_.location(call));
          }
        } else if (method == "pop") {
          if (known_key) {
            const DictEntry* e = dict->find(key->value->text);
            result = e ? *e->value : (s.at(1) ? *s.at(1)->value : Value::unknown(m_.location(call)));
            remove_entry(*dict, key->value->text);
          } else {
            dict->complete = false;
            result = Value::unknown(m_.location(call));
          }
        } else if (method == "clear") {
          dict = std::make_shared<DictValue>();
        } else if (method == "copy") {
          result = *d.value;
        } else if (method == "get") {
          const DictEntry* e = known_key ? dict->find(key->value->text) : nullptr;
          if (e) result = *e->value;
          else if (known_key && dict->complete && dict->pending.empty()) result = s.at(1) ? *s.at(1)->value : Value::none(m_.location(call));
          else result = Value::unknown(m_.location(call));
        }
        updated.push_back(Alt{make(dict_value(std::move(dict), d.value->origin)), *tags});
        results.push_back(Alt{make(std::move(result)), std::move(*tags)});
      }
    }
    if (method != "copy" && method != "get") bind(name, std::move(updated));
    dedupe(results);
    return results;
  }

  Module& m_;
  CallObserver* observer_;
  bool is_package_;
  Env* env_ = nullptr;
  std::vector<JournalFrame> journal_;
  Tags path_;
  bool dead_ = false;
  Scope scope_;
  std::unordered_map<std::string, uint32_t> condition_ids_;
  std::string_view assigned_to_;
  bool awaited_ = false;
  int expr_depth_ = 0;
  int stmt_depth_ = 0;
  std::vector<int> pending_;
  std::vector<std::string> star_modules_;
  ts::Node wrapper_call_;  // the call site of a wrapper being analysed (inline_wrapper)
};

std::unique_ptr<Module> Module::analyze(const core::SourceFile& source, ts::Node root,
                                        std::string module_name, bool is_package,
                                        CallObserver* observer) {
  std::unique_ptr<Module> module(new Module(source));
  module->name_ = std::move(module_name);
  Interpreter interpreter(*module, observer, is_package);
  interpreter.run(root);
  return module;
}

}  // namespace py
