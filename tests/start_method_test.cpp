// multiprocessing start methods (sqla/deployment/start_method.h): a pool forks when the context
// it is given is the fork context or the default one, read from the values the interpreter binds
// (aliases, names, arguments), never from how the call is spelled.
#include <doctest/doctest.h>

#include <string>

#include "tests/project_of.h"

namespace {

/// The `forks` flag of every multiprocessing process the module starts, in call order.
std::vector<bool> forks_of(const std::string& code) {
  const sqla::ProjectFacts project = tests::project_of({{"job.py", code}});
  std::vector<bool> out;
  for (const sqla::ServerProcess& p : project.deployment.processes) {
    if (p.server == "multiprocessing") out.push_back(p.forks);
  }
  return out;
}

}  // namespace

TEST_CASE("start method: a fork context forks however it is reached") {
  CHECK(forks_of("import multiprocessing\nmultiprocessing.get_context('fork').Pool(4)\n") == std::vector<bool>{true});
  CHECK(forks_of("import multiprocessing as mp\nctx = mp.get_context('fork')\nctx.Process(target=f)\n") ==
        std::vector<bool>{true});
  CHECK(forks_of("from multiprocessing import get_context\nfrom concurrent.futures import ProcessPoolExecutor\n"
                 "ProcessPoolExecutor(4, get_context('fork'))\n") == std::vector<bool>{true});
  CHECK(forks_of("import multiprocessing.pool\nimport multiprocessing\n"
                 "multiprocessing.pool.Pool(2, context=multiprocessing.get_context(method='fork'))\n") ==
        std::vector<bool>{true});
  // The default context is the module's: the platform default (fork on Linux before 3.14).
  CHECK(forks_of("import multiprocessing\nmultiprocessing.get_context().Pool(2)\n") == std::vector<bool>{true});
  CHECK(forks_of("from multiprocessing import Pool\nPool(2)\n") == std::vector<bool>{true});
}

TEST_CASE("start method: spawn, forkserver and computed contexts do not count as forks") {
  CHECK(forks_of("import multiprocessing as mp\nmp.get_context('spawn').Pool(4)\n") == std::vector<bool>{false});
  CHECK(forks_of("import multiprocessing as mp\nfrom concurrent.futures import ProcessPoolExecutor\n"
                 "ctx = mp.get_context('forkserver')\nProcessPoolExecutor(mp_context=ctx)\n") ==
        std::vector<bool>{false});
  CHECK(forks_of("import multiprocessing as mp, os\nmp.get_context(os.environ['M']).Process(target=f)\n") ==
        std::vector<bool>{false});
  CHECK(forks_of("from concurrent.futures import ProcessPoolExecutor\nProcessPoolExecutor(mp_context=make())\n") ==
        std::vector<bool>{false});
  // A context chosen per branch forks only if every branch does.
  CHECK(forks_of("import multiprocessing as mp, sys\n"
                 "ctx = mp.get_context('spawn') if sys.platform == 'darwin' else mp.get_context('fork')\n"
                 "ctx.Pool(2)\n") == std::vector<bool>{false});
}

TEST_CASE("start method: look-alikes start no process") {
  CHECK(forks_of("import multiprocessing as mp\nctx = mp.get_context('fork')\nctx.Queue()\nctx.Lock()\n").empty());
  CHECK(forks_of("from myapp.workers import Pool\nPool(4)\n").empty());
  CHECK(forks_of("import multiprocessing\nmultiprocessing.pool.ThreadPool(4)\n").empty());
}
