#pragma once
// The database a project uses, inferred from its evidence when an engine's URL is not a literal:
// drivers in the dependency manifests, database images in docker-compose, URLs in env files and
// their templates, alembic.ini, URL literals and f-string templates in code, `URL.create(...)`,
// pydantic `PostgresDsn`/`MySQLDsn`. An inference is never a resolved URL: it is kept apart
// (EngineConfig::inferred) and rules that use it say so.
#include <string>
#include <string_view>
#include <vector>

#include "core/location.h"
#include "sqla/knowledge.h"

namespace core {
class SourceFile;
}
namespace ts {
class Node;
}

namespace sqla {

struct EngineConfig;
struct EngineSite;
struct FileFacts;
struct ProjectFacts;
struct ProjectContext;

/// One piece of evidence that names a database.
struct DialectClue {
  std::string family;    ///< "postgresql", "mysql" (MariaDB too), "sqlite", "oracle", "mssql", ...
  std::string driver;    ///< the SQLAlchemy driver name ("pymysql", "asyncpg"); "" when not named
  std::string what;      ///< "the dependency pymysql", "docker-compose image mysql:8"
  core::Location where;  ///< line 0 when the file gives no line (a pyproject.toml table)
};

/// A dependency named in a manifest, as read for the versions (project_context.cpp).
struct Dependency {
  std::string name;      ///< PEP 503 normalised: "psycopg2-binary"
  core::Location where;
};

/// What the project's evidence says about its database.
struct DialectInference {
  std::vector<DialectClue> clues;       ///< every clue found, in a stable order
  std::vector<std::string> families;    ///< the families they name, sorted, unique
  /// The one family every clue names; "" without evidence or with several families (no inference).
  std::string family() const { return families.size() == 1 ? families[0] : std::string(); }
  /// The driver the clues name when they agree for an engine of that kind (async or not); "".
  std::string driver(bool is_async) const;
  /// "pymysql (requirements.txt:4), mysql:8 (docker-compose.yml:5)" (at most `limit` clues).
  std::string summary(size_t limit = 3) const;
};

/// The family of a dialect name: "postgres" -> "postgresql", "mariadb" -> "mysql"; "" when unknown.
std::string dialect_family(std::string_view dialect);

/// The database a distribution installs a driver for: "pymysql" -> {mysql, pymysql}; nullopt-like
/// empty family when the name is not a database driver.
DialectClue driver_package(std::string_view normalized_name);

/// The database a docker-compose image runs ("postgres:16-alpine" -> postgresql); "" otherwise.
std::string image_family(std::string_view image);

/// Clues in a Python file that no other fact records: `URL.create("postgresql+asyncpg", ...)`,
/// `URL(drivername=...)`, `X.build(scheme="mysql+aiomysql", ...)`, pydantic `PostgresDsn`/`MySQLDsn`.
std::vector<DialectClue> python_dialect_clues(const core::SourceFile& source, ts::Node root);

/// Collects the project's clues (production code, manifests, deployment files, ini files) and
/// decides the family. Test and documentation files are not evidence of the deployed database.
DialectInference infer_dialect(const ProjectFacts& facts);

/// The inference for one engine configuration whose URL names no dialect, set on the config (never
/// on its URL or its pool). Not for engines in test or documentation files (tests often run another
/// database than production).
void apply_inferred_dialect(EngineConfig& config, const FileFacts& file, const DialectInference& inference,
                            const ProjectContext& context);

/// The pool the configuration gets: its own (choose_pool) when known, else the default SQLAlchemy
/// gives the inferred family's URLs (QueuePool / AsyncAdaptedQueuePool; unknown for SQLite, an
/// unknown poolclass or pool=, or options not all known). For dialect-dependent rules only.
Pool inferred_pool(const EngineConfig& config);

/// "the URL is not resolved; the project's evidence names MySQL: pymysql (requirements.txt:4)".
std::string inference_note(const EngineConfig& config);

}  // namespace sqla
