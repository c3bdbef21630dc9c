// hpo validate [SWEEP] [--top-n K] [--seeds S] [--jobs J]: retrains the K best configurations
// of a sweep on S fresh seeds each and reports mean / std / min per configuration and whether
// the ranking held. The re-runs are trials of a study "<sweep>_validate" in the sweep's storage
// (queued with their params and seeds, run by the sweep runner, so they get the same process
// handling, logs and resume); run directories go to train_dir/sweep/<sweep>/validate/runs/, the
// table to train_dir/sweep/<sweep>/analysis/validation.yaml.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "apps/hpo/commands.h"
#include "apps/hpo/sweep_args.h"
#include "apps/hpo/sweep_plan.h"
#include "lib/config/trainer_config.h"
#include "lib/config/trainer_keys.h"
#include "lib/core/error.h"
#include "lib/core/json.h"
#include "lib/core/random.h"
#include "lib/report/best_params.h"
#include "lib/report/sweep_results.h"
#include "lib/samplers/sampler_factory.h"
#include "lib/store/storage_url.h"

namespace hpo::cli {
namespace {

struct ValidateOptions {
  SweepArgs sweep;
  int top_n = 3;
  int seeds = 5;
  int jobs = 0;  // 0: the sweep's n_jobs
  std::vector<std::string> sets;  // KEY=VALUE: trainer values for every run (the final budget)
};

// The --set values, checked as hpo train checks an override (a trainer sweep) or taken as
// written (another trial program), by canonical name.
ParamSet ParseSets(const std::vector<std::string>& sets, bool trainer) {
  ParamSet values;
  for (const std::string& text : sets) {
    const Origin origin{"--set " + text};
    std::pair<std::string, Value> kv;
    try {
      kv = config::ParseOverride(text);
    } catch (const UserError& e) {
      throw UserError(origin, e.what());
    }
    std::string key = kv.first;
    if (trainer) {
      const std::optional<std::string> canonical = config::CanonicalTrainerKey(key);
      if (!canonical) throw UserError(origin, fmt::format("'{}' is not an hpo train key", key));
      key = *canonical;
      config::CheckTrainerValue(key, kv.second, origin);
    }
    values[key] = kv.second;
  }
  return values;
}

struct ConfigResult {
  int original_rank = 0;
  store::Trial original;
  std::vector<double> values;  // one per seed that completed
  int failed = 0;
  double Mean() const;
  double Std() const;
};

double ConfigResult::Mean() const {
  double sum = 0;
  for (double v : values) sum += v;
  return values.empty() ? NAN : sum / static_cast<double>(values.size());
}

double ConfigResult::Std() const {
  if (values.size() < 2) return 0;
  const double mean = Mean();
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

std::string ParamsKey(const ParamSet& params) {
  std::string key;
  for (const auto& [name, value] : params) key += name + "=" + value.ToYaml() + ";";
  return key;
}

int RunValidate(const ValidateOptions& options) {
  const report::SweepResults r = report::LoadSweepResults(options.sweep.Locate());
  r.RequireFinished("validate");
  if (!r.config) throw UserError(fmt::format("sweep '{}': its stored config no longer parses, so its trials cannot be rerun", r.location.name));
  const std::vector<store::Trial> ranked = report::RankTrials(r.trials, r.info.maximize, r.info.more_objectives);
  if (ranked.empty()) throw UserError(fmt::format("sweep '{}' has no complete trial to validate", r.location.name));
  const int k = std::min<int>(options.top_n, static_cast<int>(ranked.size()));

  config::SweepConfig c = *r.config;
  const ParamSet sets = ParseSets(options.sets, c.command.empty());
  // Other settings are another validation: their own study, so runs at two budgets never mix.
  c.name = r.location.name + "_validate";
  for (const std::string& text : options.sets) {
    std::string part = text;
    std::replace(part.begin(), part.end(), '/', '_');
    c.name += "," + part;
  }
  const config::TrainerConfig defaults;
  const auto setting = [&](const std::string& key) -> std::string {
    if (sets.count(key)) return sets.at(key).ToYaml();
    if (c.fixed.count(key)) return c.fixed.at(key).ToYaml();
    return c.command.empty() ? defaults.Get(key).ToYaml() + " (hpo train's default)" : "the program's default";
  };
  std::string budget = fmt::format("total_timesteps {}", setting("total_timesteps"));
  for (const auto& [key, value] : sets) c.fixed[key] = value;
  // A configuration as the validation runs it: a searched key that --set names takes its value.
  const auto as_run = [&sets](ParamSet params) {
    for (const auto& [key, value] : sets) {
      if (params.count(key)) params[key] = value;
    }
    return params;
  };
  c.n_trials = k * options.seeds;
  if (options.jobs > 0) c.n_jobs = options.jobs;
  c.pruner.method = "none";  // every seed runs to the end: the point is the final score
  runner::SweepPlan plan = PlanFor(c, r.location.dir / "validate");

  auto store = store::OpenStore(r.location.storage_url);
  const bool existed = [&] {
    for (const store::Study& s : store->ListStudies()) {
      if (s.name == c.name) return true;
    }
    return false;
  }();
  const store::Study study = store->OpenStudy(c.name, c.maximize ? "maximize" : "minimize", c.ToYaml(), true);
  if (!existed) {
    for (int rank = 0; rank < k; ++rank) {
      for (int s = 0; s < options.seeds; ++s) {
        // Fresh seeds: from a stream the sweep's own trial seeds never use.
        const uint64_t seed = DeriveSeed(c.seed, static_cast<uint64_t>(rank * options.seeds + s), "validate") & 0x7fffffffu;
        store->EnqueueTrial(study.id, as_run(ranked[static_cast<size_t>(rank)].params), seed);
      }
    }
    fmt::print("validating the top {} of sweep {} on {} fresh seeds each ({} runs, {} at a time; {})\n", k, r.location.name,
               options.seeds, c.n_trials, c.n_jobs, budget);
  } else {
    fmt::print("resuming validation study {} (delete it from {} to start over)\n", c.name, store::MaskPassword(r.location.storage_url));
  }
  std::unique_ptr<samplers::Sampler> unused_sampler = samplers::MakeSampler(c.sampler);  // every trial is queued
  const runner::SweepSummary summary = runner::RunSweep(
      plan, c.BuildSpace(), *unused_sampler, *store, study, [](const runner::SweepEvent& e) {
        if (e.kind == runner::SweepEvent::Kind::kFinished && e.trial) fmt::print("  run {} finished: {}\n", e.trial->number, e.message);
        if (e.kind == runner::SweepEvent::Kind::kFailed && e.trial) fmt::print("  run {} finished: FAILED: {}\n", e.trial->number, e.message);
      });
  if (summary.interrupted) return kExitInterrupted;

  // Group the runs by configuration, in the sweep's rank order.
  std::map<std::string, ConfigResult> by_params;
  std::vector<std::string> order;
  for (int rank = 0; rank < k; ++rank) {
    const std::string key = ParamsKey(as_run(ranked[static_cast<size_t>(rank)].params));
    by_params[key] = ConfigResult{rank + 1, ranked[static_cast<size_t>(rank)], {}, 0};
    order.push_back(key);
  }
  for (const store::Trial& t : store->LoadTrials(study.id)) {
    const auto it = by_params.find(ParamsKey(t.params));
    if (it == by_params.end() || (t.state == store::TrialState::kFailed && t.retried)) continue;
    if (t.state == store::TrialState::kComplete && t.value) {
      it->second.values.push_back(*t.value);
    } else if (t.state == store::TrialState::kFailed) {
      ++it->second.failed;
    }
  }
  std::vector<std::string> by_mean = order;
  std::stable_sort(by_mean.begin(), by_mean.end(), [&](const std::string& a, const std::string& b) {
    const double ma = by_params[a].Mean(), mb = by_params[b].Mean();
    return r.info.maximize ? ma > mb : ma < mb;
  });
  const bool held = by_mean == order;

  std::string yaml = fmt::format("# hpo validate: the top {} configurations of sweep {} retrained on {} fresh seeds each\n"
                                 "metric: {}\nseeds: {}\nbudget: {}\nranking_held: {}\nconfigs:\n",
                                 k, r.location.name, options.seeds, r.info.metric, options.seeds, JsonString(budget),
                                 held ? "true" : "false");
  fmt::print("\nbudget of every run: {}{}\n", budget, options.sets.empty() ? " (the sweep's)" : " (--set)");
  fmt::print("\n{:<6} {:<16} {:>10} {:>10} {:>10} {:>10} {:>8} {:>7}\n", "rank", "trial", "sweep", "mean", "std", "min", "new rank", "failed");
  for (const std::string& key : order) {
    const ConfigResult& result = by_params[key];
    const int new_rank = static_cast<int>(std::find(by_mean.begin(), by_mean.end(), key) - by_mean.begin()) + 1;
    const double min = result.values.empty() ? NAN : *std::min_element(result.values.begin(), result.values.end());
    fmt::print("{:<6} {:<16} {:>10.4g} {:>10.4g} {:>10.4g} {:>10.4g} {:>8} {:>7}\n", result.original_rank,
               fmt::format("{}.r.{}", r.location.name, result.original.number), *result.original.value, result.Mean(), result.Std(),
               min, new_rank, result.failed);
    yaml += fmt::format("  - config_id: {}.r.{}\n    sweep_rank: {}\n    sweep_value: {}\n    mean: {}\n    std: {}\n    min: {}\n"
                        "    validated_rank: {}\n    completed_seeds: {}\n    failed_seeds: {}\n    params:\n",
                        r.location.name, result.original.number, result.original_rank, *result.original.value, result.Mean(),
                        result.Std(), min, new_rank, result.values.size(), result.failed);
    for (const auto& [name, value] : result.original.params) yaml += fmt::format("      {}: {}\n", name, report::FormatParamValue(value));
  }
  const std::filesystem::path out = r.AnalysisDir() / "validation.yaml";
  report::WriteOutputFile(out, yaml);
  fmt::print("\nranking {} (by mean over seeds); wrote {}\n", held ? "held" : "changed", out.string());
  return kExitOk;
}

}  // namespace

void RegisterValidateCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand("validate", "Retrain a sweep's best configurations on fresh seeds and check the ranking");
  options->sweep.AddTo(cmd);
  cmd->add_option("--top-n", options->top_n, "How many of the best configurations")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--seeds", options->seeds, "Fresh seeds per configuration")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--jobs", options->jobs, "Runs at once (default: the sweep's n_jobs)")->check(CLI::PositiveNumber);
  cmd->add_option("--set", options->sets,
                  "A trainer value for every run, e.g. the final budget: --set total_timesteps=1000000 (repeatable)");
  cmd->callback([options, &exit_code] { exit_code = RunValidate(*options); });
}

}  // namespace hpo::cli
