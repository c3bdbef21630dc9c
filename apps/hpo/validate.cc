// hpo validate [SWEEP] [--top-n K] [--seeds S] [--jobs J]: retrains the K best configurations
// of a sweep on S fresh seeds each and reports mean / std / min per configuration and whether
// the ranking held. The re-runs are trials of a study "<sweep>_validate" in the sweep's storage
// (queued with their params and seeds, run by the sweep runner, so they get the same process
// handling, logs and resume); run directories go to train_dir/sweep/<sweep>/validate/runs/, the
// table to train_dir/sweep/<sweep>/analysis/validation.yaml.
#include <fmt/format.h>

#include <algorithm>

#include "apps/hpo/commands.h"
#include "apps/hpo/flag_checks.h"
#include "apps/hpo/run_context.h"
#include "apps/hpo/sweep_args.h"
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

// A configuration as the validation runs it: a searched key that --set names takes its value.
ParamSet AsRun(ParamSet params, const ParamSet& sets) {
  for (const auto& [key, value] : sets) {
    if (params.count(key)) params[key] = value;
  }
  return params;
}

// What a validation reruns, and how: the sweep's best trials and its config turned into the
// validation study's (its own name per --set, so runs at two budgets never mix).
struct ValidationPlan {
  report::SweepResults r;
  std::vector<store::Trial> top;  // the best k, best first
  config::SweepConfig c;
  ParamSet sets;
  std::string budget;  // "total_timesteps N", as every run trains
};

// "total_timesteps 1000000 (hpo train's default)": where each run's budget comes from.
std::string BudgetText(const config::SweepConfig& c, const ParamSet& sets) {
  const std::string key = "total_timesteps";
  if (sets.count(key)) return key + " " + sets.at(key).ToYaml();
  if (c.fixed.count(key)) return key + " " + c.fixed.at(key).ToYaml();
  return key + " " +
         (c.command.empty() ? config::TrainerConfig().Get(key).ToYaml() + " (hpo train's default)"
                            : "the program's default");
}

ValidationPlan PlanValidation(const ValidateOptions& options) {
  ValidationPlan p{report::LoadSweepResults(options.sweep.Locate()), {}, {}, {}, {}};
  p.r.RequireFinished("validate");
  if (!p.r.config)
    throw UserError(
        fmt::format("sweep '{}': its stored config no longer parses, so its trials cannot be rerun",
                    p.r.location.name));
  const std::vector<store::Trial> ranked =
      report::RankTrials(p.r.trials, p.r.info.objectives.maximize, p.r.info.objectives.more);
  if (ranked.empty())
    throw UserError(fmt::format("sweep '{}' has no complete trial to validate", p.r.location.name));
  const int k = std::min<int>(options.top_n, static_cast<int>(ranked.size()));
  p.top.assign(ranked.begin(), ranked.begin() + k);
  p.c = *p.r.config;
  p.sets = config::ParseKeyValues(options.sets, p.c.command.empty(), "--set");
  p.c.name = p.r.location.name + "_validate";
  for (const std::string& text : options.sets) {
    std::string part = text;
    std::replace(part.begin(), part.end(), '/', '_');
    p.c.name += "," + part;
  }
  p.budget = BudgetText(p.c, p.sets);
  for (const auto& [key, value] : p.sets) p.c.fixed[key] = value;
  p.c.n_trials = k * options.seeds;
  if (options.jobs > 0) p.c.n_jobs = options.jobs;
  p.c.pruner.method = "none";  // every seed runs to the end: the point is the final score
  p.c.seeds_per_trial = 1;     // each rerun is one seed: validation measures the seeds' spread
  return p;
}

