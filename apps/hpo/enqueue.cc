// hpo enqueue SWEEP --params 'lr=3e-4,gamma=0.99' | --from-patch FILE: adds a WAITING trial
// with known-good parameters to a sweep's study; the next controller claims it before asking
// the sampler for anything (Optuna's enqueue_trial). Searched parameters not given take the
// search centre, and the output says which.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "apps/hpo/commands.h"
#include "apps/hpo/sweep_args.h"
#include "lib/config/from_patch.h"
#include "lib/config/queued_trial.h"
#include "lib/config/trainer_config.h"
#include "lib/config/yaml_source.h"
#include "lib/core/error.h"
#include "lib/report/best_params.h"
#include "lib/report/sweep_results.h"
#include "lib/runner/sweep_runner.h"
#include "lib/store/store.h"

namespace hpo::cli {
namespace {

struct EnqueueOptions {
  SweepArgs sweep;
  std::string params;
  std::string from_patch;
};

// "lr=3e-4,net_arch=[64,64],gamma=0.99": split at the commas outside brackets.
std::vector<std::string> SplitAssignments(const std::string& text) {
  std::vector<std::string> parts(1);
  int depth = 0;
  for (char ch : text) {
    if (ch == '[' || ch == '{') ++depth;
    if (ch == ']' || ch == '}') --depth;
    if (ch == ',' && depth == 0) {
      parts.emplace_back();
    } else {
      parts.back() += ch;
    }
  }
  return parts;
}

// The given values, each tagged with where it came from (for messages).
std::vector<config::GivenValue> GivenValues(const EnqueueOptions& o,
                                            const config::SweepConfig& sweep) {
  std::vector<config::GivenValue> given;
  for (const std::string& part : SplitAssignments(o.params)) {
    if (part.empty()) continue;
    auto [name, value] = config::ParseOverride(part);
    given.push_back({name, std::move(value), "--params"});
  }
  if (!o.from_patch.empty()) given = config::ReadPatchValues(o.from_patch, sweep);
  return given;
}

int RunEnqueue(const EnqueueOptions& o) {
  if (o.params.empty() == o.from_patch.empty())
    throw UserError(
        "hpo enqueue: give --params 'key=value,...' or --from-patch FILE (one of them)");
  const report::SweepResults r = report::LoadSweepResults(o.sweep.Locate());
  if (!r.config)
    throw UserError(
        fmt::format("sweep '{}': its stored config no longer parses, so nothing can be queued",
                    r.location.name));
  const space::SearchSpace space = r.config->BuildSpace();
  const config::QueuedTrial queued = config::CompleteQueuedTrial(
      space, r.config->fixed, GivenValues(o, *r.config), r.location.name);
  auto store = store::OpenStore(r.location.storage_url);
  const int64_t next_number = static_cast<int64_t>(r.trials.size());
  const uint64_t seed =
      runner::SeedOfTrial(r.config->fixed, queued.params, r.config->seed, next_number);
  const int64_t number = store->EnqueueTrial(r.study.id, queued.params, seed);
  fmt::print("queued trial {} of sweep {} (WAITING: the next controller runs it first)\n", number,
             r.location.name);
  for (const auto& [name, value] : queued.params) {
    fmt::print("  {}: {}{}\n", name, report::FormatParamValue(value),
               queued.given.count(name) ? "" : "  (not given: the search centre)");
  }
  return kExitOk;
}

}  // namespace

void RegisterEnqueueCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<EnqueueOptions>();
  CLI::App* cmd = app.add_subcommand(
      "enqueue", "Queue a trial with given parameters; it runs before any sampled one");
  o->sweep.AddTo(cmd);
  cmd->add_option("--params", o->params,
                  "Values as key=value, comma-separated: 'lr=3e-4,gamma=0.99'");
  cmd->add_option("--from-patch", o->from_patch,
                  "A patch file (hpo best-params writes them): its searched keys");
  cmd->callback([o, &exit_code] { exit_code = RunEnqueue(*o); });
}

}  // namespace hpo::cli
