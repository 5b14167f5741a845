#include "sqla/credentials.h"

#include <algorithm>
#include <array>
#include <vector>

#include "core/text.h"
#include "sqla/facts.h"

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

// Passwords that say they are not one: whatever the host, nobody deploys them on purpose.
constexpr std::array<std::string_view, 25> kPlaceholderPasswords = {
    "changeme",    "change_me",     "change-me",  "changeit",  "your_password",
    "your-password", "yourpassword", "my_password", "mypassword", "db_password",
    "dbpassword",  "placeholder",   "dummy",      "fake",      "example",
    "sample",      "redacted",      "hidden",     "masked",    "replace_me",
    "replaceme",   "todo",          "fixme",      "none",      "null"};
// Weak words that documentation uses as a password and real deployments use too: a placeholder
// only where the URL cannot reach a server on a network (a compose service name, `.local`); on a
// real host (an IP address, an RDS or any other fully qualified name) they are the credential.
constexpr std::array<std::string_view, 13> kWeakPasswords = {
    "pass", "password", "passwd", "pwd",  "pw",  "secret", "mysecret",
    "mysecretpassword", "test", "testing", "foo", "bar", "foobar"};
// Users that name the field rather than an account: with a weak password the URL documents its
// own shape (`user:password@host`).
constexpr std::array<std::string_view, 10> kPlaceholderUsers = {
    "user", "username", "usr", "dbuser", "db_user", "youruser", "your_user", "myuser", "my_user",
    "login"};
// Suffixes of names that only a local network resolves (mDNS, resolver defaults).
constexpr std::array<std::string_view, 2> kLocalOnlyTlds = {"local", "localdomain"};

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

// The official database images' password variables (also read from an env_file).
constexpr std::array<std::string_view, 6> kImagePasswordVariables = {
    "POSTGRES_PASSWORD", "MYSQL_PASSWORD",        "MYSQL_ROOT_PASSWORD",
    "MARIADB_PASSWORD",  "MARIADB_ROOT_PASSWORD", "PGPASSWORD"};

/// The values a compose setting can take: a literal is itself; `${NAME:-default}`, `${NAME-x}`,
/// `${NAME}` and `$NAME` are the default and every value the project's env files give NAME.
std::vector<std::string> compose_values(const std::string &setting,
                                        const DeploymentFacts &deployment) {
  std::string_view text = setting;
  std::string_view name;
  std::optional<std::string_view> fallback;
  if (text.starts_with("${") && text.ends_with("}")) {
    const std::string_view inner = text.substr(2, text.size() - 3);
    const size_t cut = inner.find_first_of(":-?");
    name = inner.substr(0, cut);
    // `:-x` / `-x` give a default; `:?message` / `?message` only an error.
    if (cut != std::string_view::npos) {
      const std::string_view rest = inner.substr(cut);
      if (rest.starts_with(":-"))
        fallback = rest.substr(2);
      else if (rest.starts_with("-"))
        fallback = rest.substr(1);
    }
  } else if (text.starts_with("$") && text.size() > 1) {
    name = text.substr(1);
  } else {
    return {setting};
  }
  std::vector<std::string> out;
  if (fallback)
    out.emplace_back(*fallback);
  for (const EnvVariable &v : deployment.env) {
    if (v.name == name)
      out.push_back(v.value);
  }
  return out;
}

} // namespace

std::optional<std::string>
compose_database_credential(const DatabaseUrl &url,
                            const DeploymentFacts &deployment) {
  if (!url.password || url.host.empty())
    return std::nullopt;
  const std::string host = lower(url.host);
  for (const ComposeDatabase &db : deployment.compose_databases) {
    if (std::none_of(db.hosts.begin(), db.hosts.end(),
                     [&](const std::string &h) { return lower(h) == host; }))
      continue;
    const std::string where = "the project's compose database service `" +
                              db.hosts.front() + "` (" + db.where.path + ")";
    std::vector<std::string> settings = db.passwords;
    if (settings.empty()) {
      // No password in `environment`: the image reads it from an env_file, which the project's
      // env files hold; with none anywhere the server takes any password (trust) or none.
      for (std::string_view name : kImagePasswordVariables)
        settings.push_back("${" + std::string(name) + "}");
      bool declared = false;
      for (const std::string &setting : settings)
        declared |= !compose_values(setting, deployment).empty();
      if (!declared)
        return "a password of " + where;
    }
    for (const std::string &setting : settings) {
      for (const std::string &value : compose_values(setting, deployment)) {
        if (value == *url.password)
          return "the password " + where + " declares";
      }
    }
  }
  return std::nullopt;
}

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
  return (u == "scott" && p == "tiger") ||
         (contains(kPlaceholderUsers, u) && contains(kWeakPasswords, p));
}

bool is_weak_password(std::string_view password) {
  return contains(kWeakPasswords, lower(password));
}

bool is_network_host(std::string_view raw) {
  std::string host = lower(raw);
  while (!host.empty() && host.back() == '.')
    host.pop_back();
  if (host.empty())
    return false;
  // A bracketed IPv6 literal, or any name with a dot: a DNS name or an IPv4 address. A single
  // label (`db`, `postgres`) is a compose / Kubernetes service or a documentation word.
  if (host.front() == '[' || host.find(':') != std::string::npos)
    return true;
  const std::vector<std::string_view> parts = labels(host);
  return parts.size() > 1 && !contains(kLocalOnlyTlds, parts.back());
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
                                            std::string_view assigned_to,
                                            const DeploymentFacts *deployment) {
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
  if (is_weak_password(*url.password) && !is_network_host(url.host))
    return "placeholder password on a host no network resolves (" + url.host + ")";
  if (url.password->size() < 4)
    return "a password of fewer than 4 characters (a test vector)";
  if (deployment) {
    if (auto why = compose_database_credential(url, *deployment))
      return why;
  }
  const std::string name = lower(assigned_to);
  for (std::string_view word : kSentinelNames) {
    if (name.find(word) != std::string::npos)
      return "a " + std::string(word) + " constant";
  }
  return std::nullopt;
}

} // namespace sqla
