// What a `__main__` block runs (sqla/main_block.h), from the interpreter's call facts: functions
// reached through names and aliases, server starts through imports, and look-alikes (strings,
// comments, names that merely contain a word) that start nothing.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "core/source_file.h"
#include "py/grammar.h"
#include "py/module.h"
#include "sqla/main_block.h"
#include "ts/tree.h"

namespace {

struct Run {
  std::set<std::string> runs;  ///< names of the functions the block runs
  bool long_running = false;
};

Run run_of(const std::string& code) {
  ts::Parser parser;
  REQUIRE(parser.set_language(py::Grammar::get().language()));
  const core::SourceFile source("job.py", code);
  const ts::Tree tree = parser.parse(source.text());
  const auto m = py::Module::analyze(source, tree.root(), "job", false, nullptr);
  REQUIRE(m);
  const sqla::MainBlockRun run = sqla::main_block_run(*m);
  Run out;
  out.long_running = run.long_running;
  for (int index : run.runs) out.runs.insert(m->functions()[static_cast<size_t>(index)].name);
  return out;
}

}  // namespace

TEST_CASE("main block: the functions it runs, through names and loop-free callers") {
  const Run r = run_of(
      "def init(): pass\n"
      "def load(): init()\n"
      "def main():\n    load()\n"
      "def unused(): pass\n"
      "go = main\n"
      "if __name__ == '__main__':\n    go()\n");
  CHECK(r.runs == std::set<std::string>{"main", "load", "init"});
  CHECK_FALSE(r.long_running);
  // A function that loops runs its helpers many times: they are not followed.
  const Run looped = run_of(
      "def row(): pass\n"
      "def main():\n    for i in range(3):\n        row()\n"
      "if __name__ == '__main__':\n    main()\n");
  CHECK(looped.runs == std::set<std::string>{"main"});
  CHECK(run_of("def main(): pass\nmain()\n").runs.empty());  // no guard: an import runs it
}

TEST_CASE("main block: server starts are resolved calls, followed into the module's functions") {
  CHECK(run_of("import uvicorn\nif __name__ == '__main__':\n    uvicorn.run('app:app')\n").long_running);
  CHECK(run_of("from waitress import serve as http\ndef main():\n    http(app)\n"
               "if __name__ == '__main__':\n    main()\n")
            .long_running);
  CHECK(run_of("from flask import Flask\napp = Flask(__name__)\nif __name__ == '__main__':\n    app.run()\n")
            .long_running);
  CHECK(run_of("import asyncio\nif __name__ == '__main__':\n    asyncio.get_event_loop().run_forever()\n")
            .long_running);
  CHECK(run_of("if __name__ == '__main__':\n    while True:\n        tick()\n").long_running);
}

TEST_CASE("main block: text that mentions serving starts nothing") {
  const Run r = run_of(
      "def restart_counters(): pass\n"
      "def start(): print('serve')\n"
      "if __name__ == '__main__':\n"
      "    print('run the server, serve forever, start the worker loop')\n"
      "    restart_counters()  # then start serving\n"
      "    start()\n");
  CHECK_FALSE(r.long_running);
  CHECK(r.runs == std::set<std::string>{"restart_counters", "start"});
}

TEST_CASE("starts_long_running: whole words of the callee's last name") {
  CHECK(sqla::starts_long_running("uvicorn.run"));
  CHECK(sqla::starts_long_running("hypercorn.asyncio.serve"));
  CHECK(sqla::starts_long_running("serve_forever"));
  CHECK(sqla::starts_long_running("celery.Celery().worker_main"));
  CHECK(sqla::starts_long_running("app.server.start_server"));
  CHECK_FALSE(sqla::starts_long_running("restart_db"));
  CHECK_FALSE(sqla::starts_long_running("builtins.print"));
  CHECK_FALSE(sqla::starts_long_running("runner.rerun_failed"));
  CHECK_FALSE(sqla::starts_long_running("app.db.init_db"));
}
