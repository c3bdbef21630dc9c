#include "lib/report/train_command.h"

#include <fmt/format.h>

#include "lib/protocol/trial_command.h"
#include "lib/report/best_params.h"
#include "lib/store/sweep_location.h"

namespace hpo::report {
namespace {

// The sweep's own trial program with a trial's parameters, built as the sweep built it (its
// environment variables included), for a fresh run directory.
std::string CustomCommand(const config::SweepConfig& c, const store::Trial& t,
                          const std::filesystem::path& run_dir) {
  const std::string dir = ShellQuote(run_dir.string());
  std::string command = fmt::format("mkdir -p {} && HPO_RUN_DIR={} HPO_SEED={}", dir, dir, t.seed);
  for (const std::string& word :
       protocol::TrialCommand(c.command, {}, WithFixed(c.fixed, t.params), run_dir, t.seed)) {
    command += " " + ShellQuote(word);
  }
  return command;
}

}  // namespace

std::string TrainCommand(const std::vector<std::string>& overrides, const std::string& run_dir,
                         std::optional<uint64_t> seed) {
  std::string command = "hpo train --run-dir " + ShellQuote(run_dir);
  if (seed) command += fmt::format(" --seed {}", *seed);
  for (const std::string& o : overrides) command += " --override " + ShellQuote(o);
  return command;
}

std::optional<uint64_t> TrialSeedOption(const ParamSet& all, const store::Trial& t) {
  if (all.count("seed")) return std::nullopt;
  return t.seed;
}

std::filesystem::path RetrainRunDir(const std::string& sweep_name, int64_t trial_number) {
  return store::TrainDir() / "runs" / fmt::format("{}_r{}", sweep_name, trial_number);
}

std::string TrialTrainingCommand(const config::SweepConfig& c, const std::string& sweep_name,
                                 const store::Trial& t) {
  const std::filesystem::path run_dir = RetrainRunDir(sweep_name, t.number);
  if (!c.command.empty()) return CustomCommand(c, t, run_dir);
  const ParamSet all = WithFixed(c.fixed, t.params);
  return TrainCommand(ParamsAsOverrides(all), run_dir.string(), TrialSeedOption(all, t));
}

}  // namespace hpo::report
