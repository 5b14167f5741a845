// A password in a URL literal is in the repository, its history and every clone. SQLAlchemy 1.4's
// str(url) prints it too (2.0 masks it). No SQLAlchemy behaviour is involved: a hygiene rule.
#include <string>

#include "rules/common.h"
#include "rules/rule.h"

namespace rules {
namespace {

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    // Tests and CI fixtures hold throw-away local credentials; alembic.ini is PA303's (not Python).
    if (file.is_test) continue;
    for (const sqla::UrlLiteral& literal : file.url_literals) {
      const sqla::DatabaseUrl& url = literal.url;
      if (url.is_sqlite() || !url.password || url.is_local_host()) continue;
      if (sqla::is_placeholder_password(url.user, *url.password, url.host)) continue;
      out.report(literal.where,
                 "A database password is hard-coded in " + url.masked() +
                     ": it is readable by anyone with the source and stays in the version history");
    }
  }
}

}  // namespace

extern const Rule kPA113{
    {"PA113", "credentials-in-url", core::Severity::kWarning, true,
     "A database URL literal in Python code carries a real-looking password",
     "**Why.** A password written into the source is readable by everyone with access to the "
     "repository, its "
     "history and every clone, and rotating it needs a code change. SQLAlchemy 1.4 also prints it "
     "with "
     "`str(url)` (2.0 masks it as `***`).\n\n"
     "**Example.**\n```python\nengine = "
     "create_engine(\"postgresql://app:S3cr3t-pw@db.internal:5432/app\")\n```\n\n"
     "**Not reported when** the host is local (`localhost`, `127.x`, `::1`), the password is a "
     "placeholder "
     "(`pass`, `password`, `changeme`, `***`, `<...>`, `${VAR}`, `{field}`, `%(name)s`, the "
     "Alembic template "
     "`user:pass@localhost`), the password is built from an f-string field, the URL is SQLite, or "
     "the file is a "
     "test (tests and CI use throw-away local credentials). URLs in ini files are PA303's.",
     "Read the URL (or at least the password) from the environment or a secret store, e.g. "
     "os.environ[\"DATABASE_URL\"]"},
    check};

}  // namespace rules
