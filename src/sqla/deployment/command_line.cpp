#include "sqla/deployment/command_line.h"

#include <optional>

#include "core/text.h"
#include "sqla/deployment/helpers.h"
#include "sqla/services.h"

namespace sqla::deploy {

using core::basename;
using core::dirname;

std::vector<std::string> shell_words(std::string_view cmd) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : cmd) {
    if (quote) {
      if (c == quote) quote = 0;
      else word += c;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) out.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    if (c == ';' || c == '&' || c == '|') {  // separators end a command
      if (in_word) out.push_back(std::move(word));
      word.clear();
      in_word = false;
      out.emplace_back(1, ';');
      continue;
    }
    word += c;
    in_word = true;
  }
  if (in_word) out.push_back(std::move(word));
  return out;
}

namespace {

/// `-w 4`, `-w4`, `--workers 4`, `--workers=4`: the option's value, advancing `i`.
std::optional<std::string> option_value(const std::vector<std::string>& w, size_t& i, std::string_view short_name,
                                        std::string_view long_name) {
  const std::string& a = w[i];
  if ((!short_name.empty() && a == short_name) || a == long_name) {
    if (i + 1 < w.size()) return w[++i];
    return std::nullopt;
  }
  if (!long_name.empty() && a.starts_with(std::string(long_name) + "=")) return a.substr(long_name.size() + 1);
  if (!short_name.empty() && short_name.size() == 2 && a.starts_with(short_name) && a.size() > 2 && a[2] != '-') {
    return a.substr(2);
  }
  return std::nullopt;
}

/// True when the simple command starting at `first` only names programs instead of running them:
/// `pip install gunicorn uvicorn`, `apt-get install -y gunicorn`, `echo "start uvicorn"`,
/// `which gunicorn`. A runner such as `poetry run` or `uv run` still runs the words after it.
bool names_programs(const std::vector<std::string>& words, size_t first) {
  static constexpr std::string_view kNamers[] = {
      "pip", "pip3", "pipx", "apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper", "conda",
      "mamba", "micromamba", "brew", "echo", "printf", "which", "command", "type", "hash", "grep",
      "cat", "test", "[", "ls", "rm", "cp", "mv", "chmod", "chown", "mkdir", "touch"};
  static constexpr std::string_view kRunnerTools[] = {"poetry", "uv", "pdm", "hatch", "pipenv", "rye"};
  const std::string_view head = basename(words[first]);
  for (std::string_view n : kNamers) {
    if (head == n) return true;
  }
  for (std::string_view t : kRunnerTools) {
    // `poetry add gunicorn`, `uv pip install uvicorn`: only `<tool> run ...` runs a program.
    if (head == t) return first + 1 >= words.size() || words[first + 1] != "run";
  }
  return (head == "python" || head.starts_with("python3")) && first + 2 < words.size() &&
         words[first + 1] == "-m" && (words[first + 2] == "pip" || words[first + 2] == "venv");
}

}  // namespace

void parse_command(std::string_view cmd, const core::Location& where, DeploymentFacts& out, int depth) {
  if (depth > 3) return;
  const std::vector<std::string> words = shell_words(cmd);
  size_t command_start = 0;  // the first word of the simple command that words[i] belongs to
  // `cd services/web && gunicorn app:app`: the server runs the code of that directory (services.h).
  std::string directory = dirname(where.path);
  bool directory_known = true;
  bool changed_directory = false;
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i] == ";") {
      command_start = i + 1;
      continue;
    }
    if (i == command_start && words[i] == "cd") {
      const std::string to = i + 1 < words.size() && words[i + 1] != ";" ? words[i + 1] : std::string();
      const std::string next = code_directory(directory, to);
      if (!next.empty()) directory = next;
      else if (to != "." && to != "./") directory_known = false;  // home, absolute, `..`, a variable
      changed_directory = true;
      continue;
    }
    if (names_programs(words, command_start)) continue;
    // `sh -c "gunicorn ..."`: the quoted string is a command of its own.
    if (words[i].find(' ') != std::string::npos) {
      parse_command(words[i], where, out, depth + 1);
      continue;
    }
    std::string_view name = basename(words[i]);
    size_t start = i;
    if ((name == "python" || name.starts_with("python3")) && i + 2 < words.size() && words[i + 1] == "-m") {
      name = words[i + 2];
      start = i + 2;
    }
    // FastAPI's CLI: `fastapi run` serves through uvicorn (`fastapi dev` is the reloading
    // development server, not a deployment).
    if (name == "fastapi") {
      if (start + 1 >= words.size() || words[start + 1] != "run") continue;
      ++start;
    } else if (name != "gunicorn" && name != "uvicorn" && name != "hypercorn" && name != "celery") {
      continue;
    }
    ServerProcess p;
    p.server = std::string(name);
    p.where = where;
    p.command = trim(cmd);
    p.directory = dirname(where.path);
    if (changed_directory && directory_known && directory != p.directory) p.code_dir = directory;
    p.forks = name == "gunicorn" || name == "celery";
    bool celery_worker = false;
    std::string pool = "prefork";
    size_t j = start + 1;
    for (; j < words.size() && words[j] != ";"; ++j) {
      std::optional<std::string> v;
      if (name == "gunicorn" || name == "hypercorn") {
        if ((v = option_value(words, j, "-w", "--workers"))) {
          p.workers_origin = *v;
          continue;
        }
        if ((v = option_value(words, j, "", "--threads"))) {
          p.threads = to_int(*v);
          continue;
        }
        if ((v = option_value(words, j, "-k", "--worker-class"))) {
          p.worker_class = *v;
          continue;
        }
        if (words[j] == "--preload") {
          p.preload = true;
          p.preload_where = where;
          continue;
        }
      } else if (name == "uvicorn" || name == "fastapi") {
        if ((v = option_value(words, j, "", "--workers"))) {
          p.workers_origin = *v;
          continue;
        }
      } else {
        if (words[j] == "worker") celery_worker = true;
        if ((v = option_value(words, j, "-c", "--concurrency"))) {
          p.workers_origin = *v;
          continue;
        }
        if ((v = option_value(words, j, "-P", "--pool"))) pool = *v;
      }
    }
    if (name == "celery") {
      if (!celery_worker) {
        i = j - 1;  // the loop visits the separator next
        continue;
      }
      // Prefork: the worker imports the app, then forks its pool children.
      p.forks = pool == "prefork" || pool == "processes";
      p.preload = p.forks;
      p.preload_where = where;
      if (!p.forks) p.worker_class = pool;
    }
    // workers_origin holds the value as written until merge_deployment resolves variables.
    out.processes.push_back(std::move(p));
    i = j - 1;  // the loop visits the separator next
  }
}

}  // namespace sqla::deploy
