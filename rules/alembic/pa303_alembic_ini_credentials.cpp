// alembic.ini is committed with the project; `alembic init` writes the placeholder
// `driver://user:pass@localhost/dbname` there, and people replace it with the real URL.
// ConfigParser interpolation (`%(DB_PASSWORD)s`) and env.py's config.set_main_option(...) are the
// usual ways out.
#include <algorithm>
#include <string>

#include "core/text.h"
#include "rules/rule.h"
#include "sqla/credentials.h"

namespace rules {
namespace {

using core::lower;

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::IniFile& ini : facts.ini_files) {
    // Other ini files count when they hold an engine_from_config URL (Pyramid's development.ini).
    const bool feeds_engine =
        ini.is_alembic ||
        std::any_of(ini.entries.begin(), ini.entries.end(), [](const sqla::IniEntry& e) {
          return lower(e.key).ends_with("sqlalchemy.url");
        });
    if (!feeds_engine) continue;
    for (const sqla::IniEntry& entry : ini.entries) {
      if (!lower(entry.key).ends_with("url")) continue;
      const auto url = sqla::parse_database_url(entry.value, false);
      if (!url || !url->password || sqla::not_a_credential(*url, {}, &facts.deployment))
        continue;
      out.report(entry.where,
                 "[" + entry.section + "] " + entry.key + " carries a database password (" +
                     url->masked() +
                     "): it is committed with the project and readable by anyone with the source");
    }
  }
}

}  // namespace

extern const Rule kPA303{
    {"PA303", "alembic-ini-credentials", core::Severity::kWarning, true,
     "sqlalchemy.url in alembic.ini (or another engine ini) carries a "
     "real-looking password",
     "**Why.** alembic.ini is committed with the project, so a real URL there "
     "puts the database "
     "password in the "
     "repository and its history. Alembic reads the URL only through env.py, "
     "which can take it "
     "from the "
     "environment instead.\n\n"
     "**Example.**\n```ini\n[alembic]\nsqlalchemy.url = "
     "postgresql://app:S3cr3t-pw@db.internal/app\n```\n\n"
     "**Not reported when** the value is the template placeholder "
     "`driver://user:pass@localhost/dbname`, a "
     "ConfigParser interpolation (`%(DB_URL)s`, `%(DB_PASSWORD)s`), a "
     "placeholder password, a "
     "local host, the password of the project's own docker-compose database "
     "service on that service's host, or a "
     "SQLite URL (the policy is PA113's: `poolaudit --explain PA113`); "
     "commented lines are not read. Other ini files are read only "
     "when they hold "
     "`sqlalchemy.url`.",
     "Remove the URL from the ini and set it in env.py: "
     "config.set_main_option(\"sqlalchemy.url\", "
     "os.environ[\"DATABASE_URL\"]), or interpolate %(DB_URL)s from "
     "config.set_section_option",
     kDeployedCode,
     "alembic.ini and other engine ini files of the project point at its real "
     "databases; those under tests/ or docs/ hold throw-away credentials: "
     "production, script and migration files.",
     "Not run by the oracle: credential hygiene, nothing fails."},
    check};

}  // namespace rules
