#pragma once
// The properties of the URL parser and the masker, shared by the libFuzzer
// target (tests/fuzz/fuzz_mask.cpp) and the unit tests that replay its finds
// (tests/mask_test.cpp). Property: no secret survives. The input is a spelling
// selector and a secret; the secret is put into that spelling (a URL's
// userinfo, a query value, an ODBC string, a dict entry, an ini or .env line, a
// JSON report line) and the masked text must not hold it. Any input must also
// mask idempotently, keep a JSON document well-formed, and parse as a URL
// without a crash.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/mask.h"
#include "sqla/url.h"

namespace mask_fuzz {

struct Violation {
  std::string what;
};

[[noreturn]] inline void fail(const char *property, std::string_view input,
                              std::string_view output) {
  throw Violation{std::string("property violated: ") + property + "\ninput:  [" +
                  std::string(input) + "]\noutput: [" + std::string(output) + "]"};
}

inline std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (std::isalnum(b) != 0) {
      out += c;
    } else {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
  }
  return out;
}

inline bool has_any(std::string_view s, std::string_view chars) {
  return s.find_first_of(chars) != std::string_view::npos;
}

/// Secrets that cannot be told from the template or from a mask are not secrets
/// to look for.
inline bool meaningful(std::string_view secret) {
  return secret.size() >= 3 && secret.find_first_not_of("*\\") != std::string_view::npos;
}

/// In free text, a password whose part before its first raw '@' already reads
/// as a mask (`***@x`) is taken for a masked one: the masker is idempotent, and
/// the tail past the '@' is SQLAlchemy's host.
inline bool masked_before_at(std::string_view secret) {
  const std::string_view head = secret.substr(0, secret.find('@'));
  return head.empty() ? false : head.find_first_not_of("*\\") == std::string_view::npos;
}

/// `secret` must not be in `output` unless the text around it holds it anyway
/// (a secret "ord" is in "password"): `context` is the same template with `***`
/// in the secret's place.
inline void check_absent(const char *property, std::string_view secret, const std::string &input,
                         const std::string &output, const std::string &context) {
  if (output.find(secret) == std::string::npos || context.find(secret) != std::string::npos) return;
  fail(property, input, output);
}

