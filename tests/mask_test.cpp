// The masker and the URL parser (issue #11, part 1): URLs split the way
// SQLAlchemy's _parse_url splits them, and no password, in any spelling,
// reaches any output.
#include "core/mask.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/run.h"
#include "sqla/url.h"
#include "tests/fuzz/mask_properties.h"
#include "tests/temp_dir.h"

namespace {

namespace fs = std::filesystem;

sqla::DatabaseUrl parse(std::string_view text) {
  auto url = sqla::parse_database_url(text, false);
  REQUIRE(url.has_value());
  return *url;
}

}  // namespace

TEST_CASE(
    "url: the password runs from the first ':' to the first '@', as in "
    "SQLAlchemy") {
  // '/', '#', '?', ':', spaces, quotes and backticks are all part of the
  // password.
  for (const std::string password : {"Ab1/x", "Ab1#x", "Ab1?x", "Ab:1", "a b", "a\"b", "a'b", "a`b",
                                     "p%40ss", "pä€", "/?#", "a\nb"}) {
    CAPTURE(password);
    const sqla::DatabaseUrl url =
        parse("postgresql://svc:" + password + "@db:5432/app?sslmode=require");
    CHECK(url.user == "svc");
    CHECK(url.host == "db");
    CHECK(url.port == "5432");
    CHECK(url.database == "app");
    CHECK(url.query == "sslmode=require");
    REQUIRE(url.password.has_value());
    CHECK(*url.password == (password == "p%40ss" ? std::string("p@ss") : password));  // unquote()d
  }
}

TEST_CASE("url: without an '@' after the ':', SQLAlchemy reads host and port") {
  const sqla::DatabaseUrl url = parse("postgresql://svc:Ab1/x");
  CHECK(url.host == "svc");
  CHECK(url.port == "Ab1");
  CHECK(url.database == "x");
  CHECK_FALSE(url.password.has_value());
  // ... and a username ends at the last '@' before the first ':' or '/'.
  const sqla::DatabaseUrl at = parse("postgresql://me@corp@db/app");
  CHECK(at.user == "me@corp");
  CHECK(at.host == "db");
  CHECK_FALSE(at.password.has_value());
}

TEST_CASE(
    "url: a raw '@' in a password moves its tail into the host; the mask "
    "hides it all") {
  const sqla::DatabaseUrl url = parse("postgresql://svc:a@b@db/app");
  CHECK(*url.password == "a");
  CHECK(url.host == "b@db");
  CHECK(url.masked() == "postgresql://svc:***@db/app");
}

TEST_CASE("url: IPv6 hosts, ports, the query and its parse_qsl decoding") {
  const sqla::DatabaseUrl v6 = parse(
      "postgresql+asyncpg://u:p@[::1]:6432/"
      "app?prepared_statement_cache_size=0");
  CHECK(v6.host == "[::1]");
  CHECK(v6.port == "6432");
  CHECK(v6.driver == "asyncpg");
  CHECK(v6.query_param("prepared_statement_cache_size") == "0");
  const sqla::DatabaseUrl q =
      parse("postgresql://db/app?connect%5Ftimeout=10&application_name=a+b&empty=");
  CHECK(q.query_param("connect_timeout") == "10");
  CHECK(q.query_param("application_name") == "a b");
  CHECK_FALSE(q.query_param("empty").has_value());  // parse_qsl drops blank values
  const sqla::DatabaseUrl db = parse("sqlite:///:memory:");
  CHECK(db.database == ":memory:");
  CHECK(db.host.empty());
}

