// Population-based training end to end (method: pbt) with the stub trial program in its PBT mode
// (stub_trial.cc, RunPbtMember): a member's skill grows by 1 - (x - 0.3)^2 per 1000 steps from
// the skill of the checkpoint it starts from, so copying a leader's checkpoint shows in its score.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "lib/store/store.h"
#include "tests/e2e/run_hpo.h"
#include "tests/support/test_dir.h"

namespace hpo {
namespace {

namespace fs = std::filesystem;
using e2e::CommandResult;
using e2e::RunHpo;
using e2e::SpawnHpo;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class PbtSweepTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::FreshTestDir("pbt_e2e");
    setenv("HPO_TRAIN_DIR", (dir_ / "train_dir").c_str(), 1);
  }

  /// A PBT sweep of `population` members, each training 20 reports of 1000 steps.
  std::string Config(const std::string& name, int population, int jobs, double step_seconds,
                     const std::string& more_pbt = "") const {
    const fs::path path = dir_ / (name + ".yaml");
    std::ofstream(path) << "name: " << name << "\nmetric: score\ncommand: [" << HPO_STUB_TRIAL
                        << ", \"--marker=" << name << "\", \"${args}\"]\n"
                        << "method: pbt\npbt: {population_size: " << population
                        << ", perturbation_interval: 2000" << more_pbt << "}\nn_jobs: " << jobs
                        << "\nseed: 5\nfixed: {steps: 20, step_seconds: " << step_seconds
                        << "}\nparameters:\n  x: {distribution: uniform, min: 0, max: 1}\n";
    return path.string();
  }

  std::unique_ptr<store::Store> Open(const std::string& name) const {
    return store::OpenStore((dir_ / "train_dir/sweep" / name / "study.db").string());
  }

  std::vector<store::Trial> Trials(const std::string& name) const {
    auto store = Open(name);
    return store->LoadTrials(store->OpenStudy(name, "", "", false).id);
  }

  std::vector<YAML::Node> Members(const std::string& name) const {
    auto store = Open(name);
    std::vector<YAML::Node> members;
    for (const auto& [member, record] :
         store->LoadPbtMembers(store->OpenStudy(name, "", "", false).id))
      members.push_back(YAML::Load(record.text));
    return members;
  }

  int CompleteTrials(const std::string& name) const {
    if (!fs::exists(dir_ / "train_dir/sweep" / name / "study.db")) return 0;
    int complete = 0;
    try {
      for (const store::Trial& t : Trials(name))
        complete += t.state == store::TrialState::kComplete;
    } catch (const std::exception&) {
      return 0;  // the study is being created
    }
    return complete;
  }

  /// Starts a controller and kills it (-9) once the study has `complete` complete trials.
  void KillNineAt(const std::string& config, const std::string& name, int complete,
                  const std::string& log) const {
    const pid_t controller = SpawnHpo({"sweep", config}, (dir_ / log).string());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline && CompleteTrials(name) < complete)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    kill(controller, SIGKILL);
    waitpid(controller, nullptr, 0);
  }

  /// Every member trained to its end (20 reports of 1000 steps) and left nothing running.
  void ExpectEveryMemberFinished(const std::string& name) const {
    const std::vector<YAML::Node> members = Members(name);
    ASSERT_EQ(members.size(), 4u);
    for (const YAML::Node& m : members) {
      EXPECT_EQ(m["phase"].as<std::string>(), "finished") << m;
      EXPECT_EQ(m["outcome"].as<std::string>(), "complete") << m;
      EXPECT_EQ(m["last_step"].as<int64_t>(), 20000) << m;
    }
    for (const store::Trial& t : Trials(name)) {
      EXPECT_NE(t.state, store::TrialState::kRunning) << "trial " << t.number;
      EXPECT_NE(t.state, store::TrialState::kWaiting) << "trial " << t.number;
    }
  }

  /// `hpo pbt-replay` of a member that copied a leader retrains its schedule alone, from
  /// scratch, and ends where the member ended (the stub's skill depends on its values and steps
  /// only, not on its seed).
  void ExpectReplayReproducesAnExploitedMember(const std::string& name) const {
    for (const YAML::Node& m : Members(name)) {
      if (m["schedule"].size() < 2) continue;
      const int member = m["member"].as<int>();
      const CommandResult replay =
          RunHpo("pbt-replay " + name + " --member " + std::to_string(member));
      ASSERT_EQ(replay.exit_code, 0) << replay.output;
      const fs::path replays = dir_ / "train_dir/sweep" / name / "replays";
      ASSERT_TRUE(fs::exists(replays)) << replay.output;
      const fs::path run = fs::directory_iterator(replays)->path();
      const fs::path last =
          run / ("segment_" + std::to_string(m["schedule"].size() - 1)) / "sweep_eval_results.yaml";
      ASSERT_TRUE(fs::exists(last)) << replay.output;
      EXPECT_NEAR(YAML::LoadFile(last.string())["score"].as<double>(), m["last_value"].as<double>(),
                  1e-9)
          << replay.output;
      return;
    }
    ADD_FAILURE() << "no member of " << name << " copied a leader";
  }

  fs::path dir_;
};

