#pragma once
// Runs the real poolaudit binary through the shell, as a user or a CI job
// would, capturing its exit code and both streams.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/temp_dir.h"

namespace tests {

struct CliResult {
  int code = -1;  ///< the exit status; -1 when killed by a signal (a crash)
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// `s` single-quoted for sh (any bytes but NUL).
inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Runs a shell command in the source directory; stdin is /dev/null.
inline CliResult run_shell(const std::string& command) {
  static TempDir streams;
  const std::filesystem::path out = streams.path() / "stdout";
  const std::filesystem::path err = streams.path() / "stderr";
  const std::string line = "cd " + shell_quote(POOLAUDIT_SOURCE_DIR) + " && " + command + " >" +
                           shell_quote(out.string()) + " 2>" + shell_quote(err.string()) +
                           " </dev/null";
  const int status = std::system(line.c_str());
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

/// Runs `poolaudit args` (args already quoted) without NO_COLOR.
inline CliResult run_poolaudit(const std::string& args) {
  return run_shell("env -u NO_COLOR " + shell_quote(POOLAUDIT_BINARY) + " " + args);
}

}  // namespace tests
