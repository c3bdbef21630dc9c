// hpo best-params [SWEEP]: the best trials as YAML, overrides and commands, plus a patch file
// (the format of Metta's sweep_best_params tool): for `hpo train --patch`, or for a sweep's own
// `command:` under the names that program takes.
#include "lib/report/best_params.h"

#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <set>

#include "apps/hpo/commands.h"
#include "apps/hpo/flag_checks.h"
#include "apps/hpo/sweep_args.h"
#include "lib/core/atomic_file.h"
#include "lib/core/error.h"
#include "lib/report/seed_values.h"
#include "lib/report/study_info.h"
#include "lib/report/sweep_results.h"
#include "lib/report/train_command.h"
#include "lib/runner/pbt_member.h"
#include "lib/store/store.h"

namespace hpo::cli {
namespace {

struct BestParamsOptions {
  SweepArgs sweep;
  int top_n = 1;
  bool show_scores = false;
  bool no_patch = false;
  bool pareto = false;
  std::string output_dir = "configs/trainer/patch";
  std::string metric;
  std::string sort;  // asc | desc | "" (the study's goal)
};

const std::string kRule(60, '=');
const std::string kThinRule(40, '-');

// A PBT sweep's best member changed its values as it trained: its schedule, beside the patch
// (which holds only its last values).
void PrintBestSchedule(store::Store& store, int64_t study_id, const std::string& name,
                       bool maximize, const BestParamsOptions& options) {
  const std::vector<pbt::Member> members = runner::LoadPopulation(store, study_id);
  const pbt::Member* best = pbt::BestMember(members, maximize);
  if (!best) return;
  fmt::print(
      "{}\nPopulation-based training: member {} ended best ({}); it trained with these "
      "values from each step on:\n",
      kRule, best->index, ReadableNumber(*best->last_value));
  for (const pbt::ScheduleEntry& e : best->schedule)
    fmt::print("  step {:>10}  {}\n", e.step, report::ParamsLine(e.params));
  if (options.no_patch) return;
  const std::filesystem::path path =
      std::filesystem::path(options.output_dir) / (name + "_schedule.yaml");
  WriteFileAtomic(path, runner::ScheduleYaml(*best, name));
  fmt::print("Schedule saved to: {}\n", path.string());
}

// The study's trials ranked as the options ask (another metric, another direction), with what
// the printing needs to know about the study.
struct RankedStudy {
  std::unique_ptr<store::Store> store;
  report::SweepResults results;
  std::vector<store::Trial> ranked;
  const report::StudyInfo& info() const { return results.info; }
  const std::string& name() const { return results.location.name; }

