#pragma once
// The file-role model: production, test, docs/example, migration or script,
// decided from the path and the text (pytest / unittest conventions, Alembic
// layouts, documentation directories).
#include <string>
#include <string_view>
#include <vector>

#include "core/role.h"

namespace sqla {

/// A file's role and the evidence for it ("file name test_*.py", "under
/// docs_src/").
struct RoleGuess {
  core::FileRole role = core::FileRole::kProduction;
  std::string why; ///< "" for production by default
};

/// Classifies a file from its display path and, when known, its text ("" for
/// files not read). First match wins: a test file name; Alembic (a revision
/// file, env.py, alembic.ini, an alembic/ or migrations/ directory); a test
/// directory or a pytest / unittest import; a documentation or example
/// directory; a script location (scripts/, bin/, manage.py); otherwise
/// production.
RoleGuess classify_role(std::string_view path, std::string_view text);

/// The part of a display path below the deepest audit root that holds it
/// ("svc/tests/x.py" under root "svc" -> "tests/x.py"); the path itself when no
/// root holds it.
std::string_view role_path(const std::vector<std::string> &audit_roots,
                           std::string_view path);

/// The text is about resource leaks: it mentions leaks, ResourceWarning,
/// gc.collect or weakref. A test like that creates unclosed sessions on purpose
/// (to check that a warning or a clean-up fires).
bool mentions_leaks(std::string_view text);

} // namespace sqla
