#include "sqla/dump.h"

#include "core/mask.h"
#include "sqla/sessions.h"

namespace sqla {
namespace {

std::string at(const core::Location& where) {
  if (!where.valid()) return "?";
  return where.path + ":" + std::to_string(where.range.begin.line) + ":" + std::to_string(where.range.begin.column);
}

}  // namespace

void dump(const FileFacts& facts, std::ostream& out) {
  out << "file " << facts.path << " module=" << facts.module_name;
  out << " role=" << core::role_name(facts.role);
  if (!facts.role_why.empty())
    out << " (" << facts.role_why << ")";
  if (facts.is_alembic_env) out << " alembic-env";
  out << "\n";
  for (const EngineSite& site : facts.engines) {
    out << "  engine " << at(site.where) << " " << factory_name(site.factory) << " callee=" << site.callee;
    if (!site.assigned_to.empty()) out << " as=" << site.assigned_to;
    if (!site.function.empty()) out << " in=" << site.function;
    if (site.wrapped_async) out << " wrapped-async";
    if (site.in_loop) out << " in-loop";
    out << "\n";
    for (const EngineConfig& c : site.configs) {
      out << "    config" << (c.branch.empty() ? "" : " when " + c.branch) << (c.complete ? "" : " incomplete")
          << (c.is_async ? " async" : "") << "\n";
      out << "      pool " << pool_name(c.pool.kind);
      if (!c.pool.how.empty()) out << " (" << c.pool.how << ")";
      if (c.pool.origin.valid()) out << " @" << at(c.pool.origin);
      if (c.pool.assumed) out << " assumed: " << c.pool.assumption;
      out << "\n";
      if (c.url) {
        out << "      url " << c.url->masked() << " dialect=" << c.url->dialect
            << " driver=" << (c.url->driver.empty() ? "-" : c.url->driver) << " host=" << c.url->shown_host()
            << " port=" << (c.url->port.empty() ? "-" : c.url->shown_port()) << (c.url->partial ? " partial" : "")
            << (c.url->password ? " password" : "") << " @" << at(c.url_origin) << "\n";
      }
      if (!c.inferred_family.empty()) {
        out << "      inferred dialect=" << c.inferred_family
            << " driver=" << (c.inferred_driver.empty() ? "-" : c.inferred_driver)
            << " (not a resolved URL) from " << c.inferred_from << "\n";
      }
      for (const py::Argument& a : c.keywords) {
        out << "      " << a.name << "=" << a.value->render() << " @" << at(a.where);
        if (!a.via.empty()) out << " via " << a.via;
        out << "\n";
      }
    }
  }
  for (const SessionFactorySite& s : facts.session_factories) {
    out << "  session-factory " << at(s.where) << " " << s.callee;
    if (!s.assigned_to.empty()) out << " as=" << s.assigned_to;
    if (!s.bind.empty()) out << " bind=" << s.bind;
    if (s.scoped) out << " scoped";
    out << "\n";
  }
  for (const SessionUse& s : facts.sessions) {
    out << "  " << (s.connection ? "connection " : "session ") << at(s.where) << " " << s.callee;
    if (!s.name.empty()) out << " as=" << s.name;
    if (!s.function.empty()) out << " in=" << s.function;
    if (s.module_level) out << " module-level";
    if (s.in_generator) out << " generator";
    if (s.yielded) out << " yielded";
    if (s.foreign_bind) out << " foreign-bind";
    if (s.unbound) out << " unbound";
    if (s.test_fixture) out << " fixture";
    if (s.setup_once) out << " setup-once";
    out << " release=" << release_name(s.release);
    if (s.release_where.valid()) out << " @" << at(s.release_where);
    if (s.commit_in_finally.valid()) out << " commit-in-finally@" << at(s.commit_in_finally);
    if (!s.symbol.empty()) out << " via=" << s.symbol << (s.confirmed ? " confirmed" : " unconfirmed");
    out << "\n";
  }
  for (const SessionAutocommit& a : facts.session_autocommit) {
    out << "  session-autocommit " << at(a.call) << " " << a.callee << " @" << at(a.where);
    if (!a.via.empty()) out << " via " << a.via;
    out << "\n";
  }
  for (const WithCall& w : facts.with_calls) {
    out << "  with-call " << at(w.where) << " " << w.callee << (w.async_with ? " async-with" : "");
    if (w.plain_generator) out << (w.async_generator ? " async-generator" : " generator");
    if (!w.symbol.empty()) out << " via=" << w.symbol;
    out << "\n";
  }
  if (facts.is_script) out << "  script\n";
  for (const EntryPoint& e : facts.entry.entry_points) {
    out << "  entry-point " << e.function << " " << entry_kind_name(e.kind) << " per " << entry_unit(e.kind) << " @"
        << at(e.evidence) << " why=" << e.why << "\n";
  }
  for (const std::string& c : facts.entry.cached_functions) out << "  cached " << c << "\n";
  for (const auto& [function, kind] : facts.entry.context_managers) out << "  provider " << function << " " << kind << "\n";
  for (const DisposeCall& d : facts.disposals) {
    out << "  dispose " << at(d.where) << " " << d.receiver << (d.awaited ? " awaited" : "") << "\n";
  }
  for (const UrlLiteral& u : facts.url_literals) {
    out << "  url-literal " << at(u.where) << " " << u.url.masked() << (u.url.password ? " password" : "") << "\n";
  }
  for (const core::Location& m : facts.migration_runs) out << "  migration-run " << at(m) << "\n";
}

void dump(const DialectInference& inference, std::ostream& out) {
  if (inference.clues.empty()) return;
  out << "database ";
  if (!inference.family().empty()) {
    out << "inferred " << inference.family() << " (for engines whose URL names no dialect)\n";
  } else {
    out << "evidence names several families:";
    for (const std::string& f : inference.families) out << " " << f;
    out << " (no inference)\n";
  }
  for (const DialectClue& c : inference.clues) {
    out << "  evidence " << c.family << (c.driver.empty() ? "" : "+" + c.driver) << " " << c.what << " @"
        << (c.where.valid() ? at(c.where) : c.where.path.str()) << "\n";
  }
}

void dump(const IniFile& ini, std::ostream& out) {
  out << "ini " << ini.path << (ini.is_alembic ? " alembic" : "")
      << " role=" << core::role_name(ini.role) << "\n";
  for (const IniEntry& e : ini.entries) {
    out << "  [" << e.section << "] " << e.key << " = " << (core::is_secret_key(e.key) ? std::string(core::kMask) : core::mask_url(e.value)) << " @" << at(e.where) << "\n";
  }
}

}  // namespace sqla
