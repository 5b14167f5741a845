#include "sqla/credentials.h"

#include <algorithm>
#include <array>
#include <vector>

#include "core/text.h"

namespace sqla {
namespace {

using core::lower;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

/// `${X}`, `{x}`, `{{ x }}`, `%(x)s`, `<x>`, `$X`: filled in later, not a
/// value.
bool is_template(std::string_view text) {
  if (text.empty())
    return false;
  return text.find('{') != std::string_view::npos ||
         text.find("%(") != std::string_view::npos ||
         (text.front() == '<' && text.back() == '>') || text.front() == '$';
}

/// The labels of a host name ("db.example.com" -> db, example, com).
std::vector<std::string_view> labels(std::string_view host) {
  std::vector<std::string_view> out;
  while (!host.empty()) {
    const size_t dot = host.find('.');
    out.push_back(host.substr(0, dot));
    if (dot == std::string_view::npos)
      break;
    host.remove_prefix(dot + 1);
  }
  return out;
}

// Words that stand for a password in documentation, templates and guard
// constants.
constexpr std::array<std::string_view, 38> kPlaceholderPasswords = {
    "pass",
    "password",
    "passwd",
    "pwd",
    "pw",
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "secret",
    "mysecret",
    "mysecretpassword",
    "your_password",
    "your-password",
    "yourpassword",
    "my_password",
    "mypassword",
    "db_password",
    "dbpassword",
    "placeholder",
    "dummy",
    "fake",
    "example",
    "sample",
    "redacted",
    "hidden",
    "masked",
    "replace_me",
    "replaceme",
    "todo",
    "fixme",
    "none",
    "null",
    "test",
    "testing",
    "foo",
    "bar",
    "foobar"};

// Labels that make a host a placeholder wherever they appear (`invalid.local`,
// `placeholder.db`).
// (`example` is not one: example.io is a real domain; example.com & co. are
// reserved below.)
constexpr std::array<std::string_view, 5> kPlaceholderLabels = {
    "invalid", "placeholder", "dummy", "fake", "your-host"};
// Whole host names that describe a host rather than name one
// (`custom:system@database/engine`). `db` and `postgres` are left out: they are
// docker-compose service names that real projects use.
constexpr std::array<std::string_view, 12> kDescriptiveHosts = {
    "host",    "hostname", "server",    "database", "dbhost",    "db-host",
    "db_host", "yourhost", "your_host", "myhost",   "some-host", "somehost"};
// RFC 2606 / 6761 reserved top-level names: never resolvable on the internet.
constexpr std::array<std::string_view, 4> kReservedTlds = {
    "test", "example", "invalid", "localhost"};
constexpr std::array<std::string_view, 3> kReservedDomains = {
    "example.com", "example.net", "example.org"};
// Names of constants that hold a URL on purpose as a stand-in.
constexpr std::array<std::string_view, 6> kSentinelNames = {
    "placeholder", "dummy", "sentinel", "fake", "example", "invalid"};

template <size_t N>
bool contains(const std::array<std::string_view, N> &list,
              std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

} // namespace

bool is_placeholder_host(std::string_view raw) {
  std::string host = lower(raw);
  while (!host.empty() && host.back() == '.')
    host.pop_back();
  // `<host>` is documentation; `{host}` and `${DB_HOST}` are filled in at run
  // time with a real host.
  if (host.size() > 1 && host.front() == '<' && host.back() == '>')
    return true;
  if (contains(kDescriptiveHosts, host))
    return true;
  const std::vector<std::string_view> parts = labels(host);
  if (parts.empty())
    return false;
  if (contains(kReservedTlds, parts.back()))
    return true;
  for (std::string_view domain : kReservedDomains) {
    if (host == domain || ends_with(host, "." + std::string(domain)))
      return true;
  }
  return std::any_of(parts.begin(), parts.end(), [](std::string_view l) {
    return contains(kPlaceholderLabels, l);
  });
}

bool is_placeholder_password(std::string_view user, std::string_view password) {
  if (password.empty())
    return true;
  const std::string p = lower(password);
  if (contains(kPlaceholderPasswords, p))
    return true;
  if (p.find_first_not_of('*') == std::string::npos ||
      p.find_first_not_of('x') == std::string::npos)
    return true;
  if (is_template(p))
    return true;
  // The Alembic template (driver://user:pass@localhost/dbname), SQLAlchemy's
  // documentation (scott:tiger), and `username:password` spelled out.
  const std::string u = lower(user);
  return (u == "scott" && p == "tiger") || (u == "user" && p == "pass");
}

bool is_url_pattern(const DatabaseUrl &url) {
  static constexpr std::string_view kRegexTokens[] = {
      "[^", "]+", "]*", "\\d", "\\w", "\\s", "\\.", ".*", ".+", "(?", "\\/"};
  for (std::string_view token : kRegexTokens) {
    if (url.text.find(token) != std::string::npos)
      return true;
  }
  // A host name is letters, digits, '-', '_' and '.' (or a bracketed IPv6
  // literal); anything else is a pattern or a template, not a server to connect
  // to.
  const std::string_view host = url.host;
  if (!host.empty() && host.front() == '[')
    return host.back() != ']';
  // Template fields (`{host}`, `${DB_HOST}`, `%(host)s`, `<host>`) are not
  // pattern syntax.
  if (host.find_first_of("{$<") != std::string_view::npos ||
      host.find("%(") != std::string_view::npos)
    return false;
  return host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST"
                                "UVWXYZ0123456789-_.%") !=
         std::string_view::npos;
}

std::optional<std::string> not_a_credential(const DatabaseUrl &url,
                                            std::string_view assigned_to) {
  if (!url.password)
    return "no password";
  if (url.is_sqlite())
    return "SQLite has no password";
  if (url.is_local_host())
    return "local host " +
           (url.host.empty() ? std::string("(socket)") : url.host);
  if (is_url_pattern(url))
    return "a pattern that matches URLs, not a URL";
  if (is_placeholder_host(url.host))
    return "placeholder or reserved host " + url.host;
  if (is_placeholder_password(url.user, *url.password))
    return "placeholder password";
  if (url.password->size() < 4)
    return "a password of fewer than 4 characters (a test vector)";
  const std::string name = lower(assigned_to);
  for (std::string_view word : kSentinelNames) {
    if (name.find(word) != std::string::npos)
      return "a " + std::string(word) + " constant";
  }
  return std::nullopt;
}

} // namespace sqla