TEST_CASE(
    "mask_url: a literal's password up to its last '@', password-like "
    "query keys") {
  CHECK(core::mask_url("postgresql://svc:Ab1/x@db/app") == "postgresql://svc:***@db/app");
  CHECK(core::mask_url("postgresql://svc:Ab1#x@db/app") == "postgresql://svc:***@db/app");
  CHECK(core::mask_url("postgresql://svc:a b'c\"d`e@db/app") == "postgresql://svc:***@db/app");
  CHECK(core::mask_url("postgresql://svc:a@b@c@db/app") == "postgresql://svc:***@db/app");
  CHECK(core::mask_url("postgresql://svc:***@db/app?password=x y#z&sslmode=require") ==
        "postgresql://svc:***@db/app?password=***&sslmode=require");
  CHECK(core::mask_url("postgresql://db/"
                       "app?PWD=a&SSLPassword=b&api%5Fkey=c&%70assword=d&Token="
                       "e&sslmode=require") ==
        "postgresql://db/"
        "app?PWD=***&SSLPassword=***&api%5Fkey=***&%70assword=***&Token=***&"
        "sslmode=require");
  CHECK(core::mask_url("mssql+pyodbc:///"
                       "?odbc_connect=DRIVER%3D%7BODBC%7D%3BPWD%3Dp%40ss%3BUID%3Dsa") ==
        "mssql+pyodbc:///?odbc_connect=DRIVER%3D%7BODBC%7D%3BPWD%3D***");
  CHECK(core::mask_url("postgresql://svc@db/app") == "postgresql://svc@db/app");
  CHECK(core::mask_url("postgresql://db:5432/app") == "postgresql://db:5432/app");
  CHECK(core::mask_url("postgresql://{user}:{password}@{host}:{port}/app") ==
        "postgresql://{user}:***@{host}:{port}/app");
}

TEST_CASE("mask_secrets: free text, every spelling of a secret") {
  CHECK(core::mask_secrets("x postgresql://u:pw@h/db y mysql://a:b@c") ==
        "x postgresql://u:***@h/db y mysql://a:***@c");
  CHECK(core::mask_secrets("postgresql://u@h/db") == "postgresql://u@h/db");
  CHECK(core::mask_secrets("see https://docs/x and http://localhost:8000/x") ==
        "see https://docs/x and http://localhost:8000/x");
  CHECK(core::mask_secrets("URL postgresql://svc:Ab1/x@db/app here") ==
        "URL postgresql://svc:***@db/app here");
  CHECK(core::mask_secrets("'postgresql://svc:my pass\"word@db/app'") ==
        "'postgresql://svc:***@db/app'");
  CHECK(core::mask_secrets("postgresql://svc:Secr3t@{host}/db") ==
        "postgresql://svc:***@{host}/db");
  CHECK(core::mask_secrets("postgresql://svc:Secr3t/db") ==
        "postgresql://svc:***/db");  // a cut-off password
  CHECK(core::mask_secrets("connect_args={'password': 'Hunter2', 'sslmode': 'require'}") ==
        "connect_args={'password': '***', 'sslmode': 'require'}");
  CHECK(core::mask_secrets("{\"api_key\": \"k-123\", \"user\": \"bob\"}") ==
        "{\"api_key\": \"***\", \"user\": \"bob\"}");
  CHECK(core::mask_secrets("\"message\": \"connect_args={\\\"password\\\": \\\"x\\\"}\"") ==
        "\"message\": \"connect_args={\\\"password\\\": \\\"***\\\"}\"");
  CHECK(core::mask_secrets("DRIVER={ODBC};SERVER=db;PWD={se;cr}}et};UID=sa") ==
        "DRIVER={ODBC};SERVER=db;PWD=***;UID=sa");
  CHECK(core::mask_secrets("Password=abc;Uid=sa") == "Password=***;Uid=sa");
  CHECK(core::mask_secrets("password = hunter2") == "password = ***");
  CHECK(core::mask_secrets("DB_PASSWORD=hunter2\nSECRET_KEY=abc\nDEBUG=1") ==
        "DB_PASSWORD=***\nSECRET_KEY=***\nDEBUG=1");
  CHECK(core::mask_secrets("db_pass: hunter2") == "db_pass: ***");
  CHECK(core::mask_secrets("passive_deletes=True bypass=1 pool_size=5") ==
        "passive_deletes=True bypass=1 pool_size=5");
  // GitHub's workflow commands write '%' as '%25': the key is still found.
  CHECK(core::mask_secrets("odbc_connect=PWD%253Dhunter2%253B") == "odbc_connect=PWD%253D***");
}

