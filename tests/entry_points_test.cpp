// Entry points of background work (issue 13, cause 6): which functions a task queue or a scheduler
// runs once per task or scheduled run, in every spelling real projects use, and the look-alikes
// that register nothing.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/source_file.h"
#include "py/grammar.h"
#include "sqla/entry_points.h"
#include "sqla/facts.h"
#include "sqla/project_context.h"
#include "ts/tree.h"

namespace {

sqla::FileFacts analyze(const std::string& text, const std::string& path = "app/jobs.py",
                        const std::string& module = "app.jobs") {
  core::SourceFile source{path, text};
  ts::Parser parser;
  parser.set_language(py::Grammar::get().language());
  ts::Tree tree = parser.parse(source.text());
  return sqla::analyze_python(source, tree.root(), module, false, sqla::ProjectContext{});
}

/// "name kind" for each entry point, in order.
std::vector<std::string> entries(const sqla::FileFacts& facts) {
  std::vector<std::string> out;
  for (const sqla::EntryPoint& e : facts.entry.entry_points) {
    out.push_back(e.function + " " + std::string(sqla::entry_kind_name(e.kind)));
  }
  return out;
}

std::vector<std::string> foreign(const sqla::FileFacts& facts) {
  std::vector<std::string> out;
  for (const sqla::ForeignEntryPoint& e : facts.entry.foreign_entry_points) {
    out.push_back(e.symbol + " " + std::string(sqla::entry_kind_name(e.kind)));
  }
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("task registration: the decorators of task queues and schedulers") {
  using sqla::EntryKind;
  CHECK(sqla::task_registration("celery.Celery().task", "app.task") == EntryKind::kTask);
  CHECK(sqla::task_registration("", "celery_app.task") == EntryKind::kTask);
  CHECK(sqla::task_registration("celery.shared_task", "shared_task") == EntryKind::kTask);
  CHECK(sqla::task_registration("dramatiq.actor", "actor") == EntryKind::kTask);
  CHECK(sqla::task_registration("rq.decorators.job", "job") == EntryKind::kTask);
  CHECK(sqla::task_registration("huey.RedisHuey().periodic_task", "huey.periodic_task") ==
        EntryKind::kTask);
  CHECK(sqla::task_registration("taskiq_redis.ListQueueBroker().task", "broker.task") ==
        EntryKind::kTask);
  CHECK(sqla::task_registration("", "scheduler.scheduled_job") == EntryKind::kScheduledJob);
  // Not a task queue's: a project's own `job` / `task` helpers, a bare `scheduled_job`.
  CHECK_FALSE(sqla::task_registration("app.utils.job", "job"));
  CHECK_FALSE(sqla::task_registration("app.plugins.registry.task", "registry.task"));
  CHECK_FALSE(sqla::task_registration("", "scheduled_job"));
  CHECK(sqla::task_queue_app("celery.Celery()"));
  CHECK(sqla::task_queue_app("taskiq_redis.ListQueueBroker().with_result_backend()"));
  CHECK_FALSE(sqla::task_queue_app("celery.shared_task"));
  CHECK_FALSE(sqla::task_queue_app("app.plugins.Registry()"));
}

TEST_CASE("arq: WorkerSettings.functions and cron_jobs, local and imported") {
  const auto facts = analyze(
      "from arq import cron\nfrom arq.worker import func\nfrom app.mail import send_mail\n"
      "async def report(ctx): pass\nasync def nightly(ctx): pass\nasync def slow(ctx): pass\n"
      "async def startup(ctx): pass\n"
      "class WorkerSettings:\n"
      "    functions = [report, send_mail, func(slow, timeout=60)]\n"
      "    cron_jobs = [cron(nightly, hour=3)]\n"
      "    on_startup = startup\n");
  CHECK(entries(facts) == Strings{"report task", "slow task", "nightly scheduled job"});
  CHECK(foreign(facts) == Strings{"app.mail.send_mail task"});
  // A settings class named like arq's in a module that does not import arq still counts; another
  // class with a `functions` list in such a module does not.
  CHECK(entries(analyze("def f(ctx): pass\nclass MainWorkerSettings:\n    functions = [f]\n")) ==
        Strings{"f task"});
  CHECK(entries(analyze("def f(): pass\nclass Pipeline:\n    functions = [f]\n")).empty());
}

TEST_CASE("RQ and APScheduler: enqueue and add_job, by reference and by import path") {
  const auto facts = analyze(
      "from rq import Queue\nfrom apscheduler.schedulers.background import BackgroundScheduler\n"
      "q = Queue()\nscheduler = BackgroundScheduler()\n"
      "def export(x): pass\ndef later(x): pass\ndef tick(): pass\n"
      "def go():\n"
      "    q.enqueue(export, 1)\n"
      "    q.enqueue_in(timedelta(minutes=5), later, 2)\n"
      "    q.enqueue('app.reports.build', 3)\n"
      "    q.enqueue('send_welcome', 4)\n"
      "    scheduler.add_job(tick, 'interval', seconds=30)\n"
      "    scheduler.add_job('app.cron:nightly', 'cron', hour=2)\n"
      "@scheduler.scheduled_job('cron', hour=1)\ndef hourly(): pass\n");
  CHECK(entries(facts) ==
        Strings{"hourly scheduled job", "export task", "later task", "tick scheduled job"});
  CHECK(foreign(facts) == Strings{"app.reports.build task", "app.cron.nightly scheduled job"});
  // add_job on something that is not a scheduler registers nothing.
  CHECK(entries(analyze("def f(): pass\npipeline = Pipeline()\npipeline.add_job(f)\n")).empty());
}

TEST_CASE("task decorators applied by a call, and apps imported from another module") {
  const auto facts = analyze(
      "import dramatiq\nfrom app.queue import worker\n"
      "def _send(x): pass\nsend = dramatiq.actor(_send, max_retries=3)\n"
      "@worker.task(bind=True)\ndef rebuild(self): pass\n"
      "@worker.other\ndef plain(): pass\n");
  CHECK(entries(facts) == Strings{"_send task"});
  REQUIRE(facts.entry.foreign_task_decorators.size() == 1);
  CHECK(facts.entry.foreign_task_decorators[0].function == "rebuild");
  CHECK(facts.entry.foreign_task_decorators[0].receiver == "app.queue.worker");
}

TEST_CASE("foreign task decorators resolve against the module that binds the app") {
  sqla::ProjectFacts project;
  project.files.push_back(analyze("from celery import Celery\ncelery_worker = Celery('w')\n",
                                  "app/worker.py", "app.worker"));
  project.files.push_back(analyze("class Registry:\n    def task(self, f): return f\n"
                                  "registry = Registry()\n",
                                  "app/plugins.py", "app.plugins"));
  project.files.push_back(analyze(
      "from app.worker import celery_worker\nfrom app.plugins import registry\n"
      "@celery_worker.task\ndef rebuild(): pass\n@registry.task\ndef plugin(): pass\n",
      "app/tasks.py", "app.tasks"));
  sqla::resolve_entry_points(project);
  CHECK(entries(project.files[2]) == Strings{"rebuild task"});
}
