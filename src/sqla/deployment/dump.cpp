// --dump-facts printer for the merged deployment facts.
#include "core/mask.h"
#include "sqla/deployment.h"
#include "sqla/deployment/helpers.h"

namespace sqla {

using deploy::at;

void dump(const DeploymentFacts& d, std::ostream& out) {
  for (const Evidence& e : d.serverless) out << "serverless " << e.platform << ": " << e.what << " @" << at(e.where) << " scope=" << e.scope << "\n";
  for (const Evidence& e : d.servers) out << "server " << e.what << " @" << at(e.where) << "\n";
  for (const ServerProcess& p : d.processes) {
    out << "process " << p.server << " workers=" << (p.workers ? std::to_string(*p.workers) : "?") << " (" << p.workers_origin << ")"
        << (p.forks ? " forks" : " spawns") << (p.preload ? " preload" : "") << " @" << at(p.where) << "\n";
  }
  for (const PoolerEndpoint& p : d.poolers) out << "pooler " << p.host << ":" << p.port << " mode=" << p.mode << " @" << at(p.where) << "\n";
  for (const EnvVariable& v : d.env) {
    // Only URLs are shown (masked): other values may be secrets.
    const std::string shown = v.value.find("://") != std::string::npos ? core::mask_url(v.value) : "<set>";
    out << "env " << v.name << "=" << shown << (v.example ? " (example)" : "") << " @" << at(v.where) << "\n";
  }
  for (const ForkHook& h : d.fork_hooks) out << "fork-hook " << h.hook << " @" << at(h.where) << "\n";
  for (const ImportTimeConnect& c : d.import_connects) {
    out << "import-time-connect " << c.what << (c.through.empty() ? "" : " through " + c.through) << " @" << at(c.where) << "\n";
  }
}

}  // namespace sqla