TEST_CASE("mask_secrets: idempotent, and a JSON document stays well-formed") {
  for (const std::string text : {"postgresql://u:a@b@h/db", "postgresql://u:@x y@h/db",
                                 "password='x\"y'", "h://a:b\\\"c@d", "pwd:{a"}) {
    CAPTURE(text);
    const std::string once = core::mask_secrets(text);
    CHECK(core::mask_secrets(once) == once);
    const std::string doc = nlohmann::json{{"message", text}}.dump(2);
    CHECK(nlohmann::json::accept(core::mask_secrets(doc)));
  }
}

TEST_CASE("is_secret_key: password-like keys, case-insensitive, percent-encoded") {
  for (const char *key :
       {"password", "PASSWORD", "pwd", "PWD", "passwd", "pass", "db_pass", "secret", "SECRET_KEY",
        "token", "access_token", "api_key", "apikey", "sslpassword", "%70assword", "DB_PASSWORD"}) {
    CAPTURE(key);
    CHECK(core::is_secret_key(key));
  }
  for (const char *key :
       {"user", "host", "sslmode", "passive_deletes", "bypass", "compass", "pool_size", "url"}) {
    CAPTURE(key);
    CHECK_FALSE(core::is_secret_key(key));
  }
}

namespace {

/// "Zq" c "Vx7" c "Kw" for every printable ASCII c, a few non-ASCII ones and
/// one with every special character at once: "Vx7" is in the middle, so any
/// part of a password that survives shows it.
std::vector<std::string> secrets() {
  std::vector<std::string> out;
  for (char c = 0x20; c < 0x7f; ++c) out.push_back(std::string("Zq") + c + "Vx7" + c + "Kw");
  out.push_back("ZqpäVx7€ßKw");
  out.push_back("Zq密码Vx7Kw");
  out.push_back("Zq #/?:@'\"`\\{}%&;=+,<>|Vx7 #/?:@'\"`\\{}%&;=+,<>|Kw");
  return out;
}

std::string python_string(std::string_view s, bool f_string) {
  std::string out = f_string ? "f\"" : "\"";
  for (const char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (f_string && (c == '{' || c == '}')) out += c;
    out += c;
  }
  return out + "\"";
}

std::string percent_encoded(std::string_view s) { return mask_fuzz::percent_encode(s); }

/// One small project: the secret in every spelling the issue names.
void write_project(const tests::TempDir &dir, size_t index, const std::string &s) {
  const std::string p = "p" + std::to_string(index) + "/";
  const std::string enc = percent_encoded(s);
  std::string odbc_braced;
  for (const char c : s) odbc_braced += c == '}' ? std::string("}}") : std::string(1, c);
  std::string py = "import os\nfrom sqlalchemy import create_engine\n";
  py += "e1 = create_engine(" +
        python_string("postgresql://svc:" + s + "@db.internal:5432/app", false) + ")\n";
  std::string f_string = python_string("postgresql://svc:" + s + "@", true);
  f_string.pop_back();  // the closing quote: the host is an f-string field
  py += "e2 = create_engine(" + f_string + "{os.environ['DB_HOST']}/app\")\n";
  py += "e3 = create_engine(" +
        python_string("postgresql://db.internal/app?sslmode=require&password=" + enc, false) +
        ")\n";
  if (s.find('&') == std::string::npos) {
    py += "e4 = create_engine(" +
          python_string("postgresql://db.internal/app?sslpassword=" + s, false) + ")\n";
  }
  py +=
      "e5 = create_engine(\"postgresql://db.internal/app\", "
      "connect_args={\"password\": " +
      python_string(s, false) + ", \"sslmode\": \"require\"})\n";
  py += "e6 = create_engine(" +
        python_string(
            "mssql+pyodbc:///"
            "?odbc_connect=DRIVER%3D%7BODBC+Driver+18%7D%3BSERVER%3Ddb%3BPWD%3D" +
                enc + "%3B",
            false) +
        ")\n";
  py +=
      "e7 = create_engine(\"mssql+pyodbc://\", "
      "connect_args={\"odbc_connect\": " +
      python_string("DRIVER={ODBC Driver 18};SERVER=db;PWD={" + odbc_braced + "};", false) + "})\n";
  py += "DB_PASSWORD = " + python_string(s, false) + "\n";
  py +=
      "e8 = create_engine(f\"postgresql://svc:{DB_PASSWORD}@db.internal/app\", "
      "pool_size=5)\n";
  dir.write(p + "app.py", py);
  std::string ini_value;  // configparser interpolation: '%' is written '%%'
  for (const char c : s) ini_value += c == '%' ? std::string("%%") : std::string(1, c);
  dir.write(p + "alembic.ini",
            "[alembic]\nscript_location = migrations\nsqlalchemy.url = "
            "postgresql://svc:" +
                ini_value + "@db.internal/app\n\n[db]\npassword = " + ini_value + "\n");
  dir.write(p + ".env",
            "DATABASE_URL=postgresql://svc:" + s + "@db.internal/app\nDB_PASSWORD=" + s + "\n");
}

struct Output {
  int code;
  std::string text;
};

Output run(app::Options options) {
  options.jobs = 2;
  options.color = "never";
  options.isolated = true;
  std::ostringstream out;
  std::ostringstream err;
  const int code = app::run(options, out, err, false);
  return {code, out.str() + err.str()};
}

}  // namespace

