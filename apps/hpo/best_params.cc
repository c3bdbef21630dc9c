// hpo best-params [SWEEP]: the best trials as YAML, overrides and commands, plus a patch file
// (the format of Metta's sweep_best_params tool): for `hpo train --patch`, or for a sweep's own
// `command:` under the names that program takes.
#include "lib/report/best_params.h"

#include <fmt/format.h>

#include <filesystem>
#include <optional>
#include <set>

#include "apps/hpo/commands.h"
#include "apps/hpo/sweep_args.h"
#include "apps/hpo/train_command.h"
#include "lib/core/atomic_file.h"
#include "lib/core/error.h"
#include "lib/report/seed_values.h"
#include "lib/report/study_info.h"
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

// The stored config the study ran with; none when it cannot be read back (then the trials'
// own parameters are all there is).
std::optional<config::SweepConfig> StoredConfig(const store::Study& study) {
  try {
    return config::ParseSweepConfig(study.config_yaml, "the stored config of " + study.name,
                                    study.name);
  } catch (const UserError& e) {
    fmt::print(stderr,
               "hpo best-params: warning: {}; fixed values and the trial program are unknown\n",
               e.what());
    return std::nullopt;
  }
}

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

int RunBestParams(const BestParamsOptions& options) {
  const store::SweepLocation location = options.sweep.Locate();
  auto store = store::OpenStore(location.storage_url);
  const store::Study study = store->OpenStudy(location.name, "", "", false);
  report::StudyInfo info = report::ReadStudyInfo(study);
  std::vector<store::Trial> trials = store->LoadTrials(study.id);
  std::set<std::string> result_keys;
  if (!options.metric.empty() && options.metric != info.metric) {
    result_keys = report::RescoreFromRunDirs(trials, options.metric, info.seeds);
    info.metric = options.metric;
  }
  if (!options.sort.empty()) info.maximize = options.sort == "desc";
  if (!options.metric.empty() || !options.sort.empty())
    info.more_objectives.clear();  // re-ranked by one metric
  const std::vector<store::Trial> ranked =
      report::RankTrials(trials, info.maximize, info.more_objectives);
  const auto score = [&info](const store::Trial& t) { return report::ScoreText(t, info); };
  if (ranked.empty() && !result_keys.empty()) {
    throw UserError(
        Origin{"--metric"},
        fmt::format("no complete trial of sweep '{}' has a {} (its results files have: {})",
                    location.name, info.metric, fmt::join(result_keys, ", ")));
  }
  if (ranked.empty()) {
    throw UserError(
        fmt::format("sweep '{}' has no complete trial with a {} yet ({} trials in storage)",
                    location.name, info.metric, trials.size()));
  }
  if (!options.metric.empty() || !options.sort.empty()) {
    fmt::print("Ranked by {}, {} first\n", info.metric, info.maximize ? "largest" : "smallest");
  }

  const store::Trial& best = ranked[0];
  if (info.MultiObjective()) {
    fmt::print("Objectives: {}; trials rank by Pareto front, then by {}\n",
               DescribeObjectives(info.Objectives()), info.metric);
  }
  const std::string seeds = report::SeedsSentence(info.metric, info.seeds);
  if (!seeds.empty()) fmt::print("{}\n", seeds);
  fmt::print("Best run: {} ({})\n\n", report::RunName(location.name, best), score(best));
  if (options.show_scores) {
    fmt::print("All scores ({} complete trials, best first):\n", ranked.size());
    for (const store::Trial& t : ranked) {
      fmt::print("  {}  {}\n", report::RunName(location.name, t),
                 info.MultiObjective() ? score(t) : report::ValueWithSeedsText(t, info.seeds));
    }
    fmt::print("\n");
  }

  if (options.pareto && info.MultiObjective()) {
    const std::vector<store::Trial> front = report::ObjectiveFront(trials, info.Objectives());
    fmt::print("Pareto front ({} trials no other trial beats on every objective; by {}):\n",
               front.size(), info.metric);
    for (const store::Trial& t : front)
      fmt::print("  {}  {}\n", report::RunName(location.name, t), score(t));
    fmt::print("\n");
  } else if (options.pareto) {
    fmt::print("Pareto front (best {} for its cost; cheapest first):\n", info.metric);
    for (const store::Trial& t : report::ParetoFront(trials, info.maximize)) {
      fmt::print("  {}  {}  in {:.1f} s\n", report::RunName(location.name, t),
                 ReadableNumber(*t.value), t.cost);
    }
    fmt::print("\n");
  }

  const std::optional<config::SweepConfig> stored = StoredConfig(study);
  const ParamSet fixed = stored ? stored->fixed : ParamSet{};
  const bool custom_program = stored && !stored->command.empty();
  std::set<std::string> fixed_names;
  for (const auto& [name, value] : fixed) fixed_names.insert(name);

  const std::filesystem::path patch_path =
      std::filesystem::path(options.output_dir) / (location.name + "_best.yaml");
  const int n = std::min<int>(options.top_n, static_cast<int>(ranked.size()));
  for (int rank = 0; rank < n; ++rank) {
    const store::Trial& t = ranked[static_cast<size_t>(rank)];
    const ParamSet all = report::WithFixed(fixed, t.params);  // the trial's whole configuration
    const std::filesystem::path run_dir = RetrainRunDir(location.name, t.number);
    fmt::print("{}\n{}\n{}\n\n", kRule,
               rank == 0 ? std::string("BEST HYPERPARAMETERS:")
                         : fmt::format("RANK {}: {} ({})", rank + 1,
                                       report::RunName(location.name, t), score(t)),
               kRule);
    const report::YamlLayout layout =
        custom_program ? report::YamlLayout::kAsWritten : report::YamlLayout::kTrainerBlock;
    fmt::print(
        "1. As YAML config (4 significant digits; the patch and the commands have every "
        "digit):\n{}\n{}\n",
        kThinRule, report::ParamsAsYaml(all, fixed_names, layout, report::Digits::kReadable));
    if (custom_program) {
      if (rank == 0 && options.no_patch) {
        fmt::print("2. Config patch: not written (--no-patch)\n\n");
      } else if (rank == 0) {
        std::filesystem::create_directories(options.output_dir);
        WriteFileAtomic(patch_path,
                        report::ProgramPatchFileText(location.name, t, fixed, info.metric,
                                                     stored->command, info.seeds));
        fmt::print(
            "2. Config patch saved to: {}\n   For the sweep's trial program (its parameter "
            "names, nested by their dots; # @package _global_)\n\n",
            patch_path.string());
      }
      fmt::print("3. Command (the sweep's trial program, as the sweep ran it):\n{}\n{}\n\n",
                 kThinRule, TrialTrainingCommand(*stored, location.dir, location.name, t));
      continue;
    }
    if (rank == 0) {
      if (options.no_patch) {
        fmt::print("2. Config patch: not written (--no-patch)\n\n");
      } else {
        std::filesystem::create_directories(options.output_dir);
        WriteFileAtomic(patch_path, report::PatchFileText(location.name, t, fixed, info.metric,
                                                          patch_path, info.seeds));
        fmt::print("2. Config patch saved to: {}\n   Use with: hpo train --patch {}\n\n",
                   patch_path.string(), patch_path.string());
      }
    }
    const std::vector<std::string> overrides = report::ParamsAsOverrides(all);
    std::string override_line = "hpo train";
    for (const std::string& o : overrides) override_line += " --override " + report::ShellQuote(o);
    fmt::print("3. As command-line overrides:\n{}\n{}\n\n", kThinRule, override_line);
    fmt::print("4. Complete training command:\n{}\n{}\n\n", kThinRule,
               TrainCommand(overrides, run_dir.string(), TrialSeedOption(all, t)));
  }
  PrintBestSchedule(*store, study.id, location.name, info.maximize, options);
  return kExitOk;
}

}  // namespace

void RegisterBestParamsCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<BestParamsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "best-params", "Show the best hyperparameters of a sweep and write a patch file");
  options->sweep.AddTo(cmd);
  cmd->add_option("--top-n", options->top_n, "How many of the best trials to show")
      ->check(CLI::PositiveNumber);
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