// The validation study: new, with every (configuration, fresh seed) queued, or resumed.
store::Study OpenValidationStudy(const ValidationPlan& p, const ValidateOptions& options,
                                 store::Store& store) {
  const std::vector<store::Study> studies = store.ListStudies();
  const bool existed = std::any_of(studies.begin(), studies.end(),
                                   [&p](const store::Study& s) { return s.name == p.c.name; });
  store::Study study = store.OpenStudy(p.c.name, p.c.objectives.maximize ? "maximize" : "minimize",
                                       p.c.ToYaml(), true);
  if (existed) {
    fmt::print("resuming validation study {} (delete it from {} to start over)\n", p.c.name,
               store::MaskPassword(p.r.location.storage_url));
    return study;
  }
  for (size_t rank = 0; rank < p.top.size(); ++rank) {
    for (int s = 0; s < options.seeds; ++s) {
      // Fresh seeds: from a stream the sweep's own trial seeds never use.
      const uint64_t seed =
          DeriveSeed(p.c.seed, rank * static_cast<uint64_t>(options.seeds) + s, "validate") &
          0x7fffffffu;
      store.EnqueueTrial(study.id, AsRun(p.top[rank].params, p.sets), seed);
    }
  }
  fmt::print(
      "validating the top {} of sweep {} on {} fresh seeds each ({} runs, {} at a time; {})\n",
      p.top.size(), p.r.location.name, options.seeds, p.c.n_trials, p.c.n_jobs, p.budget);
  return study;
}

// The table of mean / std / min per configuration, and validation.yaml.
void ReportValidation(const ValidationPlan& p, const ValidateOptions& options,
                      const std::vector<store::Trial>& runs) {
  std::vector<ParamSet> run_params;
  run_params.reserve(p.top.size());
  for (const store::Trial& t : p.top) run_params.push_back(AsRun(t.params, p.sets));
  const report::Validation v =
      report::GroupValidationRuns(p.top, run_params, runs, p.r.info.objectives.maximize);
  fmt::print("\nbudget of every run: {}{}\n\n{}", p.budget,
             options.sets.empty() ? " (the sweep's)" : " (--set)",
             report::ValidationTable(v, p.r.location.name));
  const std::string yaml = report::ValidationYaml(v, p.r.location.name, p.r.info.objectives.Shown(),
                                                  options.seeds, p.budget);
  const std::filesystem::path out = p.r.AnalysisDir() / "validation.yaml";
  report::WriteOutputFile(out, yaml);
  fmt::print("\nranking {} (by mean over seeds); wrote {}\n", v.ranking_held ? "held" : "changed",
             out.string());
}

int RunValidate(const ValidateOptions& options) {
  const ValidationPlan p = PlanValidation(options);
  const runner::RunContext run = RunContextFor(p.r.location.dir / "validate");
  auto store = store::OpenStore(p.r.location.storage_url);
  const store::Study study = OpenValidationStudy(p, options, *store);
  std::unique_ptr<samplers::Sampler> unused_sampler =
      samplers::MakeSampler(p.c.sampler);  // every trial is queued
  const runner::SweepSummary summary = runner::RunSweep(
      p.c, run, p.c.BuildSpace(), *unused_sampler, *store, study, [](const runner::SweepEvent& e) {
        if (e.kind == runner::SweepEvent::Kind::kFinished && e.trial)
          fmt::print("  run {} finished: {}\n", e.trial->number, e.message);
        if (e.kind == runner::SweepEvent::Kind::kFailed && e.trial)
          fmt::print("  run {} finished: FAILED: {}\n", e.trial->number, e.message);
      });
  if (summary.interrupted) return kExitInterrupted;
  ReportValidation(p, options, store->LoadTrials(study.id));
  return kExitOk;
}

}  // namespace

void RegisterValidateCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate", "Retrain a sweep's best configurations on fresh seeds and check the ranking");
  options->sweep.AddTo(cmd);
  cmd->add_option("--top-n", options->top_n, "How many of the best configurations")
      ->check(AtLeastOne())
      ->capture_default_str();
  cmd->add_option("--seeds", options->seeds, "Fresh seeds per configuration")
      ->check(AtLeastOne())
      ->capture_default_str();
  cmd->add_option("--jobs", options->jobs, "Runs at once (default: the sweep's n_jobs)")
      ->check(AtLeastOne());
  cmd->add_option("--set", options->sets,
                  "A trainer value for every run, e.g. the final budget: --set "
                  "total_timesteps=1000000 (repeatable)");
  cmd->callback([options, &exit_code] { exit_code = RunValidate(*options); });
}

}  // namespace hpo::cli
