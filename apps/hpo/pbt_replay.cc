// hpo pbt-replay [SWEEP] [--member M] [--seed S]: retrains one member of a PBT sweep from scratch
// with its hyperparameter schedule (lib/runner/pbt_replay.h), to see whether the schedule, not
// the luck of its seed, made the result.
#include "lib/runner/pbt_replay.h"

#include <fmt/format.h>

#include <optional>

#include "apps/hpo/commands.h"
#include "apps/hpo/run_context.h"
#include "apps/hpo/sweep_args.h"
#include "lib/core/error.h"
#include "lib/core/random.h"
#include "lib/report/sweep_results.h"
#include "lib/runner/pbt_member.h"
#include "lib/store/store.h"

namespace hpo::cli {
namespace {

struct ReplayOptions {
  SweepArgs sweep;
  std::optional<int> member;  // none: the best finished member
  std::optional<uint64_t> seed;
};

const pbt::Member& ChosenMember(const std::vector<pbt::Member>& members, const ReplayOptions& o,
                                bool maximize, const std::string& name) {
  if (members.empty())
    throw UserError(
        fmt::format("sweep '{}' is not a population-based training sweep (method: "
                    "pbt): it has no members to replay",
                    name));
  if (o.member) {
    for (const pbt::Member& m : members) {
      if (m.index == *o.member) return m;
    }
    throw UserError(Origin{"--member"}, fmt::format("sweep '{}' has members 0 to {}, not {}", name,
                                                    members.size() - 1, *o.member));
  }
  const pbt::Member* best = pbt::BestMember(members, maximize);
  if (!best)
    throw UserError(
        fmt::format("sweep '{}' has no finished member yet; name one with --member", name));
  return *best;
}

int RunReplay(const ReplayOptions& o) {
  const report::SweepResults r = report::LoadSweepResults(o.sweep.Locate());
  if (!r.config)
    throw UserError(
        fmt::format("sweep '{}': its stored config no longer parses, so its trial "
                    "program is unknown",
                    r.location.name));
  auto store = store::OpenStore(r.location.storage_url);
  const std::vector<pbt::Member> members = runner::LoadPopulation(*store, r.study.id);
  const pbt::Member& member = ChosenMember(members, o, r.info.objectives.maximize, r.location.name);
  if (member.schedule.empty())
    throw UserError(fmt::format("member {} has not started: it has no schedule", member.index));
  runner::ReplayPlan plan;
  plan.sweep = *r.config;
  plan.run = RunContextFor(r.location.dir);
  plan.schedule = member.schedule;
  plan.seed = o.seed.value_or(DeriveSeed(member.seed, 1, "pbt-replay") & 0x7FFFFFFFULL);
  plan.dir = r.location.dir / "replays" / fmt::format("member_{}.seed_{}", member.index, plan.seed);
  fmt::print("replaying member {}'s schedule ({} values) on seed {} in {}\n", member.index,
             member.schedule.size(), plan.seed, plan.dir.string());
  const runner::ReplayResult result =
      runner::ReplaySchedule(plan, [](const std::string& line) { fmt::print("{}\n", line); });
  fmt::print("replay of member {}: {} {} (the member ended at {})\n", member.index,
             r.info.objectives.Shown(), ReadableNumber(result.value),
             member.last_value ? ReadableNumber(*member.last_value) : std::string("none"));
  return kExitOk;
}

}  // namespace

void RegisterPbtReplayCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ReplayOptions>();
  CLI::App* cmd = app.add_subcommand(
      "pbt-replay", "Retrain a PBT member's hyperparameter schedule from scratch on a new seed");
  o->sweep.AddTo(cmd);
  cmd->add_option("--member", o->member, "The member to replay (default: the best finished one)");
  cmd->add_option("--seed", o->seed, "The training seed (default: one derived from the member's)");
  cmd->callback([o, &exit_code] { exit_code = RunReplay(*o); });
}

}  // namespace hpo::cli
