// A password in a URL literal is in the repository, its history and every clone. SQLAlchemy 1.4's
// str(url) prints it too (2.0 masks it). No SQLAlchemy behaviour is involved: a hygiene rule.
#include <string>

#include "rules/common.h"
#include "rules/rule.h"
#include "sqla/credentials.h"

namespace rules {
namespace {

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    // alembic.ini is PA303's (not Python); tests and docs are left out by the
    // rule's roles.
    for (const sqla::UrlLiteral& literal : file.url_literals) {
      const sqla::DatabaseUrl& url = literal.url;
      if (sqla::not_a_credential(url, literal.assigned_to, &facts.deployment))
        continue;
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
     "**Why.** A password written into the source is readable by everyone with "
     "access to the "
     "repository, its "
     "history and every clone, and rotating it needs a code change. SQLAlchemy "
     "1.4 also prints it "
     "with "
     "`str(url)` (2.0 masks it as `***`).\n\n"
     "**Example.**\n```python\nengine = "
     "create_engine(\"postgresql://app:S3cr3t-pw@db.internal:5432/"
     "app\")\n```\n\n"
     "**Not reported when** the URL's password is not a credential. One "
     "policy, shared with PA303, decides in "
     "this order; the first match means \"not a credential\":\n"
     "1. no password, or SQLite;\n"
     "2. a local host: `localhost`, `127.x`, `::1`, `0.0.0.0`, "
     "`host.docker.internal`, a unix socket (no host);\n"
     "3. a pattern, not a URL: regular-expression tokens (`[^:]+`, `\\\\d`, "
     "`.*`, `(?`) or a host with characters no "
     "host name has;\n"
     "4. a reserved or placeholder host: the RFC 2606 / 6761 names `.test`, "
     "`.example`, `.invalid`, `.localhost` "
     "and `example.com`/`.net`/`.org` (with subdomains), a label `invalid`, "
     "`placeholder`, `dummy`, "
     "`fake` (`invalid.local`), `<host>`, or a word that describes a host "
     "(`host`, `hostname`, `server`, `database`); these never reach a real "
     "server, whatever the password;\n"
     "5. a placeholder password: one that says so (`changeme`, "
     "`placeholder`, `dummy`, `fake`, `example`, `redacted`, "
     "`your_password`...), `xxx` and `***` of any length, templates "
     "(`<...>`, `${...}`, `$VAR`, `{...}`, `%(...)s`), a weak word beside a "
     "user naming the field (the Alembic template `user:pass`, "
     "`username:password`) and SQLAlchemy's `scott:tiger`;\n"
     "6. a weak word (`password`, `pass`, `secret`, `test`, `foo`...) on a "
     "host no network resolves: a single label such as a compose service "
     "name (`db`) or a `.local` name. On an IP address or a dotted name (an "
     "RDS endpoint, `db.internal`) it is reported: weak passwords are real "
     "passwords there;\n"
     "7. a short password: fewer than 4 characters. Such a password protects "
     "nothing and in practice only "
     "appears in URL-parsing test vectors; the decision is to leave it to a "
     "secret scanner;\n"
     "8. the project's own compose database: the host is a database service "
     "of the project's docker-compose file (an official database image, or a "
     "service setting `POSTGRES_PASSWORD`, `MYSQL_PASSWORD`, "
     "`MARIADB_PASSWORD`...) and the password is one that service declares "
     "(literally, as a `${VAR:-default}` default, or as VAR's value in the "
     "project's env files), or the service declares none. That database "
     "exists only on the compose network a developer starts;\n"
     "9. a sentinel constant: the literal is assigned to a name containing "
     "`placeholder`, `dummy`, `sentinel`, "
     "`fake`, `example` or `invalid` (`DB_PLACEHOLDER_URL = ...`).\n\n"
     "Anything else is reported, including a compose service host the "
     "project's compose file does not run as a database, or a password "
     "other than the one its compose database declares (that may be the "
     "production one). A host filled "
     "in at run time (`{host}`, "
     "`${DB_HOST}`) is a real host: a literal password beside it is reported. "
     "URLs in ini files are PA303's.",
     "Read the URL (or at least the password) from the environment or a secret "
     "store, e.g. "
     "os.environ[\"DATABASE_URL\"]",
     kDeployedCode,
     "Tests and documentation hold throw-away credentials for local or "
     "fictional databases; the application, its scripts and its migrations "
     "reach real ones: production, script and migration files.",
     "Not run by the oracle: credential hygiene, nothing fails."},
    check};

}  // namespace rules
