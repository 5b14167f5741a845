#include "sqla/facts.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

#include "core/text.h"
#include "py/grammar.h"
#include "sqla/cli_commands.h"
#include "sqla/deployment.h"
#include "sqla/deployment/start_method.h"
#include "sqla/engine_uses.h"
#include "sqla/roles.h"
#include "sqla/sessions.h"
#include "sqla/threads.h"
#include "sqla/web.h"

namespace sqla {
namespace {

using core::last_component;
using py::ValueKind;

/// The argument list of a call node, parentheses included (EngineSite::arguments).
core::TextSpan argument_list_span(const py::Module& module, ts::Node call) {
  const ts::Node list = py::field(call, py::Field::kArguments);
  if (py::kind_of(list) != py::Kind::kArgumentList) return {};
  return module.source().span(list.start_byte(), list.end_byte());
}

bool is_session_factory(std::string_view qualified) {
  if (qualified.rfind("sqlalchemy.", 0) != 0 && qualified.rfind("sqlmodel.", 0) != 0) return false;
  const std::string_view last = last_component(qualified);
  return last == "sessionmaker" || last == "async_sessionmaker" || last == "scoped_session" ||
         last == "async_scoped_session";
}

/// The values a module exports to others (see ModuleExports).
ModuleExports exports_of(const py::Module& module) {
  ModuleExports out;
  auto known = [](const py::Alts& alts) {
    return std::any_of(alts.begin(), alts.end(), [](const py::Alt& a) { return !a.value->is_unknown(); });
  };
  for (const auto& [name, alts] : module.globals()) {
    if (known(alts)) out.names.emplace(name, alts);
  }
  // What a call gives: every `return`, and None when the end of the body is reachable.
  auto results_of = [](const py::FunctionInfo& f) {
    py::Alts results = f.returns;
    if (f.falls_through && !results.empty()) {
      results.push_back(py::Alt{std::make_shared<const py::Value>(py::Value::none(f.where)), {}});
    }
    return results;
  };
  // A property is read as an attribute: its value is what its body returns.
  auto attribute_values = [&](const py::Alts& alts) {
    if (alts.size() != 1 || alts[0].value->kind != ValueKind::kFunction || alts[0].value->object_id < 0) return alts;
    const auto index = static_cast<size_t>(alts[0].value->object_id);
    if (index >= module.functions().size() || !module.functions()[index].is_property) return alts;
    return results_of(module.functions()[index]);
  };
  const std::string prefix = module.name().empty() ? "" : module.name() + ".";
  // Fields of pydantic settings classes are read from the environment: their defaults are
  // overridable (a base class of the same module counts too).
  auto is_settings = [&](const py::ClassInfo& c) {
    for (const py::Value& base : c.bases) {
      if (base.kind != ValueKind::kSymbol) continue;
      if (base.text.size() >= 12 && base.text.compare(base.text.size() - 12, 12, "BaseSettings") == 0) return true;
    }
    return false;
  };
  std::unordered_set<std::string> settings_classes;
  for (const py::ClassInfo& c : module.classes()) {
    if (is_settings(c)) settings_classes.insert(c.name);
  }
  for (const py::ClassInfo& c : module.classes()) {
    for (const py::Value& base : c.bases) {
      if (base.kind == ValueKind::kSymbol && base.text.rfind(prefix, 0) == 0 &&
          settings_classes.count(base.text.substr(prefix.size()))) {
        settings_classes.insert(c.name);
      }
    }
  }
  for (const py::ClassInfo& c : module.classes()) {
    out.classes.insert(c.name);
    const bool settings = settings_classes.count(c.name) > 0;
    for (const auto& [attr, class_alts] : c.attributes) {
      py::Alts values = attribute_values(class_alts);
      if (!known(values)) continue;
      if (settings) {
        for (py::Alt& a : values) {
          py::Value v = *a.value;
          v.overridable = true;
          a.value = std::make_shared<const py::Value>(std::move(v));
        }
      }
      out.names.emplace(c.name + "." + attr, std::move(values));
    }
  }
  // Attributes inherited from a base class of the same module (a settings base class).
  for (const py::ClassInfo& c : module.classes()) {
    for (const py::Value& base : c.bases) {
      if (base.kind != ValueKind::kSymbol || base.text.rfind(prefix, 0) != 0) continue;
      const std::string base_name = base.text.substr(prefix.size());
      for (const py::ClassInfo& b : module.classes()) {
        if (b.name != base_name) continue;
        for (const auto& [attr, alts] : b.attributes) {
          py::Alts values = attribute_values(alts);
          if (known(values)) out.names.emplace(c.name + "." + attr, std::move(values));  // emplace keeps overrides
        }
      }
    }
  }
  for (const py::FunctionInfo& f : module.functions()) {
    if (f.parent_function < 0 && f.class_name.empty() && known(f.returns)) out.names.emplace(f.name + "()", results_of(f));
  }
  return out;
}

class FactsBuilder : public py::CallObserver {
 public:
  // No ProjectContext here: a file's facts depend on the project only through its role path (the
  // facts cache keys entries on exactly that, app/facts_cache.cpp).
  FactsBuilder(FileFacts& facts, const std::vector<Wrapper>* wrappers) : facts_(facts), wrappers_(wrappers) {}

