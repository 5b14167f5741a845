#include "sqla/pool_assumption.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace sqla {
namespace {

using py::ValueKind;

// NullPool, StaticPool and AssertionPool reject all four; SingletonThreadPool (SQLite :memory:)
// accepts pool_size only; every pool class that accepts them keeps connections (facts PA101, e01).
constexpr std::array<std::string_view, 4> kSizingKeywords = {"pool_size", "max_overflow", "pool_timeout",
                                                             "pool_use_lifo"};

/// The first sizing keyword as written, nullptr when none is given.
const py::Argument* first_sizing_keyword(const EngineConfig& config) {
  for (const py::Argument& a : config.keywords) {
    if (std::find(kSizingKeywords.begin(), kSizingKeywords.end(), a.name) != kSizingKeywords.end()) return &a;
  }
  return nullptr;
}

}  // namespace

bool url_unresolved(const py::Argument* url_arg) {
  if (!url_arg) return false;
  const py::Value& v = *url_arg->value;
  // A Symbol here is a name the project resolution could not follow (`settings.DATABASE_URL`,
  // `get_database_url()`); a partial string is an f-string, unresolved when its scheme is.
  return v.kind == ValueKind::kUnknown || v.kind == ValueKind::kSymbol || (v.kind == ValueKind::kString && v.partial);
}

std::optional<PoolChoice> assume_pool_without_url(const EngineConfig& config, const py::Argument* url_arg) {
  // A URL that is a known value but not a URL (""), or an explicit pool choice, is not this case.
  if (url_arg && !url_unresolved(url_arg)) return std::nullopt;
  if (config.arg("pool") || config.arg("poolclass")) {
    const py::Argument* pool = config.arg("pool");
    const py::Argument* cls = config.arg("poolclass");
    if ((pool && pool->value->kind != ValueKind::kNone) || (cls && cls->value->kind != ValueKind::kNone)) {
      return std::nullopt;
    }
  }
  PoolChoice choice;
  choice.assumed = true;
  choice.kind = config.is_async ? Pool::kAsyncAdaptedQueue : Pool::kQueue;
  if (const py::Argument* sizing = first_sizing_keyword(config)) {
    // Proof even when `**kwargs` or an ini mapping stay unknown: whatever they add, a pool class
    // that rejects the keyword makes create_engine() raise TypeError, so an app that starts has a
    // pool that keeps connections. Only SQLite remains (a file on 2.x, :memory: with pool_size).
    const std::string given = sizing->name + "=" + sizing->value->render();
    choice.origin = sizing->where;
    choice.how = "implied by " + given + ", which NullPool would reject with TypeError";
    choice.assumption = "the URL is not resolved; " + given +
                        " rules NullPool out (it would raise TypeError), so any database but SQLite keeps "
                        "connections in this pool";
    return choice;
  }
  // Without sizing, an unknown part of the configuration could hold poolclass=NullPool.
  if (!config.complete || !url_arg || !url_arg->where.valid()) return std::nullopt;
  // Every dialect's default pool keeps connections, except SQLite file databases on 1.x (and
  // aiosqlite before 2.0.38), which get NullPool (facts PA101 item 4).
  choice.origin = url_arg->where;
  choice.how = "the default for any database but a SQLite file, assumed as the URL is not resolved";
  choice.assumption = "the URL is not resolved; any database but a SQLite file keeps connections in this pool";
  return choice;
}

}  // namespace sqla