/// Checks every property on one input (a spelling selector byte, then the
/// secret).
inline void check_properties(std::string_view all) {
  if (all.empty()) return;
  const unsigned selector = static_cast<unsigned char>(all[0]);
  const std::string_view secret = all.substr(1);

  // Arbitrary text: no crash, idempotent, and a masked JSON document still
  // parses.
  const std::string once = core::mask_secrets(all);
  if (core::mask_secrets(once) != once) fail("idempotent", all, once);
  (void)sqla::parse_database_url(all, false);
  (void)core::mask_url(all);
  const std::string doc = nlohmann::json{{"message", std::string(all)}}.dump(
      2, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string masked_doc = core::mask_secrets(doc);
  if (!nlohmann::json::accept(masked_doc)) fail("JSON stays well-formed", doc, masked_doc);

  if (!meaningful(secret)) return;
  const std::string s(secret);
  const bool one_line = !has_any(secret, "\n\r");
  // A bare value that starts with the mask is taken for a masked one
  // (idempotence).
  const bool starts_masked = secret.substr(0, 3) == "***";
  const std::string enc = percent_encode(secret);
  // Each spelling as a template: the text with the secret, the same text with
  // *** instead.
  auto check = [&](const char *property, std::string_view needle, auto make, auto mask) {
    const std::string input = make(std::string(secret), enc);
    check_absent(property, needle, input, mask(input),
                 make(std::string("***"), std::string("***")));
  };
  auto url_mask = [](const std::string &t) { return core::mask_url(t); };
  auto text_mask = [](const std::string &t) { return core::mask_secrets(t); };
  switch (selector % 8) {
    case 0: {  // a URL literal: the password runs to the last '@', whatever it
               // holds
      auto make = [](const std::string &x, const std::string &) {
        return "postgresql+psycopg2://svc:" + x + "@db.example:5432/app?sslmode=require";
      };
      check("URL literal", secret, make, url_mask);
      const std::string url = make(s, enc);
      const std::string masked = core::mask_url(url);
      if (!has_any(secret, "@")) {  // with a raw '@', SQLAlchemy's own split may
                                    // put the host in the query
        if (masked.find("@db.example:5432/app") == std::string::npos)
          fail("host kept", url, masked);
        const auto parsed = sqla::parse_database_url(url, false);
        if (!parsed || parsed->host != "db.example" || parsed->port != "5432" ||
            parsed->database != "app" || parsed->user != "svc") {
          fail("parsed like SQLAlchemy", url,
               parsed ? parsed->host + " " + parsed->port : "nullopt");
        }
      }
      break;
    }
    case 1: {  // free text around a URL, one line: SQLAlchemy's password (to the
               // first '@') at least
      if (!one_line || masked_before_at(secret)) break;
      auto make = [](const std::string &x, const std::string &) {
        return "engine 'mysql://root:" + x + "@10.0.0.5/shop' in app.py";
      };
      if (!has_any(secret, "@")) {
        check("URL in free text", secret, make, text_mask);
      } else if (const std::string head = "root:" + s.substr(0, s.find('@')) + "@";
                 head.size() > 6 && s.find(head) == std::string::npos) {
        // A raw '@' ends SQLAlchemy's password; past it, free text cannot tell
        // password from host.
        check("URL in free text (raw '@')", head, make, text_mask);
      }
      break;
    }
    case 2: {  // a password-like query key, percent-encoded value (as a valid URL
               // writes it)
      auto make = [](const std::string &, const std::string &e) {
        return "postgresql://db/app?sslmode=require&PassWord=" + e + "&x=1";
      };
      check("query value", enc, make, url_mask);
      check("query value (free text)", enc, make, text_mask);
      break;
    }
    case 3:  // a raw query value without '&': the literal's extent is known
      if (has_any(secret, "&")) break;
      check(
          "raw query value", secret,
          [](const std::string &x, const std::string &) {
            return "postgresql://u@db/app?sslpassword=" + x;
          },
          url_mask);
      break;
    case 4: {  // ODBC connection string inside odbc_connect, percent-encoded
      auto make = [](const std::string &, const std::string &e) {
        return "mssql+pyodbc:///"
               "?odbc_connect=DRIVER%3D%7BODBC+Driver+18%7D%3BSERVER%3Ddb%3BPWD%"
               "3D" +
               e + "%3BUID%3Dsa";
      };
      check("odbc_connect", enc, make, text_mask);
      check("odbc_connect (literal)", enc, make, url_mask);
      break;
    }
    case 5:  // a dict entry / keyword in free text, quoted with a quote the secret
             // does not hold
      if (!one_line) break;
      if (!has_any(secret, "'\\")) {
        check(
            "dict entry", secret,
            [](const std::string &x, const std::string &) {
              return "connect_args={'password': '" + x + "', 'sslmode': 'require'}";
            },
            text_mask);
      }
      if (!has_any(secret, "\"\\")) {
        check(
            "JSON entry", secret,
            [](const std::string &x, const std::string &) { return "{\"Token\": \"" + x + "\"}"; },
            text_mask);
      }
      break;
    case 6:  // ini and .env lines: a bare value ends at a blank, a quote, ';', ','
             // or '&'
      if (!one_line || starts_masked || has_any(secret, " \t\v\f'\"`\\&;,<>")) break;
      check(
          "ini value", secret,
          [](const std::string &x, const std::string &) { return "password = " + x; }, text_mask);
      check(
          ".env value", secret,
          [](const std::string &x, const std::string &) { return "DB_PASSWORD=" + x; }, text_mask);
      check(
          "ODBC value", secret,
          [](const std::string &x, const std::string &) { return "PWD=" + x + ";UID=sa"; },
          text_mask);
      break;
    case 7: {  // the output pass over a JSON-escaped report line
      if (!one_line || masked_before_at(secret)) break;
      auto json_line = [](const std::string &x, const std::string &) {
        return nlohmann::json{{"message", "hard-coded in postgresql://svc:" + x + "@db/app"}}.dump(
            2, ' ', false, nlohmann::json::error_handler_t::replace);
      };
      const std::string line = json_line(s, enc);
      const std::string masked = core::mask_secrets(line);
      if (!nlohmann::json::accept(masked)) fail("JSON stays well-formed", line, masked);
      const std::string head = has_any(secret, "@") ? s.substr(0, s.find('@')) : s;
      const std::string escaped =
          nlohmann::json(head).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      const std::string tail = head.size() < s.size() ? s.substr(head.size()) : "";
      if (escaped.size() > 2 && tail.find("svc:") == std::string::npos)
        check("URL in JSON",
              "svc:" + escaped.substr(1, escaped.size() - 2) + (head.size() < s.size() ? "@" : ""),
              json_line, text_mask);
      break;
    }
  }
}

}  // namespace mask_fuzz

/// "" when every property holds, else which one failed, on which text, with
/// what output.
inline std::string mask_property_violation(std::string_view input) {
  try {
    mask_fuzz::check_properties(input);
  } catch (const mask_fuzz::Violation &v) {
    return v.what;
  }
  return "";
}