// The trial a member started from `copy` (a checkpoint in its restore_from/ folder).
const store::Trial* TrialRestoredFrom(const std::vector<store::Trial>& trials,
                                      const fs::path& checkpoint, const ParamSet& params) {
  for (const store::Trial& t : trials) {
    const fs::path copy = fs::path(t.run_dir) / "restore_from" / checkpoint.filename();
    if (fs::exists(copy) && ReadFile(copy) == ReadFile(checkpoint) && t.params == params) return &t;
  }
  return nullptr;
}

TEST_F(PbtSweepTest, AWorseMemberCopiesALeadersCheckpointAndGoesOnWithValuesInBounds) {
  const std::string config = Config("population", 4, 4, 0.02);
  const fs::path hooked = dir_ / "exploits.txt", events = dir_ / "events.jsonl";
  std::ofstream(config, std::ios::app)
      << "hooks: {on_exploit: [sh, -c, \"echo ${member} ${parent} ${step} >> " << hooked.string()
      << "\"]}\n";
  const CommandResult dry = RunHpo("sweep " + config + " --dry-run");
  EXPECT_NE(dry.output.find("population-based training of 4 members, judged every 2000 steps"),
            std::string::npos)
      << dry.output;
  EXPECT_NE(dry.output.find("the members' first values"), std::string::npos) << dry.output;
  const CommandResult r = RunHpo("sweep " + config + " --events " + events.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("population-based training of 4 members, 4 at a time"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("retrain it on another seed: hpo pbt-replay population"),
            std::string::npos)
      << r.output;
  // No trial budget in the progress line: PBT's trials are stretches of its members.
  EXPECT_NE(r.output.find(" trials done, "), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("/20 done"), std::string::npos) << r.output;
  ExpectEveryMemberFinished("population");
  const std::vector<store::Trial> trials = Trials("population");
  int exploits = 0;
  for (const YAML::Node& m : Members("population")) {
    for (const YAML::Node& entry : m["lineage"]) {
      if (entry["skipped"].as<bool>()) continue;
      ++exploits;
      const int member = m["member"].as<int>(), parent = entry["parent"].as<int>();
      EXPECT_NE(member, parent);
      const double x = entry["after"]["x"].as<double>();
      EXPECT_GE(x, 0.0);
      EXPECT_LE(x, 1.0);
      // The leader's checkpoint of that step, copied into the folder of the member's next trial,
      // which trained with the explored values and started from the checkpoint's step.
      const fs::path checkpoint = entry["checkpoint"].as<std::string>();
      EXPECT_EQ(checkpoint.filename().string(),
                "step_" + std::to_string(entry["step"].as<int64_t>()) + ".ckpt");
      ASSERT_TRUE(fs::exists(checkpoint)) << checkpoint;
      const store::Trial* next = TrialRestoredFrom(trials, checkpoint, {{"x", Value(x)}});
      ASSERT_NE(next, nullptr) << "no trial of member " << member << " started from " << checkpoint;
      const std::string restored = ReadFile(fs::path(next->run_dir) / "restored_from.txt");
      EXPECT_NE(restored.find(std::to_string(entry["step"].as<int64_t>()) + " "), std::string::npos)
          << restored;
      // Its folder holds the member's history as the stretch started: this copy last.
      const YAML::Node history = YAML::LoadFile(next->run_dir + "/pbt_member.yaml");
      ASSERT_GE(history["lineage"].size(), 1u);
      EXPECT_EQ(history["lineage"][history["lineage"].size() - 1]["checkpoint"].as<std::string>(),
                checkpoint.string());
      ASSERT_FALSE(next->intermediates.empty());
      EXPECT_EQ(next->intermediates.front().step, entry["step"].as<int64_t>() + 1000);
    }
  }
  EXPECT_GE(exploits, 1) << r.output;
  EXPECT_NE(r.output.find("copies member"), std::string::npos) << r.output;
  // One event and one on_exploit hook per exploit.
  int hook_lines = 0, exploit_events = 0;
  std::ifstream hook_file(hooked);
  for (std::string line; std::getline(hook_file, line);) ++hook_lines;
  std::ifstream event_file(events);
  for (std::string line; std::getline(event_file, line);) {
    const YAML::Node e = YAML::Load(line);
    if (e["event"].as<std::string>() != "exploited") continue;
    ++exploit_events;
    EXPECT_NE(e["member"].as<int>(), e["parent"].as<int>()) << line;
  }
  EXPECT_EQ(exploit_events, exploits);
  EXPECT_EQ(hook_lines, exploits);

  // The report the sweep kept current draws the lineage and the best member's schedule; hpo
  // report --format md lists the exploits.
  const std::string report = ReadFile(dir_ / "train_dir/sweep/population/analysis/report.html");
  EXPECT_NE(report.find("<h2>Population lineage</h2><p class=\"note\">4 members, " +
                        std::to_string(exploits) + " exploits"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("copied member"), std::string::npos);
  EXPECT_NE(report.find("<h2>Best member's schedule</h2>"), std::string::npos);
  const CommandResult md = RunHpo("report population --format md");
  EXPECT_NE(md.output.find(std::to_string(exploits) + " exploits"), std::string::npos) << md.output;
  EXPECT_NE(md.output.find("## Best member's schedule"), std::string::npos) << md.output;

  const CommandResult status = RunHpo("status population");
  EXPECT_NE(status.output.find("population-based training: 4 members"), std::string::npos)
      << status.output;
  EXPECT_NE(status.output.find("member  phase     gen  trials"), std::string::npos)
      << status.output;
  // Each member's generation is the leaders it copied: together, every exploit.
  int generations = 0;
  const std::regex row(R"(\n +[0-9]+  finished +([0-9]+) +[0-9]+ +20000 )");
  for (std::sregex_iterator it(status.output.begin(), status.output.end(), row), end; it != end;
       ++it)
    generations += std::stoi((*it)[1].str());
  EXPECT_EQ(generations, exploits) << status.output;
  // best-params writes the best member's schedule beside the patch, from step 0 on.
  const CommandResult best =
      RunHpo("best-params population --output-dir " + (dir_ / "patches").string());
  ASSERT_EQ(best.exit_code, 0) << best.output;
  const YAML::Node schedule = YAML::LoadFile((dir_ / "patches/population_schedule.yaml").string());
  ASSERT_GE(schedule["schedule"].size(), 1u);
  EXPECT_EQ(schedule["schedule"][0]["step"].as<int64_t>(), 0);
  for (size_t i = 1; i < schedule["schedule"].size(); ++i) {
    EXPECT_GT(schedule["schedule"][i]["step"].as<int64_t>(),
              schedule["schedule"][i - 1]["step"].as<int64_t>());
  }
  ExpectReplayReproducesAnExploitedMember("population");
}

// synch: true (Ray's synch, pbt.py:586-644): a member that reaches the next synchronisation step
// waits for the others, so with 2 slots for 4 members every trial trains one interval at most,
// and every exploit is at a synchronisation step.
TEST_F(PbtSweepTest, SynchronousMembersWaitForEachOtherAtEveryInterval) {
  const CommandResult r = RunHpo("sweep " + Config("synch", 4, 2, 0.01, ", synch: true"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ExpectEveryMemberFinished("synch");
  for (const store::Trial& t : Trials("synch")) {
    // A member stopped as it wrote its last step goes on from it, and ends at once.
    if (t.intermediates.empty()) continue;
    EXPECT_LE(t.intermediates.back().step - t.intermediates.front().step, 1000)
        << "trial " << t.number << " trained past a synchronisation step";
    EXPECT_EQ(t.intermediates.back().step % 2000, 0) << "trial " << t.number;
  }
  int exploits = 0;
  for (const YAML::Node& m : Members("synch")) {
    for (const YAML::Node& entry : m["lineage"]) {
      exploits += !entry["skipped"].as<bool>();
      EXPECT_EQ(entry["step"].as<int64_t>() % 2000, 0) << entry;
    }
  }
  EXPECT_GE(exploits, 1) << r.output;
}

TEST_F(PbtSweepTest, KillNineTwiceThenResumeFinishesEveryMemberFromItsCheckpoints) {
  const std::string config = Config("killed", 4, 2, 0.1);
  KillNineAt(config, "killed", 3, "first.log");
  KillNineAt(config, "killed", 10, "second.log");
  const CommandResult resumed = RunHpo("sweep " + config);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  ExpectEveryMemberFinished("killed");
  int killed = 0;
  for (const store::Trial& t : Trials("killed")) {
    if (t.state == store::TrialState::kFailed) {
      EXPECT_NE(t.error.find("died while it ran"), std::string::npos) << t.error;
      // Its member goes on from its checkpoint: a re-queued copy would run another member.
      EXPECT_FALSE(t.retried) << "trial " << t.number << " was re-queued";
      ++killed;
    }
    // Every trial that ran (not killed with its controller) from a checkpoint found it and read it.
    if (t.state == store::TrialState::kComplete &&
        fs::exists(fs::path(t.run_dir) / "restore_from")) {
      EXPECT_TRUE(fs::exists(fs::path(t.run_dir) / "restored_from.txt")) << t.run_dir;
    }
  }
  EXPECT_GE(killed, 1) << "the controllers were killed while no member ran";
  for (const YAML::Node& m : Members("killed")) {
    for (const YAML::Node& entry : m["lineage"]) {
      if (!entry["skipped"].as<bool>()) {
        EXPECT_TRUE(fs::exists(entry["checkpoint"].as<std::string>())) << entry;
      }
    }
  }
}

// hpo train as the members' program (docs/trial_protocol.md's two verbs): members on CartPole
// copy each other's checkpoints (the copying trial records it in init_from.yaml), every member
// trains its 20000 steps, and pbt-replay retrains a copied member's schedule through
// HPO_RESTORE_FROM.
TEST_F(PbtSweepTest, HpoTrainMembersGoOnFromCopiedCheckpointsAndTheirScheduleReplays) {
  const fs::path config = dir_ / "cartpole.yaml";
  std::ofstream(config) << "name: cartpole\nmethod: pbt\nn_jobs: 2\nseed: 1\n"
                        << "pbt: {population_size: 4, perturbation_interval: 5000}\n"
                        << "fixed: {env_id: CartPole-v1, algorithm: ppo, total_timesteps: 20000, "
                           "eval_interval: 2500, eval_episodes: 3}\n"
                        << "parameters:\n  learning_rate: {distribution: log_uniform_values, min: "
                           "0.0001, max: 0.01}\n  ent_coef: {values: [0.0, 0.001, 0.01]}\n";
  const CommandResult r = RunHpo("sweep " + config.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<YAML::Node> members = Members("cartpole");
  ASSERT_EQ(members.size(), 4u);
  std::string copied;  // a member that trained from a leader's checkpoint
  for (const YAML::Node& m : members) {
    EXPECT_EQ(m["phase"].as<std::string>(), "finished") << m;
    EXPECT_EQ(m["outcome"].as<std::string>(), "complete") << m;
    if (m["schedule"].size() >= 2) copied = std::to_string(m["member"].as<int>());
  }
  int restored = 0;
  for (const store::Trial& t : Trials("cartpole")) {
    EXPECT_EQ(t.state, store::TrialState::kComplete) << t.number << " " << t.error;
    restored += fs::exists(fs::path(t.run_dir) / "restore_from") &&
                fs::exists(fs::path(t.run_dir) / "init_from.yaml");
  }
  EXPECT_GE(restored, 1) << r.output;
  ASSERT_FALSE(copied.empty()) << r.output;
  const CommandResult replay = RunHpo("pbt-replay cartpole --member " + copied);
  EXPECT_EQ(replay.exit_code, 0) << replay.output;
  EXPECT_NE(replay.output.find("replay of member " + copied + ": final_mean_reward"),
            std::string::npos)
      << replay.output;
}

}  // namespace
}  // namespace hpo
