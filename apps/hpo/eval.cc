// hpo eval RUN_DIR|CHECKPOINT: re-evaluates a saved policy.
#include <fmt/format.h>

#include "apps/hpo/commands.h"
#include "apps/hpo/flag_checks.h"
#include "lib/core/error.h"
#include "lib/trainer/trainer.h"

namespace hpo::cli {
namespace {

struct EvalCliOptions {
  std::string path;
  int64_t episodes = 100;
  uint64_t seed = 0;
  bool stochastic = false;
  bool json = false;
};

int RunEval(const EvalCliOptions& o) {
  const trainer::EvalResult r = trainer::EvaluateSaved(o.path, o.episodes, o.seed, o.stochastic);
  if (o.json) {
    fmt::print(
        "{{\"mean_reward\": {}, \"std\": {}, \"success_rate\": {}, \"mean_episode_length\": {}, "
        "\"episodes\": {}}}\n",
        r.mean_reward, r.std_reward, r.success_rate, r.mean_episode_length, r.episodes);
  } else {
    fmt::print(
        "{} ({} policy, {} episodes, seed {})\n  mean reward {:.2f} +/- {:.2f}, success rate "
        "{:.3f}, mean length {:.1f}\n",
        o.path, o.stochastic ? "stochastic" : "deterministic", r.episodes, o.seed, r.mean_reward,
        r.std_reward, r.success_rate, r.mean_episode_length);
  }
  return kExitOk;
}

}  // namespace

void RegisterEvalCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<EvalCliOptions>();
  CLI::App* cmd =
      app.add_subcommand("eval", "Evaluate a saved policy (a run directory or a checkpoint)");
  cmd->add_option("path", o->path, "RUN_DIR or RUN_DIR/checkpoints/X.pt")
      ->required()
      ->check(CLI::ExistingPath);
  cmd->add_option("--episodes", o->episodes, "Episodes")
      ->check(AtLeastOne())
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed of the evaluation episodes")->capture_default_str();
  cmd->add_flag("--stochastic", o->stochastic, "Sample actions instead of taking the most likely");
  cmd->add_flag("--json", o->json, "Print one JSON object");
  cmd->callback([o, &exit_code] { exit_code = RunEval(*o); });
}

}  // namespace hpo::cli