  std::optional<py::Value> on_call(const py::CallSite& call) override {
    const py::Value& callee = call.callee;
    const std::string function = call.scope.function >= 0
                                     ? call.module.functions()[static_cast<size_t>(call.scope.function)].qualified_name
                                     : std::string();
    web_.on_call(call, facts_);
    threads_.on_call(call, facts_);
    if (callee.kind == ValueKind::kSymbol) {
      if (auto factory = factory_from_symbol(callee.text)) return engine_call(call, *factory, function);
      if (const Wrapper* w = find_wrapper(callee.text)) return wrapper_call(call, *w, function);
      if (auto pool = pool_from_symbol(callee.text)) {
        py::Value v;
        v.kind = ValueKind::kObject;
        v.text = callee.text;
        v.origin = call.module.location(call.node);
        return v;
      }
      const std::string_view last = last_component(callee.text);
      if (last == "AsyncEngine" && callee.text.rfind("sqlalchemy.", 0) == 0) {
        // The old Alembic async template: AsyncEngine(engine_from_config(...)).
        if (const py::Argument* inner = call.args.at(0)) {
          if (inner->value->kind == ValueKind::kObject && inner->value->object_id >= 0 &&
              static_cast<size_t>(inner->value->object_id) < facts_.engines.size()) {
            EngineSite& inner_site = facts_.engines[static_cast<size_t>(inner->value->object_id)];
            inner_site.wrapped_async = true;
            // `connectable = AsyncEngine(engine_from_config(...))`: the wrapper's name is the engine's.
            if (inner_site.assigned_to.empty()) inner_site.assigned_to = std::string(call.assigned_to);
            return *inner->value;
          }
        }
      }
      if (is_session_factory(callee.text)) {
        if (seen_session_calls_.insert(call.node.start_byte()).second) {
          SessionFactorySite site;
          site.where = call.module.location(call.node);
          site.callee = std::string(call.module.text(call.callee_node));
          site.assigned_to = std::string(call.assigned_to);
          site.function = function;
          site.scoped = last_component(callee.text).find("scoped_session") != std::string_view::npos;
          if (const py::Argument* bind = call.args.find("bind")) site.bind = bind->value->render();
          else if (const py::Argument* first = call.args.at(0)) site.bind = first->value->render();
          facts_.session_factories.push_back(std::move(site));
        }
      }
      if (callee.text == "alembic.command.upgrade" || callee.text == "alembic.command.downgrade") {
        if (!facts_.is_alembic_env) facts_.migration_runs.push_back(call.module.location(call.node));
      }
    }
    if (!call.method.empty() && is_config_object(call)) {
      if (call.method == "update") {
        for (const py::Argument& k : call.args.keywords) flask_write(call.module, k.name, k.value, k.where, call.args.tags);
        if (const py::Argument* first = call.args.at(0); first && first->value->kind == ValueKind::kDict) {
          for (const py::DictEntry& e : first->value->dict->entries) flask_write(call.module, e.key, e.value, e.where, call.args.tags);
        }
      } else if (call.method == "from_object") {
        if (const py::Argument* first = call.args.at(0)) {
          py::ValuePtr v = first->value;
          if (v->kind == ValueKind::kString && !v->partial) {
            v = std::make_shared<const py::Value>(py::Value::symbol(v->text, v->origin));  // "app.config.Prod"
          }
          facts_.flask_config_objects.push_back(v);
        }
      }
    }
    if (callee.kind == ValueKind::kSymbol && callee.text.rfind("flask_sqlalchemy", 0) == 0 &&
        last_component(callee.text) == "SQLAlchemy" && seen_extensions_.insert(call.node.start_byte()).second) {
      FlaskExtensionSite site;
      site.where = call.module.location(call.node);
      site.callee = std::string(call.module.text(call.callee_node));
      if (const py::Argument* o = call.args.find("engine_options")) {
        site.engine_options = o->value;
        site.options_where = o->where;
      }
      facts_.flask_extensions.push_back(std::move(site));
    }
    if (auto creation = session_creation(call)) {
      if (seen_creations_.insert(call.node.start_byte()).second) {
        SessionUse use;
        use.where = call.module.location(call.node);
        use.connection = creation->connection;
        use.callee = std::string(call.module.text(call.callee_node));
        use.function = function;
        use.symbol = creation->symbol;
        use.confirmed = creation->symbol.empty();
        use.foreign_bind = creation->foreign_bind;
        use.unbound = creation->unbound;
        facts_.sessions.push_back(std::move(use));
        creations_.push_back({call.node, call.scope.function});
      }
    }
    if (callee.kind == ValueKind::kSymbol) autocommit(call);
    subclass_autocommit(call);
    if (callee.kind == ValueKind::kFunction && callee.object_id >= 0 && !seen_creations_.count(call.node.start_byte())) {
      helper_calls_.push_back({call.node, call.scope.function, callee.object_id});  // a session from a helper?
    }
    with_call(call);
    note_call(call, facts_.entry);
    observe_deployment_call(call, facts_);
    if (call.method == "dispose") {
      if (seen_dispose_.insert(call.node.start_byte()).second) {
        ts::Node callee_node = call.callee_node;
        ts::Node receiver = py::field(callee_node, py::Field::kObject);
        const py::Argument* close = call.args.find("close");
        facts_.disposals.push_back(DisposeCall{call.module.location(call.node),
                                               std::string(call.module.text(receiver)), call.awaited,
                                               function, close && close->value->kind == ValueKind::kBool &&
                                                             !close->value->boolean});
      }
    }
    // `mp.get_context("fork")`: a context value, so its pools know their start method.
    return multiprocessing_context(call);
  }

