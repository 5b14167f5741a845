#pragma once
// The pool of an Alembic env.py engine, shared by PA301 and PA302. Decided from the call's own
// keywords: an ini cannot set a usable pool class (`sqlalchemy.poolclass = ...` stays a string and
// engine_from_config crashes with "AttributeError: 'str' object has no attribute '__dict__'").
#include <string>

#include "sqla/facts.h"

namespace rules {

struct EnvPool {
  enum class State { kNull, kPooled, kUnknown };
  State state = State::kUnknown;
  sqla::Pool kind = sqla::Pool::kUnknown;
  const py::Argument* chosen =
      nullptr;      ///< the poolclass= / pool= keyword, nullptr for the default
  std::string how;  ///< "poolclass=QueuePool", "the default AsyncAdaptedQueuePool"
};

/// NullPool, a pool that keeps connections, or Unknown (a custom class, an unresolved `**kwargs`).
inline EnvPool env_pool(const sqla::EngineConfig& config) {
  using State = EnvPool::State;
  EnvPool out;
  const py::Argument* instance = config.arg("pool");
  if (instance && instance->value->kind != py::ValueKind::kNone) {
    out.kind = config.pool.instance ? config.pool.kind : sqla::Pool::kUnknown;
    out.chosen = instance;
    out.how = "pool=" + instance->value->render();
  } else if (const py::Argument* cls = config.arg("poolclass");
             cls && cls->value->kind != py::ValueKind::kNone) {
    if (cls->value->kind != py::ValueKind::kSymbol) return out;
    out.kind = sqla::pool_from_symbol(cls->value->text).value_or(sqla::Pool::kCustom);
    out.chosen = cls;
    out.how = "poolclass=" + std::string(sqla::pool_name(out.kind));
  } else {
    if (!config.call_complete) return out;  // `**kwargs` may carry poolclass=NullPool
    // Without poolclass the dialect's default applies; for a URL from the ini that is the
    // QueuePool family unless the URL resolved to something else (SQLite).
    out.kind = config.pool.kind != sqla::Pool::kUnknown ? config.pool.kind
               : config.is_async                        ? sqla::Pool::kAsyncAdaptedQueue
                                                        : sqla::Pool::kQueue;
    out.how = "the default " + std::string(sqla::pool_name(out.kind));
  }
  if (out.kind == sqla::Pool::kNull)
    out.state = State::kNull;
  else if (out.kind != sqla::Pool::kUnknown && out.kind != sqla::Pool::kCustom)
    out.state = State::kPooled;
  return out;
}

}  // namespace rules
