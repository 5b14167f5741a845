// Cost bounds (issue #11): work linear in the input on one long line, and a bounded amount of work
// per file: a file past its budget is reported and skipped, the rest of the tree still audited.
#include <doctest/doctest.h>
#include <time.h>

#include <algorithm>
#include <string>

#include "app/analyze.h"
#include "core/budget.h"
#include "tests/temp_dir.h"

namespace {

/// One line of `n` engine calls: every position on it used to be counted from the line start.
std::string one_line_of_calls(int n) {
  std::string text = "from sqlalchemy import create_engine\na = 'postgresql://u@h/db'\n";
  for (int i = 0; i < n; ++i) text += "create_engine(a); ";
  return text + "\n";
}

/// CPU seconds of this thread: other processes on a loaded machine do not count.
double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

/// The fastest of `runs` audits of `text` (CPU seconds) and the findings of the last one.
double fastest_audit(const std::string& text, int runs, std::vector<core::Finding>& findings) {
  double best = 1e9;
  for (int r = 0; r < runs; ++r) {
    const double start = thread_cpu_seconds();
    findings = app::analyze_source(text);
    best = std::min(best, thread_cpu_seconds() - start);
  }
  return best;
}

/// A module wrapper (`**kw` forwarded to create_engine) with `body` statements, called `calls`
/// times: the body runs again at every call site, calls x body steps for a file of calls + body
/// lines.
std::string wrapper_called_everywhere(int body, int calls) {
  std::string text = "from sqlalchemy import create_engine\n\ndef make_engine(url, **kw):\n";
  for (int i = 0; i < body; ++i)
    text += "    x" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  text += "    return create_engine(url, **kw)\n\n";
  for (int i = 0; i < calls; ++i)
    text += "e" + std::to_string(i) + " = make_engine('sqlite://', pool_size=1)\n";
  return text;
}

}  // namespace

TEST_CASE("scaling: 8x the calls on one line cost about 8x, not 64x") {
  std::vector<core::Finding> small_findings, large_findings;
  const double small = fastest_audit(one_line_of_calls(1000), 3, small_findings);
  const double large = fastest_audit(one_line_of_calls(8000), 2, large_findings);
  INFO("N=1000: " << small << " s CPU, N=8000: " << large << " s CPU");
  // Linear is 8x and quadratic 64x; 20x leaves room for a noisy machine and cache effects.
  CHECK(large < 20 * std::max(small, 0.005));
  // The work was done: every call is there, with its column counted on the long line.
  CHECK(large_findings.size() == 8 * small_findings.size());
  const auto last =
      std::max_element(large_findings.begin(), large_findings.end(),
                       [](const core::Finding& a, const core::Finding& b) {
                         return a.where.range.begin.column < b.where.range.begin.column;
                       });
  if (last != large_findings.end()) CHECK(last->where.range.begin.column == 1 + 7999 * 18);
}

TEST_CASE("budget: a file whose analysis runs past its budget is reported and skipped") {
  // 1,500 call sites x a 1,500-statement body: ~4.5M steps against a budget of ~1M for its size.
  const std::string pathological = wrapper_called_everywhere(1500, 1500);
  REQUIRE(core::WorkBudget::for_file(pathological.size()) < 1500ull * 1500ull);
  tests::TempDir dir;
  dir.write("app/generated.py", pathological);
  dir.write("app/db.py",
            "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n"
            "engine = create_engine('postgresql://u@h/db', poolclass=NullPool, pool_size=5)\n");
  std::string error;
  auto rules = app::select_rules({"ALL"}, {}, error);
  REQUIRE(rules);
  app::Options options;
  options.paths = {dir.path().string()};
  options.jobs = 2;
  const auto report = app::analyze(options, *rules, error);
  REQUIRE_MESSAGE(report, error);
  auto in = [](const std::string& path, const std::string& file) {
    return path.size() >= file.size() &&
           path.compare(path.size() - file.size(), file.size(), file) == 0;
  };
  const auto budget =
      std::find_if(report->diagnostics.begin(), report->diagnostics.end(),
                   [&](const core::Finding& d) { return in(d.where.path, "app/generated.py"); });
  REQUIRE(budget != report->diagnostics.end());
  CHECK(budget->code == "PA002");
  CHECK(budget->message.find("work budget") != std::string::npos);
  CHECK(report->summary.skipped == 1);
  // Its findings are dropped (the wrapper's pool_size=1 calls would each give one) ...
  CHECK(std::none_of(report->findings.begin(), report->findings.end(),
                     [&](const core::Finding& f) { return in(f.where.path, "app/generated.py"); }));
  // ... and the rest of the tree is audited.
  CHECK(std::any_of(report->findings.begin(), report->findings.end(), [&](const core::Finding& f) {
    return f.code == "PA101" && in(f.where.path, "app/db.py");
  }));
  // The in-memory entry point (the fuzzer's) stops the same way.
  const std::vector<core::Finding> direct = app::analyze_source(pathological, "generated.py");
  REQUIRE(direct.size() == 1);
  CHECK(direct[0].message.find("work budget") != std::string::npos);
}

TEST_CASE("budget: an ordinary large file stays well inside its budget") {
  // The same wrapper called from 1,500 sites with a short body is linear work: no diagnostic.
  const std::string linear = wrapper_called_everywhere(3, 1500);
  const std::vector<core::Finding> found = app::analyze_source(linear, "many_calls.py");
  CHECK(std::none_of(found.begin(), found.end(),
                     [](const core::Finding& f) { return f.code == "PA002"; }));
}