  void on_item_store(const py::Module& module, ts::Node statement, std::string_view object, const py::Value& key,
                     const py::ValuePtr& value, const py::Tags& tags) override {
    if (!ends_with_config(object) || key.kind != ValueKind::kString) return;
    flask_write(module, key.text, value, module.location(statement), tags);
  }

  void finish(const py::Module& module, ts::Node root) {
    facts_.exports = exports_of(module);
    classify_entry_points(module, root, facts_.path, facts_.entry);
    // `db = get_session()` where the helper returns a new Session: the caller owns it.
    for (const HelperCall& h : helper_calls_) {
      const py::FunctionInfo& helper = module.functions()[static_cast<size_t>(h.helper)];
      if (helper.is_generator || helper.returns.empty() || !seen_creations_.insert(h.node.start_byte()).second) continue;
      const bool sessions = std::all_of(helper.returns.begin(), helper.returns.end(), [](const py::Alt& a) {
        return a.value->kind == ValueKind::kSymbol && is_session_instance(a.value->text);
      });
      // `return Session(bind=connection)`: the caller's connection, as in the test-transaction recipe.
      const bool foreign = std::any_of(facts_.sessions.begin(), facts_.sessions.end(), [&](const SessionUse& u) {
        return u.foreign_bind && u.function == helper.qualified_name;
      });
      if (!sessions || foreign) continue;
      SessionUse use;
      use.where = module.location(h.node);
      use.callee = std::string(module.text(py::field(h.node, py::Field::kFunction)));
      use.function = h.function >= 0 ? module.functions()[static_cast<size_t>(h.function)].qualified_name : "";
      facts_.sessions.push_back(std::move(use));
      creations_.push_back({h.node, h.function});
    }
    // Session subclasses whose __init__ passes autocommit=True, at each use of the class.
    for (const ClassUse& use : class_uses_) {
      for (const auto& [class_index, where] : autocommit_classes_) {
        if (use.class_index != class_index) continue;
        const py::ClassInfo& c = module.classes()[static_cast<size_t>(class_index)];
        const bool session_subclass = std::any_of(c.bases.begin(), c.bases.end(), [](const py::Value& b) {
          return b.kind == ValueKind::kSymbol && is_session_instance(b.text + "()");
        });
        if (session_subclass) facts_.session_autocommit.push_back(SessionAutocommit{use.call, where, use.callee, c.name + ".__init__", use.branch, {}});
      }
    }
    // An engine made in a loop body is one per iteration unless it is kept (stored, passed on, returned).
    for (const LoopEngine& e : loop_engines_) {
      SessionUse probe;
      probe.callee = "create_engine";
      classify_release(module, e.node, e.function, probe);
      const Release r = probe.release;
      // An engine given to any call may be kept by it (engines are not handed over the way sessions are).
      facts_.engines[e.site].in_loop = r != Release::kStored && r != Release::kPassed && r != Release::kReturned &&
                                       r != Release::kTeardown && r != Release::kClosing && !probe.lent;
    }
    web_.finish(module, facts_);
    threads_.finish(module, facts_);
    // The ownership pass: the tree is alive here, the facts outlive it.
    for (size_t i = 0; i < creations_.size(); ++i) {
      classify_release(module, creations_[i].first, creations_[i].second, facts_.sessions[i]);
    }
    collect_parameter_custody(module, facts_.parameter_custody);
    collect_registry_references(module, root, facts_.registry_references);
    collect_engine_references(module, root, facts_.engine_references, facts_.star_imports);
    for (const py::FunctionInfo& f : module.functions()) {
      if (f.parent_function < 0 && f.class_name.empty() && f.is_generator && f.decorators.empty()) {
        facts_.plain_generators.emplace_back(f.name, f.is_async);
      }
    }
    for (auto& [index, function] : with_functions_) {
      const py::FunctionInfo& f = module.functions()[static_cast<size_t>(function)];
      WithCall& w = facts_.with_calls[index];
      w.plain_generator = f.is_generator && f.decorators.empty();
      w.async_generator = f.is_async;
      w.definition = f.where;
    }
  }