  std::string Score(const store::Trial& t) const { return report::ScoreText(t, info()); }
  std::string RunName(const store::Trial& t) const { return report::RunName(name(), t); }
};

RankedStudy LoadRanked(const BestParamsOptions& options) {
  RankedStudy r;
  const store::SweepLocation location = options.sweep.Locate();
  r.store = store::OpenStore(location.storage_url);
  r.results = report::LoadSweepResults(location, *r.store);
  r.ranked = report::RankForBestParams(r.results, options.metric, options.sort);
  return r;
}

// How the trials were ranked, the best run and, with --show-scores, every score.
void PrintRanking(const RankedStudy& r, const BestParamsOptions& options) {
  const report::StudyInfo& info = r.info();
  if (!options.metric.empty() || !options.sort.empty()) {
    fmt::print("Ranked by {}, {} first\n", info.objectives.Shown(),
               info.objectives.maximize ? "largest" : "smallest");
  }
  if (info.objectives.Multi()) {
    fmt::print("Objectives: {}; trials rank by Pareto front, then by {}\n",
               info.objectives.Describe(), info.objectives.Shown());
  }
  const std::string seeds = report::SeedsSentence(info.objectives.Shown(), info.seeds);
  if (!seeds.empty()) fmt::print("{}\n", seeds);
  fmt::print("Best run: {} ({})\n\n", r.RunName(r.ranked[0]), r.Score(r.ranked[0]));
  if (!options.show_scores) return;
  fmt::print("All scores ({} complete trials, best first):\n", r.ranked.size());
  for (const store::Trial& t : r.ranked) {
    fmt::print("  {}  {}\n", r.RunName(t),
               info.objectives.Multi() ? r.Score(t) : report::ValueWithSeedsText(t, info.seeds));
  }
  fmt::print("\n");
}

// --pareto: of every objective in a multi-objective study, else of score against cost.
void PrintParetoFront(const RankedStudy& r) {
  if (r.info().objectives.Multi()) {
    const std::vector<store::Trial> front =
        report::ObjectiveFront(r.results.trials, r.info().objectives.All());
    fmt::print("Pareto front ({} trials no other trial beats on every objective; by {}):\n",
               front.size(), r.info().objectives.Shown());
    for (const store::Trial& t : front) fmt::print("  {}  {}\n", r.RunName(t), r.Score(t));
  } else {
    fmt::print("Pareto front (best {} for its cost; cheapest first):\n",
               r.info().objectives.Shown());
    for (const store::Trial& t :
         report::ParetoFront(r.results.trials, r.info().objectives.maximize)) {
      fmt::print("  {}  {}  in {:.1f} s\n", r.RunName(t), ReadableNumber(*t.value), t.cost);
    }
  }
  fmt::print("\n");
}

// What every rank's block needs from the stored config.
struct RankContext {
  std::optional<config::SweepConfig> stored;
  ParamSet fixed;
  std::set<std::string> fixed_names;
  std::filesystem::path patch_path;
  bool custom_program() const { return stored && !stored->command.empty(); }
};

RankContext MakeRankContext(const RankedStudy& r, const BestParamsOptions& options) {
  RankContext c;
  c.stored = r.results.config;
  if (!c.stored) {
    fmt::print(stderr,
               "hpo best-params: warning: {}; fixed values and the trial program are unknown\n",
               r.results.config_error);
  }
  if (c.stored) c.fixed = c.stored->fixed;
  for (const auto& [name, value] : c.fixed) c.fixed_names.insert(name);
  c.patch_path = std::filesystem::path(options.output_dir) / (r.name() + "_best.yaml");
  return c;
}

// 2. for the best trial: the patch file, or why there is none.
void WritePatch(const RankedStudy& r, const RankContext& c, const store::Trial& t,
                const BestParamsOptions& options) {
  if (options.no_patch) {
    fmt::print("2. Config patch: not written (--no-patch)\n\n");
    return;
  }
  std::filesystem::create_directories(options.output_dir);
  if (c.custom_program()) {
    WriteFileAtomic(c.patch_path,
                    report::ProgramPatchFileText(r.name(), t, c.fixed, r.info().objectives.Shown(),
                                                 c.stored->command, r.info().seeds));
    fmt::print(
        "2. Config patch saved to: {}\n   For the sweep's trial program (its parameter "
        "names, nested by their dots; # @package _global_)\n\n",
        c.patch_path.string());
    return;
  }
  WriteFileAtomic(c.patch_path,
                  report::PatchFileText(r.name(), t, c.fixed, r.info().objectives.Shown(),
                                        c.patch_path, r.info().seeds));
  fmt::print("2. Config patch saved to: {}\n   Use with: hpo train --patch {}\n\n",
             c.patch_path.string(), c.patch_path.string());
}

// One ranked trial: its values as YAML, the patch (best only), and how to train with them.
void PrintRank(const RankedStudy& r, const RankContext& c, int rank,
               const BestParamsOptions& options) {
  const store::Trial& t = r.ranked[static_cast<size_t>(rank)];
  const ParamSet all = report::WithFixed(c.fixed, t.params);  // the trial's whole configuration
  fmt::print("{}\n{}\n{}\n\n", kRule,
             rank == 0 ? std::string("BEST HYPERPARAMETERS:")
                       : fmt::format("RANK {}: {} ({})", rank + 1, r.RunName(t), r.Score(t)),
             kRule);
  const report::YamlLayout layout =
      c.custom_program() ? report::YamlLayout::kAsWritten : report::YamlLayout::kTrainerBlock;
  fmt::print(
      "1. As YAML config (4 significant digits; the patch and the commands have every "
      "digit):\n{}\n{}\n",
      kThinRule, report::ParamsAsYaml(all, c.fixed_names, layout, report::Digits::kReadable));
  if (rank == 0) WritePatch(r, c, t, options);
  if (c.custom_program()) {
    fmt::print("3. Command (the sweep's trial program, as the sweep ran it):\n{}\n{}\n\n",
               kThinRule, report::TrialTrainingCommand(*c.stored, r.name(), t));
    return;
  }
  const std::vector<std::string> overrides = report::ParamsAsOverrides(all);
  std::string override_line = "hpo train";
  for (const std::string& o : overrides) override_line += " --override " + report::ShellQuote(o);
  fmt::print("3. As command-line overrides:\n{}\n{}\n\n", kThinRule, override_line);
  fmt::print("4. Complete training command:\n{}\n{}\n\n", kThinRule,
             report::TrainCommand(overrides, report::RetrainRunDir(r.name(), t.number).string(),
                                  report::TrialSeedOption(all, t)));
}

int RunBestParams(const BestParamsOptions& options) {
  const RankedStudy r = LoadRanked(options);
  PrintRanking(r, options);
  if (options.pareto) PrintParetoFront(r);
  const RankContext context = MakeRankContext(r, options);
  const int n = std::min<int>(options.top_n, static_cast<int>(r.ranked.size()));
  for (int rank = 0; rank < n; ++rank) PrintRank(r, context, rank, options);
  PrintBestSchedule(*r.store, r.results.study.id, r.name(), r.info().objectives.maximize, options);
  return kExitOk;
}

}  // namespace

void RegisterBestParamsCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<BestParamsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "best-params", "Show the best hyperparameters of a sweep and write a patch file");
  options->sweep.AddTo(cmd);
  cmd->add_option("--top-n", options->top_n, "How many of the best trials to show")
      ->check(AtLeastOne());
  cmd->add_flag("--show-scores", options->show_scores, "List the score of every complete trial");
  cmd->add_flag("--no-patch", options->no_patch, "Do not write the patch file");
  cmd->add_flag("--pareto", options->pareto,
                "Also list the Pareto front: of every objective in a multi-objective study, else "
                "of score against cost (wall-clock seconds)");
  cmd->add_option("--output-dir", options->output_dir, "Folder for <sweep>_best.yaml")
      ->capture_default_str();
  cmd->add_option("--metric", options->metric,
                  "Rank by this key of the trials' sweep_eval_results.yaml (reward, mean_reward "
                  "and episode_reward_mean are final_mean_reward), or an expression over them "
                  "('0.7*final_mean_reward + 0.3*success_rate')");
  cmd->add_option("--sort", options->sort,
                  "asc (smallest first) or desc (largest first); default: the sweep's goal")
      ->check(CLI::IsMember({"asc", "desc"}));
  cmd->callback([options, &exit_code] { exit_code = RunBestParams(*options); });
}

}  // namespace hpo::cli
