#pragma once
// The facts of every analysed file are held until the project phase, so their slack is paid once per
// file of the tree: vectors filled by push_back keep up to half their capacity unused (issue #16, item 3:
// memory bounded by the work in flight, bench/README.md "What holds memory").
#include <cstddef>

namespace sqla {

struct FileFacts;

/// Drops the facts no reader can tell from an earlier one of the same file (each reader stops at the
/// first match): repeated calls of one function by one caller (entry.calls), releases of a receiver
/// with the same last name (entry.registry_releases). The others keep their order.
void drop_shadowed_facts(FileFacts& facts);

/// drop_shadowed_facts(), then gives back the unused capacity of `facts`' vectors once the file
/// phase has filled them.
void compact(FileFacts& facts);

/// For a module that no file of the project imports (FileResult::imports, the pre-filter's scan):
/// drops the exports only an importer could look up, its plain module-level names (functions,
/// imported names, constants): about a fifth of the exports of a large tree (test modules). What
/// the module's own facts may still look up stays: the results of its functions ("f()": its own
/// calls are symbols "module.f()") and its classes with their attributes (its own class
/// references are symbols "module.Class"); the Flask-SQLAlchemy config classes are class
/// attributes too.
void drop_unimported_exports(FileFacts& facts);

/// The bytes of unused capacity left in `facts`' vectors (what compact() gives back); for tests.
size_t vector_slack(const FileFacts& facts);

}  // namespace sqla