 private:
  /// Notes naming the branch conditions of a configuration.
  static std::vector<core::Note> branch_notes(const py::Module& module, const py::Tags& tags) {
    std::vector<core::Note> notes;
    for (const py::CondTag& tag : tags) {
      const py::Condition& c = module.condition(tag.id);
      notes.push_back(core::Note{c.where, std::string("configuration when `") + c.text + "` is " +
                                              (tag.taken ? "true" : "false")});
    }
    return notes;
  }

  /// The engine site anchored at `anchor` (one per call node), created by `make` on first sight.
  template <typename Make>
  size_t site_at(ts::Node anchor, Make&& make) {
    auto [it, inserted] = site_index_.try_emplace(anchor.start_byte(), facts_.engines.size());
    if (inserted) facts_.engines.push_back(make());
    return it->second;
  }

  /// What an engine call evaluates to: the engine object (object_id = its site).
  static py::Value engine_object(size_t index, Factory factory, core::Location where) {
    py::Value v;
    v.kind = ValueKind::kObject;
    v.text = is_async_factory(factory) ? "sqlalchemy.ext.asyncio.AsyncEngine" : "sqlalchemy.engine.Engine";
    v.object_id = static_cast<int>(index);
    v.origin = std::move(where);
    return v;
  }

  const Wrapper* find_wrapper(const std::string& symbol) const {
    if (!wrappers_ || symbol.rfind("@", 0) == 0) return nullptr;
    for (const Wrapper& w : *wrappers_) {
      // The import path may carry more leading packages than the module name (src/ layouts).
      if (symbol == w.qualified_name ||
          (symbol.size() > w.qualified_name.size() &&
           symbol.compare(symbol.size() - w.qualified_name.size(), w.qualified_name.size(), w.qualified_name) == 0 &&
           symbol[symbol.size() - w.qualified_name.size() - 1] == '.')) {
        return &w;
      }
    }
    return nullptr;
  }

  /// The wrapper's engine arguments with its parameters replaced by this call's arguments.
  py::Value wrapper_call(const py::CallSite& call, const Wrapper& w, const std::string& function) {
    const size_t index = site_at(call.node, [&] {
      EngineSite site;
      site.where = call.module.location(call.node);
      site.arguments = argument_list_span(call.module, call.node);
      site.factory = w.site.factory;
      site.callee = std::string(call.module.text(call.callee_node));
      site.assigned_to = std::string(call.assigned_to);
      site.function = function;
      site.through = w.name;
      site.wrapped_site = w.site.where;
      site.wrapped_async = w.site.wrapped_async;
      return site;
    });
    auto param_value = [&](const std::string& name) -> const py::Argument* {
      const auto& params = w.site.parameters;
      const auto pos = std::find(params.begin(), params.end(), name);
      if (pos == params.end()) return nullptr;
      return call.args.get(name, static_cast<size_t>(pos - params.begin()));
    };
    auto substitute = [&](const py::Argument& a, std::vector<py::Argument>& out, bool& complete) {
      const py::Value& v = *a.value;
      if (v.kind != ValueKind::kSymbol || v.text.rfind("@param.", 0) != 0) {
        out.push_back(a);
        return;
      }
      const std::string param = v.text.substr(7);
      if (a.name == "**" && param == w.site.kwargs_parameter) {
        // **kwargs: the call's keywords that are not named parameters.
        for (const py::Argument& k : call.args.keywords) {
          if (std::find(w.site.parameters.begin(), w.site.parameters.end(), k.name) == w.site.parameters.end()) {
            out.push_back(py::Argument{k.name, k.value, k.where, "**" + param, k.removal});
          }
        }
        if (!call.args.complete) complete = false;
        return;
      }
      if (const py::Argument* given = param_value(param)) {
        out.push_back(py::Argument{a.name, given->value, given->where, a.via, {}});
        return;
      }
      // Left out of a call whose arguments are all known: the parameter's default.
      const auto& params = w.site.parameters;
      const auto pos = static_cast<size_t>(std::find(params.begin(), params.end(), param) - params.begin());
      const bool all_known = call.args.complete && std::none_of(call.args.keywords.begin(), call.args.keywords.end(),
                                                                [](const py::Argument& k) { return k.name == "**"; });
      const py::ValuePtr fallback =
          all_known && pos < w.site.parameter_defaults.size() ? w.site.parameter_defaults[pos] : nullptr;
      if (fallback) {
        out.push_back(py::Argument{a.name, fallback, a.where, a.via, {}});
      } else {
        out.push_back(a);  // resolves to Unknown later
      }
    };
    auto& raws = facts_.engines[index].raw;
    for (const RawEngineCall& inner : w.site.raw) {
      RawEngineCall raw;
      raw.args.complete = inner.args.complete;
      raw.args.tags = call.args.tags;  // the wrapper's own condition ids belong to its module
      for (const py::Argument& a : inner.args.positional) substitute(a, raw.args.positional, raw.args.complete);
      for (const py::Argument& a : inner.args.keywords) substitute(a, raw.args.keywords, raw.args.complete);
      raw.branch = inner.branch;
      raw.branch_notes = inner.branch_notes;
      std::string here = call.module.describe(call.args.tags);
      if (!here.empty()) raw.branch = raw.branch.empty() ? here : raw.branch + " and " + here;
      for (core::Note& n : branch_notes(call.module, call.args.tags)) raw.branch_notes.push_back(std::move(n));
      if (raws.size() < 16) raws.push_back(std::move(raw));
    }
    return engine_object(index, w.site.factory, call.module.location(call.node));
  }

