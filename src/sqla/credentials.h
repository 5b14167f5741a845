#pragma once
// PA113 / PA303's one policy: when the password in a database URL is a
// credential worth reporting. A password is not reported when the URL cannot
// reach a real server (local or reserved hosts), when the password or the whole
// URL is a placeholder or template, when the string is a pattern that matches
// URLs rather than a URL, when the literal is a named placeholder / sentinel
// constant, or when the password is too short to protect anything (fewer than 4
// characters: test vectors), or when it is the credential of the project's own
// docker-compose database (the URL's host is that service).
#include <optional>
#include <string>
#include <string_view>

#include "sqla/url.h"

namespace sqla {

struct DeploymentFacts;

/// Why the URL's password is not a credential ("reserved host example.com",
/// "placeholder password"); nullopt when it is one (or when the URL has no
/// password, which is not a credential either: callers check `url.password`
/// first). `assigned_to` is the name the literal is assigned to, if any; with
/// `deployment`, the project's compose databases are known
/// (compose_database_credential).
std::optional<std::string>
not_a_credential(const DatabaseUrl &url, std::string_view assigned_to = {},
                 const DeploymentFacts *deployment = nullptr);

/// Why the URL holds a local development credential of the project itself:
/// its host is a database service of the project's docker-compose file (an
/// official database image, or a service setting POSTGRES_PASSWORD & co.),
/// and its password is one that service declares (literally, as a
/// `${VAR:-default}` default, or as VAR's value in the project's env files),
/// or the service declares none. Such a database exists only on the compose
/// network the developer starts. nullopt otherwise: a different password on
/// that host may be the production one.
std::optional<std::string>
compose_database_credential(const DatabaseUrl &url,
                            const DeploymentFacts &deployment);

/// A host no real deployment resolves: RFC 2606 / 6761 reserved names (.test,
/// .example, .invalid, .localhost, example.com/.net/.org), a label naming a
/// placeholder (`invalid.local`), `<host>`, or a word that describes a host
/// (`host`, `hostname`, `server`, `database`). `{host}` and `${DB_HOST}` are
/// not: the program fills in a real host there.
bool is_placeholder_host(std::string_view host);

/// A password that says it stands for one, whatever the host: `changeme`,
/// `xxx`, `***`, `placeholder`, `your_password`, templates (`${X}`, `{x}`,
/// `%(x)s`, `<x>`, `$X`), a weak word beside a user naming the field
/// (`user:pass`, the Alembic template; `username:password`), SQLAlchemy's
/// `scott:tiger`.
bool is_placeholder_password(std::string_view user, std::string_view password);

/// A weak word documentation uses for a password and deployments use too
/// (`password`, `pass`, `secret`, `test`): a placeholder only on a host no
/// network resolves (is_network_host).
bool is_weak_password(std::string_view password);

/// A host a network resolves: an IP address or a name with a dot (`10.0.0.5`,
/// `db.internal`, `x.rds.amazonaws.com`), not a single label (`db`, a compose
/// service) nor a `.local` / `.localdomain` name.
bool is_network_host(std::string_view host);

/// The text is a regular expression or glob that matches URLs (`[^:]+`, `\d+`,
/// `.*`), not a URL.
bool is_url_pattern(const DatabaseUrl &url);

} // namespace sqla
