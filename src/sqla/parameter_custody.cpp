// Custody of a session given to a call: whether the callee keeps or closes it (handed over) or
// only borrows it (lent), following this module's functions and classes, and recording another
// module's callee as a Handover for the project phase (facts: a session passed to a callee is
// only lent unless the callee provably closes or keeps it).
#include <algorithm>
#include <cctype>
#include <vector>

#include "sqla/session_analysis.h"

namespace sqla {
using namespace session_analysis;  // NOLINT(google-build-using-namespace): this concern's helpers

namespace {

/// Methods that keep their argument: a container (`sessions.append(db)`), or an exit stack that
/// closes it (`stack.enter_context(conn)`).
bool keeps_argument(std::string_view method) {
  for (std::string_view keep : {"append", "appendleft", "add", "extend", "insert", "put", "put_nowait", "push",
                                "setdefault", "enter_context", "enter_async_context", "register"}) {
    if (method == keep) return true;
  }
  return false;
}

/// A callee resolved in this module: a function (or a class's __init__), or another module's name.
struct Callee {
  const py::FunctionInfo* function = nullptr;
  int offset = 0;      ///< parameters before the first argument (`self` of a method or __init__)
  std::string symbol;  ///< "app.services.close_it", to confirm at project phase
  bool type = false;   ///< named in CapWords: a class, whose instance may keep the argument
  /// A class of this module with no __init__ of its own: a dataclass / pydantic model / NamedTuple
  /// (whose generated __init__ keeps every field) or an inherited __init__ that cannot be followed.
  bool generated_init = false;
};

}  // namespace

namespace session_analysis {

const py::FunctionInfo* module_function(const py::Module& m, std::string_view qualified) {
  return m.top_level_function(qualified);  // the last definition wins
}

/// The one project symbol a module-level name holds (an import from the project), or "".
std::string imported_symbol(const py::Module& m, std::string_view name) {
  const py::Alts* alts = m.global(name);
  if (!alts || alts->size() != 1) return "";
  const py::Value& v = *(*alts)[0].value;
  if (v.kind != ValueKind::kSymbol || is_library(v.text) || v.text.starts_with("builtins.") ||
      v.text.find("()") != std::string::npos || v.text.find('.') == std::string::npos) {
    return "";
  }
  return v.text;
}

}  // namespace session_analysis

namespace {

Callee resolve_callee(const py::Module& m, ts::Node call, const py::FunctionInfo* caller) {
  Callee out;
  const ts::Node fn = py::field(call, Field::kFunction);
  if (!fn) return out;
  const std::string_view last = last_component(m.text(fn));
  out.type = !last.empty() && std::isupper(static_cast<unsigned char>(last[0]));
  if (kind_of(fn) == Kind::kIdentifier) {
    const std::string_view name = m.text(fn);
    if ((out.function = module_function(m, name))) return out;
    const bool local_class = std::any_of(m.classes().begin(), m.classes().end(),
                                         [&](const py::ClassInfo& c) { return c.name == name; });
    if (local_class) {
      out.function = module_function(m, std::string(name) + ".__init__");
      out.offset = 1;
      out.generated_init = !out.function;
      return out;
    }
    out.symbol = imported_symbol(m, name);
    return out;
  }
  if (kind_of(fn) != Kind::kAttribute) return out;
  const ts::Node object = py::field(fn, Field::kObject);
  if (!object || kind_of(object) != Kind::kIdentifier) return out;
  const std::string_view receiver = m.text(object);
  if ((receiver == "self" || receiver == "cls") && caller && !caller->class_name.empty()) {
    out.function = module_function(m, caller->class_name + "." + std::string(last));
    out.offset = 1;
    return out;
  }
  if (std::string module = imported_symbol(m, receiver); !module.empty()) out.symbol = module + "." + std::string(last);
  return out;
}

/// Where an argument sits in its call: a position among the positional arguments, or a keyword.
struct Slot {
  bool known = false;
  int position = -1;
  std::string keyword;
};

Slot slot_of(const py::Module& m, ts::Node call, ts::Node argument) {
  Slot out;
  if (!argument) return out;
  if (kind_of(argument) == Kind::kKeywordArgument) {
    out.keyword = std::string(m.text(py::field(argument, Field::kName)));
    out.known = !out.keyword.empty();
    return out;
  }
  const ts::Node args = py::field(call, Field::kArguments);
  int position = 0;
  for (uint32_t i = 0; args && i < args.named_child_count(); ++i) {
    const ts::Node a = args.named_child(i);
    if (a == argument) {
      out.known = true;
      out.position = position;
      return out;
    }
    const Kind k = kind_of(a);
    if (k == Kind::kListSplat || k == Kind::kDictionarySplat) return out;  // positions unknown after `*x`
    if (k != Kind::kKeywordArgument && k != Kind::kComment) ++position;
  }
  return out;
}

std::string_view parameter_for(const py::FunctionInfo& f, const Slot& slot, int offset) {
  if (!slot.keyword.empty()) {
    return std::find(f.parameters.begin(), f.parameters.end(), slot.keyword) != f.parameters.end()
               ? std::string_view(slot.keyword)
               : std::string_view();
  }
  const size_t at = static_cast<size_t>(offset + slot.position);
  return slot.position >= 0 && at < f.parameters.size() ? std::string_view(f.parameters[at]) : std::string_view();
}

/// True when the call's value leaves the function (returned, or kept on an attribute or in a container).
bool result_escapes(ts::Node call) {
  const ts::Node expr = outer_expression(call);
  const ts::Node p = expr.parent();
  if (!p) return false;
  if (kind_of(p) == Kind::kReturnStatement) return true;
  return kind_of(p) == Kind::kAssignment && py::field(p, Field::kRight) == expr &&
         kind_of(py::field(p, Field::kLeft)) != Kind::kIdentifier;
}


}  // namespace

namespace session_analysis {

/// Whether giving the object to `pass.call` hands it over: the callee keeps it (a container, an
/// exit stack, `setattr`), or is a function of this module that closes or keeps that parameter, or
/// a class whose instance leaves the function with it. Another module's function is recorded in
/// `pending` for the project phase. Any other callee (a library call such as
/// `MigrationContext.configure(conn)`, a service taking `db_session=`) only borrows it.
bool hands_over(const py::Module& m, const Occurrences::Pass& pass, const py::FunctionInfo* caller, int depth,
                std::vector<Handover>* pending) {
  const ts::Node fn = py::field(pass.call, Field::kFunction);
  if (!fn) return false;
  const std::string_view last = last_component(m.text(fn));
  if ((kind_of(fn) == Kind::kAttribute && keeps_argument(last)) || last == "setattr") return true;
  const Slot slot = slot_of(m, pass.call, pass.argument);
  const Callee callee = resolve_callee(m, pass.call, caller);
  if (callee.generated_init) return true;
  if (callee.function) {
    const std::string_view parameter = parameter_for(*callee.function, slot, callee.offset);
    if (slot.known && !parameter.empty() && depth < 3 && keeps_or_closes(m, *callee.function, parameter, depth + 1)) {
      return true;
    }
    return false;
  }
  if (!callee.symbol.empty() && slot.known && pending) {
    pending->push_back(Handover{callee.symbol, slot.position, slot.keyword});
  }
  // `return Repository(db)` / `self.repo = Repository(db)`: the instance may keep the session.
  return callee.type && result_escapes(pass.call);
}

/// keeps_or_closes over the occurrences of the parameter in the function's body, found by the caller.
bool keeps_or_closes_at(const py::Module& m, const py::FunctionInfo& f, ts::Node body,
                        const std::vector<ts::Node>& occurrences, int depth) {
  Occurrences o;
  for (ts::Node id : occurrences) classify_occurrence(m, id, body, o);
  if (o.stored || o.with || o.closing || o.teardown) return true;
  if (std::any_of(o.closes.begin(), o.closes.end(), [](const Occurrences::Close& c) { return !c.in_except; })) return true;
  return std::any_of(o.passes.begin(), o.passes.end(),
                     [&](const Occurrences::Pass& p) { return hands_over(m, p, &f, depth, nullptr); });
}

bool keeps_or_closes(const py::Module& m, const py::FunctionInfo& f, std::string_view parameter, int depth) {
  const ts::Node body = py::field(f.node, Field::kBody);
  if (!body) return false;
  return keeps_or_closes_at(m, f, body, identifiers(m, body, parameter), depth);
}

const py::FunctionInfo* function_at(const py::Module& m, int function) {
  return function >= 0 && static_cast<size_t>(function) < m.functions().size()
             ? &m.functions()[static_cast<size_t>(function)]
             : nullptr;
}

}  // namespace session_analysis

void collect_parameter_custody(const py::Module& m, std::vector<ParameterCustody>& out) {
  // A class with no __init__ of its own keeps what it is given (a generated or inherited __init__).
  for (const py::ClassInfo& c : m.classes()) {
    if (!module_function(m, c.name + ".__init__")) out.push_back(ParameterCustody{c.name + ".__init__", "*", -1});
  }
  for (const py::FunctionInfo& f : m.functions()) {
    if (f.parent_function >= 0) continue;
    const ts::Node body = py::field(f.node, Field::kBody);
    if (!body) continue;
    // The occurrences of every parameter, in one walk of the body (a walk per parameter multiplied
    // the body's size by the number of parameters).
    std::vector<std::pair<std::string_view, std::vector<ts::Node>>> occurrences;
    for (const std::string& p : f.parameters) {
      if (p == "self" || p == "cls") continue;
      if (std::none_of(occurrences.begin(), occurrences.end(), [&](const auto& o) { return o.first == p; }))
        occurrences.emplace_back(p, std::vector<ts::Node>());
    }
    if (occurrences.empty()) continue;
    ts::walk_preorder(body, [&](ts::Node node) {
      if (kind_of(node) != Kind::kIdentifier) return true;
      const std::string_view name = m.text(node);
      for (auto& [parameter, nodes] : occurrences) {
        if (parameter == name) nodes.push_back(node);
      }
      return true;
    });
    for (size_t i = 0; i < f.parameters.size(); ++i) {
      const std::string& p = f.parameters[i];
      if (p == "self" || p == "cls") continue;
      const auto found = std::find_if(occurrences.begin(), occurrences.end(), [&](const auto& o) { return o.first == p; });
      if (keeps_or_closes_at(m, f, body, found->second, 1))
        out.push_back(ParameterCustody{f.qualified_name, p, static_cast<int>(i)});
    }
  }
}

}  // namespace sqla