  static bool ends_with_config(std::string_view text) {
    return text == "config" || (text.size() > 7 && text.substr(text.size() - 7) == ".config");
  }

  static bool is_config_object(const py::CallSite& call) {
    return ends_with_config(call.module.text(py::field(call.callee_node, py::Field::kObject)));
  }

  void flask_write(const py::Module& module, const std::string& key, const py::ValuePtr& value,
                   const core::Location& where, const py::Tags& tags) {
    if (key.rfind("SQLALCHEMY_", 0) != 0) return;
    facts_.flask_config.push_back(FlaskConfigWrite{key, value, where, branch_notes(module, tags)});
  }

  py::Value engine_call(const py::CallSite& call, Factory factory, const std::string& function) {
    // Inside a wrapper analysed at its call site, the engine is the call site's.
    const bool wrapped = static_cast<bool>(call.wrapper_call);
    const ts::Node anchor = wrapped ? call.wrapper_call : call.node;
    const size_t index = site_at(anchor, [&] {
      EngineSite site;
      site.where = call.module.location(anchor);
      site.arguments = argument_list_span(call.module, anchor);
      site.factory = factory;
      site.callee = std::string(call.module.text(wrapped ? py::field(anchor, py::Field::kFunction) : call.callee_node));
      site.assigned_to = wrapped ? std::string() : std::string(call.assigned_to);
      site.function = wrapped ? std::string() : function;
      if (wrapped) {
        site.through = function;
        site.wrapped_site = call.module.location(call.node);
      }
      if (!wrapped && call.scope.function >= 0) {
        const py::FunctionInfo& f = call.module.functions()[static_cast<size_t>(call.scope.function)];
        if (f.parent_function < 0 && f.class_name.empty()) {
          site.parameters = f.parameters;
          site.parameter_defaults = f.defaults;
          site.kwargs_parameter = f.kwargs_parameter;
        }
      }
      return site;
    });
    if (!wrapped && call.scope.loop_depth > 0 && call.scope.function >= 0 && seen_loop_engines_.insert(index).second) {
      loop_engines_.push_back({call.node, call.scope.function, index});
    }
    RawEngineCall raw;
    raw.args = call.args;
    raw.branch = call.module.describe(call.args.tags);
    raw.branch_notes = branch_notes(call.module, call.args.tags);
    auto& raws = facts_.engines[index].raw;
    if (raws.size() < 16) raws.push_back(std::move(raw));
    return engine_object(index, factory, call.module.location(call.node));
  }