TEST_CASE(
    "no password in any output: every printable character, every "
    "spelling, all six formats and --dump-facts") {
  const tests::TempDir dir;
  const std::vector<std::string> all = secrets();
  for (size_t i = 0; i < all.size(); ++i) write_project(dir, i, all[i]);
  size_t outputs = 0;
  for (const std::string format : {"text", "markdown", "json", "sarif", "github", "gitlab"}) {
    app::Options options;
    options.paths = {dir.path().string()};
    options.format = format;
    options.select = {"ALL"};
    const Output o = run(options);
    CAPTURE(format);
    CHECK(o.code == app::kExitFindings);
    CHECK(o.text.find("PA113") != std::string::npos);  // the credential findings are there, masked
    CHECK(o.text.find("***") != std::string::npos);
    const size_t at = o.text.find("Vx7");
    CHECK_MESSAGE(at == std::string::npos,
                  "a password survives: ..." << o.text.substr(at - std::min<size_t>(at, 80), 160));
    ++outputs;
  }
  app::Options dump;
  dump.dump_facts = {dir.path().string()};
  const Output facts = run(dump);
  CHECK(facts.code == app::kExitClean);
  CHECK(facts.text.find("url postgresql://svc:***@db.internal:5432/app") != std::string::npos);
  const size_t at = facts.text.find("Vx7");
  CHECK_MESSAGE(at == std::string::npos, "a password survives: ..." << facts.text.substr(
                                             at - std::min<size_t>(at, 80), 160));
  CHECK(outputs == 6);
}

TEST_CASE("no password in error messages: they leave through the same masker") {
  app::Options options;
  options.paths = {"postgresql://svc:Ab1/Vx7@db/app"};
  options.baseline = "/nonexistent/postgresql://svc:Ab1/Vx7@db/app";
  const Output o = run(options);
  CHECK(o.code == app::kExitUsage);
  CHECK(o.text.find("postgresql://svc:***@db/app") != std::string::npos);
  CHECK(o.text.find("Vx7") == std::string::npos);
}
