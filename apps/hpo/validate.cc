// hpo validate [SWEEP] [--top-n K] [--seeds S] [--jobs J]: retrains the K best configurations
// of a sweep on S fresh seeds each and reports mean / std / min per configuration and whether
// the ranking held. The re-runs are trials of a study "<sweep>_validate" in the sweep's storage
// (queued with their params and seeds, run by the sweep runner, so they get the same process
// handling, logs and resume); run directories go to train_dir/sweep/<sweep>/validate/runs/, the
// table to train_dir/sweep/<sweep>/analysis/validation.yaml.
#include <fmt/format.h>

#include <algorithm>

#include "apps/hpo/commands.h"
#include "apps/hpo/sweep_args.h"
#include "apps/hpo/sweep_plan.h"
#include "lib/config/trainer_config.h"
#include "lib/core/error.h"
#include "lib/core/random.h"
#include "lib/report/best_params.h"
#include "lib/report/sweep_results.h"
#include "lib/report/validation.h"
#include "lib/samplers/sampler_factory.h"
#include "lib/store/storage_url.h"

namespace hpo::cli {
namespace {

struct ValidateOptions {
  SweepArgs sweep;
  int top_n = 3;
  int seeds = 5;
  int jobs = 0;                   // 0: the sweep's n_jobs
  std::vector<std::string> sets;  // KEY=VALUE: trainer values for every run (the final budget)
};

int RunValidate(const ValidateOptions& options) {
  const report::SweepResults r = report::LoadSweepResults(options.sweep.Locate());
  r.RequireFinished("validate");
  if (!r.config)
    throw UserError(
        fmt::format("sweep '{}': its stored config no longer parses, so its trials cannot be rerun",
                    r.location.name));
  const std::vector<store::Trial> ranked =
      report::RankTrials(r.trials, r.info.maximize, r.info.more_objectives);
  if (ranked.empty())
    throw UserError(fmt::format("sweep '{}' has no complete trial to validate", r.location.name));
  const int k = std::min<int>(options.top_n, static_cast<int>(ranked.size()));

  config::SweepConfig c = *r.config;
  const ParamSet sets = config::ParseKeyValues(options.sets, c.command.empty(), "--set");
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
    return c.command.empty() ? defaults.Get(key).ToYaml() + " (hpo train's default)"
                             : "the program's default";
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
  c.seeds_per_trial = 1;     // each rerun is one seed: validation measures the seeds' spread
  runner::SweepPlan plan = PlanFor(c, r.location.dir / "validate");

  auto store = store::OpenStore(r.location.storage_url);
  const bool existed = [&] {
    for (const store::Study& s : store->ListStudies()) {
      if (s.name == c.name) return true;
    }
    return false;
  }();
  const store::Study study =
      store->OpenStudy(c.name, c.maximize ? "maximize" : "minimize", c.ToYaml(), true);
  if (!existed) {
    for (int rank = 0; rank < k; ++rank) {
      for (int s = 0; s < options.seeds; ++s) {
        // Fresh seeds: from a stream the sweep's own trial seeds never use.
        const uint64_t seed =
            DeriveSeed(c.seed, static_cast<uint64_t>(rank * options.seeds + s), "validate") &
            0x7fffffffu;
        store->EnqueueTrial(study.id, as_run(ranked[static_cast<size_t>(rank)].params), seed);
      }
    }
    fmt::print(
        "validating the top {} of sweep {} on {} fresh seeds each ({} runs, {} at a time; {})\n", k,
        r.location.name, options.seeds, c.n_trials, c.n_jobs, budget);
  } else {
    fmt::print("resuming validation study {} (delete it from {} to start over)\n", c.name,
               store::MaskPassword(r.location.storage_url));
  }
  std::unique_ptr<samplers::Sampler> unused_sampler =
      samplers::MakeSampler(c.sampler);  // every trial is queued
  const runner::SweepSummary summary = runner::RunSweep(
      plan, c.BuildSpace(), *unused_sampler, *store, study, [](const runner::SweepEvent& e) {
        if (e.kind == runner::SweepEvent::Kind::kFinished && e.trial)
          fmt::print("  run {} finished: {}\n", e.trial->number, e.message);
        if (e.kind == runner::SweepEvent::Kind::kFailed && e.trial)
          fmt::print("  run {} finished: FAILED: {}\n", e.trial->number, e.message);
      });
  if (summary.interrupted) return kExitInterrupted;

  std::vector<store::Trial> top(ranked.begin(), ranked.begin() + k);
  std::vector<ParamSet> run_params;
  run_params.reserve(top.size());
  for (const store::Trial& t : top) run_params.push_back(as_run(t.params));
  const report::Validation v =
      report::GroupValidationRuns(top, run_params, store->LoadTrials(study.id), r.info.maximize);
  fmt::print("\nbudget of every run: {}{}\n\n{}", budget,
             options.sets.empty() ? " (the sweep's)" : " (--set)",
             report::ValidationTable(v, r.location.name));
  const std::string yaml =
      report::ValidationYaml(v, r.location.name, r.info.metric, options.seeds, budget);
  const std::filesystem::path out = r.AnalysisDir() / "validation.yaml";
  report::WriteOutputFile(out, yaml);
  fmt::print("\nranking {} (by mean over seeds); wrote {}\n", v.ranking_held ? "held" : "changed",
             out.string());
  return kExitOk;
}

}  // namespace

void RegisterValidateCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate", "Retrain a sweep's best configurations on fresh seeds and check the ranking");
  options->sweep.AddTo(cmd);
  cmd->add_option("--top-n", options->top_n, "How many of the best configurations")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--seeds", options->seeds, "Fresh seeds per configuration")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--jobs", options->jobs, "Runs at once (default: the sweep's n_jobs)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--set", options->sets,
                  "A trainer value for every run, e.g. the final budget: --set "
                  "total_timesteps=1000000 (repeatable)");
  cmd->callback([options, &exit_code] { exit_code = RunValidate(*options); });
}

}  // namespace hpo::cli
