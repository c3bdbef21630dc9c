// neroRL's tuning file (MarcoMeter/neroRL configs/tune/optuna.yaml, read by neroRL/optuna.py):
// `categorical:` maps each name to its choices (trial.suggest_categorical); neroRL before 2024
// (c2f66ee) also read `uniform:` and `loguniform:` blocks of name: [low, high]
// (suggest_float, log=True for the second), which 8dd62bd comments out. The study is Optuna's
// TPESampler, maximised, with PercentilePruner(25.0, n_startup_trials, n_warmup_steps)
// (optuna.py:259-260 at 8dd62bd). seed, num_updates and trainer_period are the trainer's own.
#include <fmt/format.h>

#include "lib/config/vocabularies/vocabulary.h"

namespace hpo::config {
namespace {

const char* const kBlocks[] = {"categorical", "uniform", "loguniform"};
const char* const kSettings[] = {"seed", "num_updates", "trainer_period", "n_startup_trials",
                                 "n_warmup_steps"};

bool IsBlock(const std::string& key) {
  for (const char* block : kBlocks) {
    if (key == block) return true;
  }
  return false;
}

bool IsSetting(const std::string& key) {
  for (const char* setting : kSettings) {
    if (key == setting) return true;
  }
  return false;
}

void ReadRanges(SweepReading& r, const std::string& block, const YAML::Node& ranges) {
  r.Map(ranges, block);
  for (const auto& p : ranges) {
    const std::string name = r.Key(p.first);
    const std::string path = fmt::format("{}.{}", block, name);
    if (!p.second.IsSequence() || p.second.size() != 2)
      r.Fail(p.second, fmt::format("{} must be [low, high] (neroRL passes them to suggest_float)",
                                   Echo(path)));
    const double low = r.Number(p.second[0], path + "[0]");
    const double high = r.Number(p.second[1], path + "[1]");
    r.AddNumeric(name, p.first, block == "loguniform" ? "loguniform" : "uniform", low, high);
  }
}

}  // namespace

bool MatchesNeroRl(const YAML::Node& root) {
  if (!root.IsMap() || !root["categorical"] || !root["categorical"].IsMap()) return false;
  for (const auto& p : root) {
    const std::string key = p.first.IsScalar() ? p.first.Scalar() : "";
    if (!IsBlock(key) && !IsSetting(key)) return false;
  }
  return true;
}

void ReadNeroRl(SweepReading& r, const YAML::Node& root) {
  SweepConfig& c = r.config();
  c.sampler.method = "tpe";
  r.SetGoal(true);
  c.pruner.method = "percentile";
  c.pruner.percentile_rule.percentile = 25.0;
  for (const auto& p : root) {
    const std::string key = r.Key(p.first);
    if (key == "categorical") {
      r.Map(p.second, key);
      for (const auto& choice : p.second) {
        const std::string name = r.Key(choice.first);
        if (!choice.second.IsSequence())
          r.Fail(choice.second, fmt::format("categorical.{} must be a list of choices", name));
        r.AddCategorical(name, choice.first, r.Values(choice.second, "categorical." + name));
      }
    } else if (key == "uniform" || key == "loguniform") {
      ReadRanges(r, key, p.second);
      c.notes.push_back(fmt::format(
          "{}: searched, as neroRL's optuna.py did before 2024 (c2f66ee); since 8dd62bd it reads "
          "only categorical",
          key));
    } else if (key == "n_startup_trials") {
      c.pruner.percentile_rule.n_startup_trials = r.Int(p.second, key, 0);
    } else if (key == "n_warmup_steps") {
      c.pruner.percentile_rule.n_warmup_steps = r.Int(p.second, key, 0);
    } else {
      r.Ignore(key);  // seed, num_updates, trainer_period: neroRL's trainer reads them
    }
  }
}

}  // namespace hpo::config
