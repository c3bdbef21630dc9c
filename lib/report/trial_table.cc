#include "lib/report/trial_table.h"

#include <fmt/format.h>

#include <algorithm>

#include "lib/core/value.h"
#include "lib/report/best_params.h"
#include "lib/report/seed_values.h"

namespace hpo::report {
namespace {

std::string Duration(const store::Trial& t, int64_t now_ms) {
  if (t.started_ms == 0) return "-";
  const int64_t end = t.finished_ms ? t.finished_ms : now_ms;
  const double s = static_cast<double>(end - t.started_ms) / 1000.0;
  return s < 120 ? fmt::format("{:.1f}s", s) : fmt::format("{:.1f}m", s / 60);
}

// The machine that ran a trial (its files are there): the host of "host:pid".
std::string Host(const store::Trial& t) {
  const size_t colon = t.worker.rfind(':');
  return t.worker.empty() ? "-" : t.worker.substr(0, colon);
}

// One line of the table, as text.
struct Line {
  std::string number, state, value, seeds, duration, host, params;
};

// `seeds_width` 0: the table has no seeds column.
std::string Format(const Line& l, size_t seeds_width) {
  const std::string seeds = seeds_width == 0 ? "" : fmt::format("  {:<{}}", l.seeds, seeds_width);
  return fmt::format("{:>5}  {:<8}  {:>12}{}  {:>8}  {:<16}  {}\n", l.number, l.state, l.value,
                     seeds, l.duration, l.host, l.params);
}

}  // namespace

std::string TrialTable(const std::vector<store::Trial>& trials, const StudyInfo& info,
                       int64_t now_ms) {
  const bool shows_seeds = ShowsSeeds(info.seeds, trials);
  std::vector<std::string> seeds;
  size_t seeds_width = shows_seeds ? std::string("seeds").size() : 0;
  for (const store::Trial& t : trials) {
    seeds.push_back(shows_seeds ? SeedsText(t, info.seeds) : "");
    seeds_width = std::max(seeds_width, seeds.back().size());
  }
  std::string table =
      Format({"#", "state", "value", "seeds", "duration", "host", "params"}, seeds_width);
  for (size_t i = 0; i < trials.size(); ++i) {
    const store::Trial& t = trials[i];
    std::string value = t.value ? ReadableNumber(*t.value) : "-";
    for (double v : t.more_values) value += " " + ReadableNumber(v);  // further objectives
    const std::string params =
        t.state == store::TrialState::kFailed ? "error: " + t.error : ParamsLine(t.params);
    table += Format({std::to_string(t.number), std::string(store::StateName(t.state)), value,
                     seeds[i], Duration(t, now_ms), Host(t), params},
                    seeds_width);
  }
  return table;
}

}  // namespace hpo::report