  /// `autocommit=True` for sessionmaker / Session / a sessionmaker instance (removed in 2.0).
  void autocommit(const py::CallSite& call) {
    const std::string& s = call.callee.text;
    if (s.rfind("sqlalchemy.", 0) != 0 && s.rfind("sqlmodel.", 0) != 0) return;
    const std::string_view last = last_component(s);
    if (last != "sessionmaker" && last != "async_sessionmaker" && last != "Session" && last != "AsyncSession" &&
        last != "sessionmaker()" && last != "async_sessionmaker()") {
      return;
    }
    const py::Argument* a = call.args.find("autocommit");
    if (!a || a->value->kind != ValueKind::kBool || !a->value->boolean) {
      // `def make(engine, **kwargs): kwargs["autocommit"] = True; return sessionmaker(**kwargs)`.
      if (a) return;  // the interpreter saw the key (False, or a value it could not resolve)
      const std::optional<AutocommitStore> store = autocommit_store(call.module, call.node);
      if (!store || !seen_autocommit_.insert(call.node.start_byte()).second) return;
      facts_.session_autocommit.push_back(SessionAutocommit{call.module.location(call.node), store->where,
                                                            std::string(call.module.text(call.callee_node)),
                                                            store->via, call.module.describe(call.args.tags), {}});
      return;
    }
    if (!seen_autocommit_.insert(call.node.start_byte()).second) return;
    facts_.session_autocommit.push_back(SessionAutocommit{call.module.location(call.node), a->where,
                                                          std::string(call.module.text(call.callee_node)), a->via,
                                                          call.module.describe(call.args.tags), a->removal});
  }

  /// `super().__init__(autocommit=True)` in a class's __init__, and uses of this module's classes
  /// (`sessionmaker(class_=X)`, `X(...)`): confirmed against the class's bases in finish().
  void subclass_autocommit(const py::CallSite& call) {
    if (call.method == "__init__" && call.scope.function >= 0 &&
        call.module.text(call.callee_node).rfind("super(", 0) == 0) {
      const py::FunctionInfo& f = call.module.functions()[static_cast<size_t>(call.scope.function)];
      const py::Argument* a = call.args.find("autocommit");
      if (f.name == "__init__" && a && a->value->kind == ValueKind::kBool && a->value->boolean) {
        for (size_t i = 0; i < call.module.classes().size(); ++i) {
          if (call.module.classes()[i].name == f.class_name) autocommit_classes_.emplace_back(static_cast<int>(i), a->where);
        }
      }
      return;
    }
    const py::Value* cls = &call.callee;
    if (const py::Argument* a = call.args.find("class_"); a && call.callee.kind == ValueKind::kSymbol &&
                                                          last_component(call.callee.text).find("sessionmaker") != std::string_view::npos) {
      cls = a->value.get();
    }
    const std::string prefix = call.module.name().empty() ? "" : call.module.name() + ".";
    if (cls->kind != ValueKind::kSymbol || cls->object_id < 0 || cls->text.rfind(prefix, 0) != 0) return;
    if (!seen_class_uses_.insert(call.node.start_byte()).second) return;
    class_uses_.push_back(ClassUse{cls->object_id, call.module.location(call.node),
                                   std::string(call.module.text(call.callee_node)), call.module.describe(call.args.tags)});
  }

  /// `with f()` where f is a function of the project: PA207 needs to know whether f is a generator.
  void with_call(const py::CallSite& call) {
    const py::Value& callee = call.callee;
    const bool local = callee.kind == ValueKind::kFunction && callee.object_id >= 0 &&
                       static_cast<size_t>(callee.object_id) < call.module.functions().size();
    const bool project = callee.kind == ValueKind::kSymbol && callee.text.find("()") == std::string::npos &&
                         callee.text.find('.') != std::string::npos;
    if (!local && !project) return;
    bool async_with = false;
    if (!is_with_item(call.node, async_with) || !seen_with_.insert(call.node.start_byte()).second) return;
    WithCall w;
    w.where = call.module.location(call.node);
    w.callee = std::string(call.module.text(call.callee_node));
    w.async_with = async_with;
    if (local) with_functions_.emplace_back(facts_.with_calls.size(), callee.object_id);
    else w.symbol = callee.text;
    facts_.with_calls.push_back(std::move(w));
  }

