#pragma once
// Reading an engine configuration's driver options (`connect_args` entries) and
// URL, shared by the pooler, timeout and staleness rules (PA106, PA107, PA110,
// PA114, PA117, PA118, PA119).
#include <optional>
#include <string>

#include "rules/common.h"
#include "sqla/facts.h"
#include "sqla/pooler.h"

namespace rules {

/// One `connect_args` key: present (with its entry), known absent, or unknown.
struct ConnectArg {
  enum class State { kPresent, kAbsent, kUnknown };
  State state = State::kUnknown;
  const py::DictEntry* entry = nullptr;
  const py::Argument* connect_args = nullptr;  ///< the connect_args keyword, when given
};

/// Looks `key` up in the configuration's `connect_args`. Absent only when the
/// whole argument set is known (no `**kwargs`, a complete dict): rules about
/// something missing need that.
inline ConnectArg connect_arg(const sqla::EngineConfig& config, std::string_view key) {
  ConnectArg out;
  const py::Argument* args = config.arg("connect_args");
  out.connect_args = args;
  if (!args) {
    out.state = config.complete ? ConnectArg::State::kAbsent : ConnectArg::State::kUnknown;
    return out;
  }
  if (args->value->kind != py::ValueKind::kDict || !args->value->dict) return out;
  const py::DictValue& dict = *args->value->dict;
  if ((out.entry = dict.find(key))) {
    out.state = ConnectArg::State::kPresent;
  } else if (dict.complete && dict.pending.empty()) {
    out.state = ConnectArg::State::kAbsent;
  }
  return out;
}

/// The configuration's URL when its dialect is written out (not a
/// `{placeholder}`).
inline const sqla::DatabaseUrl* literal_url(const sqla::EngineConfig& config) {
  if (!config.url || config.url->dialect.empty() || config.url->dialect.find('{') != std::string::npos) return nullptr;
  return &*config.url;
}

/// Adds a note at where the URL came from (code, settings, an env file),
/// masked.
inline void note_url(core::Finding& f, const sqla::EngineConfig& config) {
  if (config.url && config.url_origin.valid()) {
    f.notes.push_back(core::Note{config.url_origin, "URL " + config.url->masked()});
  }
}

/// Adds notes at the URL and, when the pooler is the project's own, at its
/// configuration.
inline void note_pooler(core::Finding& f, const sqla::EngineConfig& config, const sqla::PoolerMatch& pooler) {
  note_url(f, config);
  if (pooler.where.valid()) f.notes.push_back(core::Note{pooler.where, "transaction-mode pooler configured here"});
}

/// The configuration's branch tests for a pooler (`if "pooler.supabase.com" in url:`): the options of
/// the other branch are not meant for the pooler URL, and the condition's value is not known here.
inline bool branch_tests_pooler(const sqla::EngineConfig& config) {
  for (std::string_view word : {"pooler", "pgbouncer", "bouncer", "supabase", "neon", "6543", "transaction"}) {
    if (branch_tests_dialect(config, word)) return true;
  }
  return false;
}

/// The configuration's branch tests for a pooler and another configuration of the same call is
/// `fixed`: that branch's options are the ones meant for the pooler (`if "pooler" in url: ...`).
template <typename Fixed>
bool fixed_in_other_branch(const sqla::EngineSite& site, const sqla::EngineConfig& config, Fixed&& fixed) {
  if (!branch_tests_pooler(config)) return false;
  for (const sqla::EngineConfig& other : site.configs) {
    if (&other != &config && fixed(other)) return true;
  }
  return false;
}

/// Calls `fn(site, config)` for every engine configuration of the project.
template <typename Fn>
void for_each_config(const sqla::ProjectFacts& facts, Fn&& fn) {
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::EngineSite& site : file.engines) {
      for (const sqla::EngineConfig& config : site.configs) fn(site, config);
    }
  }
}

/// Calls `fn(file, site, config)` for every engine configuration of the project (rules that need
/// the file's own library versions: sqla::versions_of).
template <typename Fn>
void for_each_file_config(const sqla::ProjectFacts& facts, Fn&& fn) {
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::EngineSite& site : file.engines) {
      for (const sqla::EngineConfig& config : site.configs) fn(file, site, config);
    }
  }
}

/// The transaction-mode pooler a configuration reaches with `driver`; nullopt
/// for another driver, a direct connection, or a URL that is not known.
inline std::optional<sqla::PoolerMatch> pooler_with(const sqla::ProjectFacts& facts, const sqla::EngineConfig& config,
                                                    sqla::Driver driver) {
  const sqla::DatabaseUrl* url = literal_url(config);
  if (!url) return std::nullopt;
  const sqla::DriverSpec* spec = sqla::driver_of(*url);
  if (!spec || spec->kind != driver) return std::nullopt;
  return sqla::transaction_pooler(*url, facts.deployment);
}

/// Reports a prepared-statement failure behind a pooler: info where the pooler
/// tracks prepared statements (Neon's PgBouncer 1.22), with notes at the URL
/// and the pooler.
inline core::Finding& report_prepared(core::Sink& out, const sqla::EngineSite& site, const sqla::EngineConfig& config,
                                      const sqla::PoolerMatch& pooler, std::string message) {
  if (pooler.tracks_prepared)
    message +=
        " (Neon's PgBouncer 1.22 tracks prepared statements, which "
        "should avoid it)";
  core::Finding& f = report_engine(out, site, config, std::move(message));
  if (pooler.tracks_prepared) f.severity = core::Severity::kInfo;
  note_pooler(f, config, pooler);
  return f;
}

/// A value known to be zero (0, 0.0, "0").
inline bool is_zero(const py::Value& v) {
  if (v.kind == py::ValueKind::kInt) return v.integer == 0;
  if (v.kind == py::ValueKind::kFloat) return v.real == 0;
  if (v.kind == py::ValueKind::kString) return !v.partial && v.text == "0";
  return false;
}

/// A boolean option is on: True, non-zero, or any non-empty string (a
/// config-file 'false' is a truthy string: PA116). nullopt when the value is
/// not known.
inline std::optional<bool> option_on(const py::Value& v) { return v.truthy(); }

}  // namespace rules
