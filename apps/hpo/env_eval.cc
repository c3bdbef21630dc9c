// hpo env-eval: run a fixed policy (random or Gymnasium's heuristic) and report episode returns.
// The check that the LunarLander port behaves like Gymnasium's (docs/benchmarks.md).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <vector>

#include "apps/hpo/commands.h"
#include "envs/env.h"
#include "envs/lunar_lander/lunar_lander.h"
#include "lib/core/atomic_file.h"
#include "lib/core/error.h"
#include "lib/core/random.h"

namespace hpo::cli {
namespace {

struct EnvEvalOptions {
  std::string env_id = "LunarLander-v3";
  std::string policy = "heuristic";
  int64_t episodes = 100;
  uint64_t seed = 0;
  bool json = false;
  std::string episodes_out;  ///< CSV of every episode, for comparing distributions (scripts/ks-env)
  envs::EnvOptions env;
};

struct Episode {
  double episode_return = 0;
  int length = 0;
  bool terminated = false;
  bool truncated = false;
};

// One row per episode: its return, length, and how it ended.
std::string EpisodesCsv(const std::vector<Episode>& episodes) {
  std::string csv = "episode,return,length,terminated,truncated\n";
  for (size_t i = 0; i < episodes.size(); ++i) {
    const Episode& e = episodes[i];
    csv += fmt::format("{},{:.17g},{},{},{}\n", i, e.episode_return, e.length, int(e.terminated), int(e.truncated));
  }
  return csv;
}

int RunEnvEval(const EnvEvalOptions& o) {
  if (o.policy != "random" && o.policy != "heuristic") {
    throw UserError(Origin{"--policy"}, "unknown policy '" + o.policy + "' (known: random, heuristic)");
  }
  if (o.episodes <= 0) {
    throw UserError(Origin{"--episodes"}, "must be a positive number of episodes, got " + std::to_string(o.episodes));
  }
  std::unique_ptr<envs::Env> env = envs::MakeEnv(o.env_id, o.env);
  const envs::ActionSpace space = env->action_space();
  std::vector<float> obs(static_cast<size_t>(env->observation_size()));
  std::vector<float> action(static_cast<size_t>(space.width()));
  Rng episode_seeds(DeriveSeed(o.seed, 0, "env"));
  Rng action_rng(DeriveSeed(o.seed, 0, "policy"));

  std::vector<Episode> episodes;
  int64_t steps = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int64_t e = 0; e < o.episodes; ++e) {
    env->Reset(episode_seeds(), obs);
    Episode episode;
    while (true) {
      if (o.policy == "heuristic") {
        envs::LunarLanderEnv::HeuristicAction(!space.discrete, obs, action);
      } else if (space.discrete) {
        action[0] = static_cast<float>(UniformInt(action_rng, 0, space.n));
      } else {
        for (float& a : action) a = static_cast<float>(Uniform(action_rng, space.low, space.high));
      }
      const envs::StepResult r = env->Step(action, obs);
      ++steps;
      episode.episode_return += r.reward;
      ++episode.length;
      if (r.terminated || r.truncated) {
        episode.terminated = r.terminated;
        episode.truncated = !r.terminated;
        break;
      }
    }
    episodes.push_back(episode);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::vector<double> returns;
  for (const Episode& e : episodes) returns.push_back(e.episode_return);
  const double n = static_cast<double>(returns.size());
  const double mean = std::accumulate(returns.begin(), returns.end(), 0.0) / n;
  double var = 0;
  for (double r : returns) var += (r - mean) * (r - mean);
  const double std_dev = std::sqrt(var / n);
  std::vector<double> sorted = returns;
  std::sort(sorted.begin(), sorted.end());
  const size_t mid = sorted.size() / 2;
  const double median = sorted.size() % 2 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
  double length = 0, terminated = 0, solved = 0;
  for (const Episode& e : episodes) {
    length += e.length;
    terminated += e.terminated;
    solved += e.episode_return >= 200.0;
  }
  const double sps = static_cast<double>(steps) / seconds;
  if (!o.episodes_out.empty()) WriteFileAtomic(o.episodes_out, EpisodesCsv(episodes));

  if (o.json) {
    fmt::print(
        "{{\"env\": \"{}\", \"policy\": \"{}\", \"episodes\": {}, \"seed\": {}, \"mean_return\": {}, "
        "\"std_return\": {}, \"median_return\": {}, \"min_return\": {}, \"max_return\": {}, "
        "\"mean_episode_length\": {}, \"terminated_fraction\": {}, \"truncated_fraction\": {}, "
        "\"solved_fraction\": {}, \"steps_per_second\": {}, \"physics\": \"{}\"}}\n",
        o.env_id, o.policy, o.episodes, o.seed, mean, std_dev, median, sorted.front(), sorted.back(),
        length / n, terminated / n, 1.0 - terminated / n, solved / n, sps, envs::Box2dPhysics());
    return kExitOk;
  }
  fmt::print("{} with the {} policy, {} episodes (seed {}), on {}\n", o.env_id, o.policy, o.episodes, o.seed,
             envs::Box2dPhysics());
  fmt::print("  return        mean {:.2f}  std {:.2f}  median {:.2f}  min {:.2f}  max {:.2f}\n", mean, std_dev,
             median, sorted.front(), sorted.back());
  fmt::print("  episodes      mean length {:.1f}  terminated {:.3f}  truncated {:.3f}  solved (>= 200) {:.3f}\n",
             length / n, terminated / n, 1.0 - terminated / n, solved / n);
  fmt::print("  speed         {:.0f} steps/s ({} steps in {:.2f} s, one core)\n", sps, steps, seconds);
  return kExitOk;
}

}  // namespace

void RegisterEnvEvalCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<EnvEvalOptions>();
  CLI::App* cmd = app.add_subcommand("env-eval", "Run a fixed policy (random or heuristic) in an env and report returns");
  cmd->add_option("--env", o->env_id, "LunarLander-v3 or LunarLanderContinuous-v3")->capture_default_str();
  cmd->add_option("--policy", o->policy, "random or heuristic")->capture_default_str();
  cmd->add_option("--episodes", o->episodes, "Episodes to run")->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed of every random stream")->capture_default_str();
  cmd->add_flag("--json", o->json, "Print one JSON object");
  cmd->add_option("--episodes-out", o->episodes_out, "Write one CSV row per episode: return, length, terminated, truncated");
  cmd->add_option("--gravity", o->env.gravity, "Gravity in m/s^2, in (-12, 0)")->capture_default_str();
  cmd->add_flag("--enable-wind", o->env.enable_wind, "Wind and turbulence while airborne");
  cmd->add_option("--wind-power", o->env.wind_power, "Wind strength")->capture_default_str();
  cmd->add_option("--turbulence-power", o->env.turbulence_power, "Turbulence strength")->capture_default_str();
  cmd->callback([o, &exit_code] { exit_code = RunEnvEval(*o); });
}

}  // namespace hpo::cli
