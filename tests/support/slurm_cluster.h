// A throwaway one-node Slurm cluster for tests: munged, slurmctld and slurmd from Debian's
// slurm-wlm and munge, started in a temporary directory with a generated slurm.conf, listening
// on 127.0.0.1 at free ports, one node ("hponode") that offers 8 CPUs whatever the machine has
// (SlurmdParameters=config_overrides), so a few one-CPU workers run side by side. No accounting
// database: squeue answers, sacct does not. One per test process; SLURM_CONF points this
// process (and what it starts: hpo, sbatch) at it; stopped at exit, with its jobs.
// slurmd starts jobs as their owner, so it runs as root; elsewhere, or where the binaries are
// missing or a daemon does not come up, ok() is false and skip_reason() says why.
#pragma once

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "tests/e2e/run_hpo.h"
#include "tests/support/free_port.h"

namespace hpo::testing_support {

class SlurmCluster {
 public:
  static SlurmCluster& Shared() {
    static SlurmCluster cluster;
    return cluster;
  }

  bool ok() const { return skip_reason_.empty(); }
  const std::string& skip_reason() const { return skip_reason_; }

  /// The last lines of the daemons' logs, for a failing test's message.
  std::string Logs() const {
    return e2e::RunShell("tail -n 15 " + (dir_ / "slurmctld.log").string() + " " +
                         (dir_ / "slurmd.log").string())
        .output;
  }

  /// Waits until no task of `job` is pending, running or completing; false after `timeout`.
  bool WaitForJobEnd(const std::string& job, std::chrono::seconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const e2e::CommandResult r = e2e::RunShell(
          "squeue -h -r -j " + job + " -t PENDING,RUNNING,COMPLETING,CONFIGURING -o %i");
      if (r.exit_code == 0 && r.output.find_first_not_of(" \n") == std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return false;
  }

  ~SlurmCluster() {
    if (dir_.empty()) return;
    if (started_) {
      e2e::RunShell("scancel --full --quiet --user=root; sleep 1; scontrol shutdown");
      for (int i = 0; i < 100 && (Alive("slurmctld.pid") || Alive("slurmd.pid")); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      e2e::RunShell("pkill -9 -f " + dir_.string() + "/slurm.conf");  // daemons that did not stop
    }
    e2e::RunShell("munged --stop --socket=" + (dir_ / "munge.sock").string());
    std::filesystem::remove_all(dir_);
  }

 private:
  SlurmCluster() {
    for (const char* program :
         {"/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/sbatch"}) {
      if (access(program, X_OK) != 0) {
        skip_reason_ =
            std::string(program) + " not found (scripts/setup.sh installs slurm-wlm and munge)";
        return;
      }
    }
    if (geteuid() != 0) {
      skip_reason_ = "slurmd must run as root to start jobs, and this test runs as another user";
      return;
    }
    char pattern[] = "/tmp/hpo_slurm_XXXXXX";
    if (!mkdtemp(pattern)) {
      skip_reason_ = "cannot create a temporary directory for Slurm";
      return;
    }
    dir_ = pattern;
    chmod(dir_.c_str(), 0711);  // munged wants its socket's directory searchable by all
    std::filesystem::create_directories(dir_ / "state");
    std::filesystem::create_directories(dir_ / "spool");
    if (!Run("head -c 1024 /dev/urandom > " + Path("munge.key") + " && chmod 400 " +
                 Path("munge.key"),
             "munge key") ||
        !Run("munged --force --socket=" + Path("munge.sock") + " --key-file=" + Path("munge.key") +
                 " --log-file=" + Path("munged.log") + " --pid-file=" + Path("munged.pid") +
                 " --seed-file=" + Path("munged.seed"),
             "munged (see " + Path("munged.log") + ")")) {
      return;
    }
    WriteConfig();
    setenv("SLURM_CONF", Path("slurm.conf").c_str(), 1);
    started_ = true;
    if (!Run("slurmctld -f " + Path("slurm.conf"),
             "slurmctld (see " + Path("slurmctld.log") + ")") ||
        !Run("slurmd -f " + Path("slurm.conf") + " -N hponode",
             "slurmd (see " + Path("slurmd.log") + ")")) {
      return;
    }
    for (int i = 0; i < 120; ++i) {  // the node registers within a second or two
      if (e2e::RunShell("sinfo -h -n hponode -o %T").output.rfind("idle", 0) == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    skip_reason_ = "the Slurm node did not come up within 30 s:\n" + Logs();
  }

  void WriteConfig() const {
    const int ctld_port = FreePort();
    int slurmd_port = FreePort();
    while (slurmd_port == ctld_port) slurmd_port = FreePort();
    std::ofstream conf(dir_ / "slurm.conf");
    conf << "ClusterName=hpotest\n"
         << "SlurmctldHost=localhost(127.0.0.1)\n"
         << "SlurmctldPort=" << ctld_port << "\nSlurmdPort=" << slurmd_port << "\n"
         << "SlurmUser=root\nSlurmdUser=root\n"
         << "AuthType=auth/munge\nCredType=cred/munge\nAuthInfo=socket=" << Path("munge.sock")
         << "\n"
         << "StateSaveLocation=" << Path("state") << "\nSlurmdSpoolDir=" << Path("spool") << "\n"
         << "SlurmctldPidFile=" << Path("slurmctld.pid") << "\nSlurmdPidFile=" << Path("slurmd.pid")
         << "\n"
         << "SlurmctldLogFile=" << Path("slurmctld.log") << "\nSlurmdLogFile=" << Path("slurmd.log")
         << "\n"
         << "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\nMpiDefault=none\n"
         << "JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n"
         << "SchedulerType=sched/backfill\nSelectType=select/"
            "cons_tres\nSelectTypeParameters=CR_CPU\n"
         << "SlurmdParameters=config_overrides\nReturnToService=2\n"
         << "KillWait=5\nMinJobAge=600\nSlurmctldTimeout=30\nSlurmdTimeout=30\n"
         << "NodeName=hponode NodeAddr=127.0.0.1 NodeHostname=localhost CPUs=8 RealMemory=4000 "
            "State=UNKNOWN\n"
         << "PartitionName=debug Nodes=hponode Default=YES MaxTime=INFINITE State=UP\n";
  }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  bool Run(const std::string& command, const std::string& what) {
    const e2e::CommandResult r = e2e::RunShell(command);
    if (r.exit_code != 0) skip_reason_ = what + " failed to start: " + r.output;
    return r.exit_code == 0;
  }

  bool Alive(const std::string& pid_file) const {
    std::ifstream in(dir_ / pid_file);
    pid_t pid = 0;
    return (in >> pid) && pid > 0 && kill(pid, 0) == 0;
  }

  std::string skip_reason_;
  std::filesystem::path dir_;
  bool started_ = false;
};

}  // namespace hpo::testing_support
