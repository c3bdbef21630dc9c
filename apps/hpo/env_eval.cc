// hpo env-eval: runs a fixed policy (envs/fixed_policy.h) and prints its returns.
#include <fmt/format.h>

#include <string>

#include "apps/hpo/commands.h"
#include "envs/env.h"
#include "envs/fixed_policy.h"
#include "lib/core/atomic_file.h"
#include "lib/core/error.h"

namespace hpo::cli {
namespace {

struct EnvEvalOptions {
  envs::FixedPolicyRun run;
  bool json = false;
  std::string episodes_out;  ///< CSV of every episode, for comparing distributions (scripts/ks-env)
};

int RunEnvEval(const EnvEvalOptions& o) {
  const envs::FixedPolicyRun& run = o.run;
  const envs::FixedPolicyResult r = envs::RunFixedPolicy(run);
  if (!o.episodes_out.empty()) WriteFileAtomic(o.episodes_out, envs::EpisodesCsv(r.episodes));
  if (o.json) {
    fmt::print(
        "{{\"env\": \"{}\", \"policy\": \"{}\", \"episodes\": {}, \"seed\": {}, \"mean_return\": "
        "{}, "
        "\"std_return\": {}, \"median_return\": {}, \"min_return\": {}, \"max_return\": {}, "
        "\"mean_episode_length\": {}, \"terminated_fraction\": {}, \"truncated_fraction\": {}, "
        "\"solved_fraction\": {}, \"steps_per_second\": {}, \"physics\": \"{}\"}}\n",
        run.env_id, r.policy, run.episodes, run.seed, r.mean_return, r.std_return, r.median_return,
        r.min_return, r.max_return, r.mean_length, r.terminated_fraction,
        1.0 - r.terminated_fraction, r.solved_fraction, r.StepsPerSecond(),
        envs::PhysicsOf(run.env_id));
    return kExitOk;
  }
  fmt::print("{} with the {} policy, {} episodes (seed {}), on {}\n", run.env_id, r.policy,
             run.episodes, run.seed, envs::PhysicsOf(run.env_id));
  fmt::print("  return        mean {:.2f}  std {:.2f}  median {:.2f}  min {:.2f}  max {:.2f}\n",
             r.mean_return, r.std_return, r.median_return, r.min_return, r.max_return);
  fmt::print(
      "  episodes      mean length {:.1f}  terminated {:.3f}  truncated {:.3f}  solved (>= {}) "
      "{:.3f}\n",
      r.mean_length, r.terminated_fraction, 1.0 - r.terminated_fraction, r.reward_threshold,
      r.solved_fraction);
  fmt::print("  speed         {:.0f} steps/s ({} steps in {:.2f} s, one core)\n",
             r.StepsPerSecond(), r.steps, r.seconds);
  return kExitOk;
}

}  // namespace

void RegisterEnvEvalCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<EnvEvalOptions>();
  CLI::App* cmd = app.add_subcommand(
      "env-eval", "Run a fixed policy (random or heuristic) in an env and report returns");
  cmd->add_option(
         "--env", o->run.env_id,
         "LunarLander-v3, LunarLanderContinuous-v3, CartPole-v1, Acrobot-v1 or Pendulum-v1")
      ->capture_default_str();
  cmd->add_option("--policy", o->run.policy,
                  "random, or heuristic (LunarLander only, and its default)")
      ->capture_default_str();
  cmd->add_option("--episodes", o->run.episodes, "Episodes to run")->capture_default_str();
  cmd->add_option("--seed", o->run.seed, "Seed of every random stream")->capture_default_str();
  cmd->add_flag("--json", o->json, "Print one JSON object");
  cmd->add_option("--episodes-out", o->episodes_out,
                  "Write one CSV row per episode: return, length, terminated, truncated");
  cmd->add_option("--gravity", o->run.env.gravity, "Gravity in m/s^2, in (-12, 0)")
      ->capture_default_str();
  cmd->add_flag("--enable-wind", o->run.env.enable_wind, "Wind and turbulence while airborne");
  cmd->add_option("--wind-power", o->run.env.wind_power, "Wind strength")->capture_default_str();
  cmd->add_option("--turbulence-power", o->run.env.turbulence_power, "Turbulence strength")
      ->capture_default_str();
  cmd->callback([o, &exit_code] { exit_code = RunEnvEval(*o); });
}

}  // namespace hpo::cli
