#pragma once
// PA113 / PA303's one policy: when the password in a database URL is a
// credential worth reporting. A password is not reported when the URL cannot
// reach a real server (local or reserved hosts), when the password or the whole
// URL is a placeholder or template, when the string is a pattern that matches
// URLs rather than a URL, when the literal is a named placeholder / sentinel
// constant, or when the password is too short to protect anything (fewer than 4
// characters: test vectors).
#include <optional>
#include <string>
#include <string_view>

#include "sqla/url.h"

namespace sqla {

/// Why the URL's password is not a credential ("reserved host example.com",
/// "placeholder password"); nullopt when it is one (or when the URL has no
/// password, which is not a credential either: callers check `url.password`
/// first). `assigned_to` is the name the literal is assigned to, if any.
std::optional<std::string> not_a_credential(const DatabaseUrl &url,
                                            std::string_view assigned_to = {});

/// A host no real deployment resolves: RFC 2606 / 6761 reserved names (.test,
/// .example, .invalid, .localhost, example.com/.net/.org), a label naming a
/// placeholder (`invalid.local`), `<host>`, or a word that describes a host
/// (`host`, `hostname`, `server`, `database`). `{host}` and `${DB_HOST}` are
/// not: the program fills in a real host there.
bool is_placeholder_host(std::string_view host);

/// A password that stands for one: `password`, `changeme`, `xxx`, `***`,
/// `placeholder`, templates
/// (`${X}`, `{x}`, `%(x)s`, `<x>`, `$X`), the Alembic template `user:pass`,
/// SQLAlchemy's `scott:tiger`.
bool is_placeholder_password(std::string_view user, std::string_view password);

/// The text is a regular expression or glob that matches URLs (`[^:]+`, `\d+`,
/// `.*`), not a URL.
bool is_url_pattern(const DatabaseUrl &url);

} // namespace sqla