  FileFacts& facts_;
  struct HelperCall {
    ts::Node node;
    int function;
    int helper;
  };
  std::vector<HelperCall> helper_calls_;
  struct LoopEngine {
    ts::Node node;
    int function;
    size_t site;
  };
  std::vector<LoopEngine> loop_engines_;
  std::set<size_t> seen_loop_engines_;
  struct ClassUse {
    int class_index;
    core::Location call;
    std::string callee;
    std::string branch;
  };
  std::vector<ClassUse> class_uses_;
  std::set<uint32_t> seen_class_uses_;
  std::vector<std::pair<int, core::Location>> autocommit_classes_;
  std::set<uint32_t> seen_with_;
  std::vector<std::pair<size_t, int>> with_functions_;
  std::set<uint32_t> seen_creations_;
  std::set<uint32_t> seen_autocommit_;
  std::vector<std::pair<ts::Node, int>> creations_;
  std::unordered_map<uint32_t, size_t> site_index_;
  std::set<uint32_t> seen_session_calls_;
  std::set<uint32_t> seen_dispose_;
  std::set<uint32_t> seen_extensions_;
  WebFacts web_;
  ThreadFacts threads_;
  const std::vector<Wrapper>* wrappers_;
};

/// Literal text of a string node, `{...}` for interpolations.
std::pair<std::string, bool> literal_text(ts::Node string_node, std::string_view src) {
  std::string text;
  bool partial = false;
  for (uint32_t i = 0; i < string_node.child_count(); ++i) {
    ts::Node c = string_node.child(i);
    const py::Kind k = py::kind_of(c);
    if (k == py::Kind::kStringContent) {
      text.append(c.text(src));
    } else if (k == py::Kind::kInterpolation) {
      partial = true;
      text.append(c.text(src));
    }
  }
  return {text, partial};
}

void collect_url_literals(const core::SourceFile& source, ts::Node root, FileFacts& facts) {
  const std::string_view src = source.text();
  if (src.find("://") == std::string_view::npos) return;
  // Iterative walk: generated code nests deeper than the native stack allows.
  ts::walk_preorder(root, [&](ts::Node node) {
    if (py::kind_of(node) == py::Kind::kString) {
      const std::string_view raw = node.text(src);
      if (raw.find("://") != std::string_view::npos) {
        auto [text, partial] = literal_text(node, src);
        if (auto url = parse_database_url(text, partial)) {
          // `PLACEHOLDER_URL = "..."`: the name says what the literal is for
          // (credentials.h).
          std::string assigned_to;
          const ts::Node parent = node.parent();
          if (parent && py::kind_of(parent) == py::Kind::kAssignment) {
            const ts::Node left = py::field(parent, py::Field::kLeft);
            const ts::Node right = py::field(parent, py::Field::kRight);
            if (left && right && right.start_byte() == node.start_byte())
              assigned_to = std::string(left.text(src));
          }
          facts.url_literals.push_back(
              UrlLiteral{source.location(node.start_byte(), node.end_byte()),
                         std::move(*url), std::move(assigned_to)});
        }
      }
      return false;
    }
    return node.end_byte() - node.start_byte() >= 3;
  });
}

/// A module-level statement that commits (`db.commit()`): work done at import time.
bool commits_at_import(ts::Node root, std::string_view src) {
  for (uint32_t i = 0; i < root.named_child_count(); ++i) {
    const ts::Node statement = root.named_child(i);
    if (py::kind_of(statement) != py::Kind::kExpressionStatement || statement.named_child_count() == 0) continue;
    const ts::Node call = statement.named_child(0);
    if (py::kind_of(call) != py::Kind::kCall) continue;
    const ts::Node callee = py::field(call, py::Field::kFunction);
    if (!callee || py::kind_of(callee) != py::Kind::kAttribute) continue;
    const ts::Node attribute = py::field(callee, py::Field::kAttribute);
    if (attribute && attribute.text(src) == "commit") return true;
  }
  return false;
}

/// Scripts and CLIs run single-threaded: module-level state is not shared by requests there. A
/// module that defines no function or class and commits at import time is a one-off script (a
/// seeding script run from the command line): nothing in it can run per request.
bool is_script(std::string_view path, std::string_view text, const py::Module& module, ts::Node root) {
  const std::string with_slash = "/" + std::string(path);
  if (with_slash.find("/scripts/") != std::string::npos || with_slash.find("/bin/") != std::string::npos ||
      (with_slash.size() >= 10 && with_slash.substr(with_slash.size() - 10) == "/manage.py")) {
    return true;
  }
  const bool runs_at_import =
      module.functions().empty() && module.classes().empty() && commits_at_import(root, text);
  if (text.find("__main__") == std::string_view::npos && !runs_at_import) return false;
  // A `__main__` guard in a web app's main.py (uvicorn.run(app)) does not make it a script.
  static constexpr std::string_view kServers[] = {"fastapi", "flask", "starlette", "django", "litestar", "sanic",
                                                  "aiohttp", "quart", "falcon", "tornado", "celery", "uvicorn"};
  for (const auto& [name, alts] : module.globals()) {
    for (const py::Alt& a : alts) {
      if (a.value->kind != ValueKind::kSymbol) continue;
      const std::string_view head = std::string_view(a.value->text).substr(0, a.value->text.find('.'));
      if (std::find(std::begin(kServers), std::end(kServers), head) != std::end(kServers)) return false;
    }
  }
  return true;
}

}  // namespace

const py::Argument* EngineConfig::arg(std::string_view name) const {
  for (auto it = keywords.rbegin(); it != keywords.rend(); ++it) {
    if (it->name == name) return &*it;
  }
  return nullptr;
}

std::optional<bool> EngineConfig::has(std::string_view name) const {
  if (arg(name)) return true;
  if (!complete) return std::nullopt;
  return false;
}

void set_role(FileFacts &facts, core::FileRole role, std::string why) {
  facts.role = role;
  facts.role_why = std::move(why);
  facts.is_test = role == core::FileRole::kTest;
}

std::vector<Wrapper> find_wrappers(const ProjectFacts& facts) {
  std::vector<Wrapper> out;
  for (const FileFacts& f : facts.files) {
    for (const EngineSite& site : f.engines) {
      if (site.function.empty() || site.function.find('.') != std::string::npos || site.raw.empty()) continue;
      if (site.parameters.empty() && site.kwargs_parameter.empty()) continue;
      // Only functions whose engine arguments come from their parameters forward anything.
      bool forwards = false;
      for (const RawEngineCall& raw : site.raw) {
        for (const auto* list : {&raw.args.positional, &raw.args.keywords}) {
          for (const py::Argument& a : *list) {
            if (a.value->kind == ValueKind::kSymbol && a.value->text.rfind("@param.", 0) == 0) forwards = true;
          }
        }
      }
      if (!forwards || f.module_name.empty()) continue;
      out.push_back(Wrapper{f.module_name + "." + site.function, site.function, f.path, site});
    }
  }
  return out;
}

namespace {

/// Functions keep their qualified names ("Class.method"); a class is named inside the
/// innermost definition around it ("Outer.Inner", "factory.Local").
void record_scopes(const py::Module& module, FileFacts& facts) {
  for (const py::FunctionInfo& f : module.functions()) {
    facts.scopes.push_back({f.where.range.begin.line, f.where.range.end.line, f.qualified_name});
  }
  for (const py::ClassInfo& c : module.classes()) {
    ScopeSpan span{c.where.range.begin.line, c.where.range.end.line, c.name};
    const ScopeSpan* outer = nullptr;
    for (const ScopeSpan& s : facts.scopes) {
      const bool encloses = s.first_line <= span.first_line && s.last_line >= span.last_line &&
                            (s.first_line != span.first_line || s.last_line != span.last_line);
      if (encloses && (!outer || s.first_line >= outer->first_line)) outer = &s;
    }
    if (outer) span.name = outer->name + "." + span.name;
    facts.scopes.push_back(std::move(span));
  }
}

}  // namespace

FileFacts analyze_python(const core::SourceFile& source, ts::Node root, const std::string& module_name,
                         bool is_package, const ProjectContext& context, const std::vector<Wrapper>* wrappers) {
  FileFacts facts;
  facts.path = source.path();
  facts.module_name = module_name;
  RoleGuess guess = classify_role(role_path(context.audit_roots, source.path()),
                                  source.text());
  set_role(facts, guess.role, std::move(guess.why));
  facts.about_leaks = mentions_leaks(source.text());
  facts.creates_tables =
      source.text().find("create_all(") != std::string_view::npos;
  const std::string_view path = source.path();
  const bool named_env = path == "env.py" || (path.size() > 7 && path.substr(path.size() - 7) == "/env.py");
  if (named_env && source.text().find("alembic") != std::string_view::npos) facts.is_alembic_env = true;
  FactsBuilder builder(facts, wrappers);
  auto module = py::Module::analyze(source, root, module_name, is_package, &builder);
  builder.finish(*module, root);
  collect_edit_anchors(source, *module, root, facts);
  if (named_env) {
    // env.py is Alembic's when it imports alembic's context.
    bool imports_alembic = false;
    for (const auto& [name, alts] : module->globals()) {
      for (const py::Alt& a : alts) {
        if (a.value->kind == ValueKind::kSymbol && a.value->text.rfind("alembic", 0) == 0) imports_alembic = true;
      }
    }
    facts.is_alembic_env = imports_alembic;
  }
  facts.is_script = is_script(path, source.text(), *module, root);
  facts.cli_commands = cli_commands(*module);
  if (facts.is_alembic_env && facts.role == core::FileRole::kProduction)
    set_role(facts, core::FileRole::kMigration, "Alembic env.py");
  if (facts.is_script && facts.role == core::FileRole::kProduction) {
    set_role(facts, core::FileRole::kScript,
             source.text().find("__main__") != std::string_view::npos
                 ? "`__main__` guard without a web server"
                 : "commits at import, defines no function: a one-off script");
  }
  collect_python_deployment(*module, facts);
  collect_url_literals(source, root, facts);
  facts.dialect_clues = python_dialect_clues(source, root);
  record_scopes(*module, facts);
  return facts;
}

}  // namespace sqla
