// hpo report / export / importance / validate end to end, on sweeps of the stub trial program.
// The HTML report is rendered by headless Chromium (Debian's chromium, installed by
// scripts/setup.sh): screenshot taken, DOM checked for every plot title, no console errors, and
// the charts' geometry read back from the DOM.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <utility>
#include <vector>

#include "lib/store/store.h"
#include "tests/e2e/run_hpo.h"
#include "tests/support/test_dir.h"

namespace hpo::e2e {
namespace {

namespace fs = std::filesystem;

class ReportCliTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::FreshTestDir("report_e2e");
    setenv("HPO_TRAIN_DIR", (dir_ / "train_dir").c_str(), 1);
  }

  // A finished sweep of the stub: 14 trials over three parameters, median pruning. One at a time:
  // with two, which trials the pruner stops depends on which finishes first (a loaded machine
  // once left 3 complete trials, too few for importance to rank x first).
  void RunSweep(const std::string& name, const std::string& extra = "") {
    const fs::path path = dir_ / (name + ".yaml");
    std::ofstream(path) << "name: " << name
                        << "\nmetric: score\nmethod: random\nn_trials: 14\nn_jobs: 1\n"
                        << "command: [" << HPO_STUB_TRIAL << ", \"${args}\"]\n"
                        << "pruner: {type: median, n_startup_trials: 3, n_warmup_steps: 1}\n"
                        << "parameters:\n  x: {distribution: uniform, min: 0, max: 1}\n"
                        << "  lr: {distribution: loguniform, min: 1.0e-5, max: 1.0e-2}\n"
                        << "  act: {values: [tanh, relu]}\n"
                        << extra;
    const CommandResult sweep = RunHpo("sweep " + path.string());
    ASSERT_EQ(sweep.exit_code, 0) << sweep.output;
  }

  // Renders the page in headless Chromium: a screenshot (`png`), the DOM it built, and its log.
  // Empty when Chromium is missing.
  struct Rendered {
    fs::path png;
    std::string dom, log;
  };
  std::optional<Rendered> RenderInChromium(const fs::path& html, const std::string& tag) {
    if (std::system("command -v chromium >/dev/null 2>&1") != 0) return std::nullopt;
    const std::string flags =
        "--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
        "--enable-logging=stderr --v=0 --window-size=1280,4000 ";
    const fs::path png = dir_ / (tag + ".png"), dom = dir_ / (tag + "_dom.html"),
                   log = dir_ / (tag + "_chromium.log");
    const std::string url = "file://" + fs::absolute(html).string();
    const int shot = std::system(
        ("chromium " + flags + "--screenshot=" + png.string() + " " + url + " 2>" + log.string())
            .c_str());
    const int dump = std::system(
        ("chromium " + flags + "--dump-dom " + url + " >" + dom.string() + " 2>>" + log.string())
            .c_str());
    EXPECT_EQ(shot, 0) << ReadFile(log);
    EXPECT_EQ(dump, 0) << ReadFile(log);
    return Rendered{png, ReadFile(dom), ReadFile(log)};
  }

  // Two trials of the kind a LunarLander sweep has, recorded by another worker next to the
  // stub's: trial 14's first evaluation crashed at -3000 (a policy that flew off the screen)
  // before it learned; trial 15 was pruned after a first evaluation of -2500.
  void AddCrashedTrials(const std::string& name) {
    auto store = store::OpenStore((dir_ / "train_dir/sweep" / name / "study.db").string());
    const int64_t study = store->OpenStudy(name, "", "", false).id;
    auto add = [&](const std::vector<std::pair<int64_t, double>>& curve, store::TrialState state) {
      const std::optional<store::Trial> trial = store->ClaimTrial(study, 1000, "elsewhere:1");
      ASSERT_TRUE(trial);
      store->StartTrial(trial->id, {{"x", 0.5}, {"lr", 1e-3}, {"act", "relu"}}, 7, "");
      for (const auto& [step, value] : curve) store->ReportIntermediate(trial->id, step, value);
      ASSERT_TRUE(store->FinishTrial(trial->id, state, curve.back().second, {}, {30, 0}, ""));
    };
    add({{1000, -3000}, {2000, 40}, {3000, 60}, {4000, 75}, {5000, 80}},
        store::TrialState::kComplete);
    add({{1000, -2500}}, store::TrialState::kPruned);
  }

  fs::path dir_;
};

// What a chart of the rendered page draws: its plot area, the pixel y of every value of the
// trials it is asked about (polyline vertices and circles, found by their tooltips), and the
// triangles of values drawn at the edge.
struct ChartGeometry {
  double top = 0, bottom = 0;
  std::vector<double> ys;
  std::vector<double> edge_marker_tips;  // the y of each triangle's apex
  std::string y_label;

  double Spread() const {
    if (ys.empty()) return 0;
    const auto [lo, hi] = std::minmax_element(ys.begin(), ys.end());
    return (*hi - *lo) / (bottom - top);
  }
};

ChartGeometry ReadChart(const std::string& dom, const std::string& heading,
                        const std::vector<std::string>& trial_prefixes) {
  ChartGeometry chart;
  const size_t begin = dom.find("<h2>" + heading + "</h2>");
  if (begin == std::string::npos) return chart;
  const std::string svg = dom.substr(begin, dom.find("</svg>", begin) - begin);
  std::smatch m;
  if (std::regex_search(
          svg, m,
          std::regex(R"re(y="([-0-9.]+)" width="[-0-9.]+" height="([-0-9.]+)" class="frame")re"))) {
    chart.top = std::stod(m[1]), chart.bottom = chart.top + std::stod(m[2]);
  }
  if (std::regex_search(svg, m,
                        std::regex(R"re(class="label">([^<]*<tspan[^>]*>[^<]*)</tspan>)re")))
    chart.y_label = m[1];
  const std::regex mark(R"re(<(polyline|circle) ([^>]*)><title>([^<]*)</title>)re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), mark); it != std::sregex_iterator();
       ++it) {
    const std::string attributes = (*it)[2], tip = (*it)[3];
    if (std::none_of(trial_prefixes.begin(), trial_prefixes.end(),
                     [&](const std::string& p) { return tip.rfind(p, 0) == 0; }))
      continue;
    std::smatch values;
    if ((*it)[1] == "circle" &&
        std::regex_search(attributes, values, std::regex(R"re(cy="([-0-9.]+)")re")))
      chart.ys.push_back(std::stod(values[1]));
    if ((*it)[1] == "polyline" &&
        std::regex_search(attributes, values, std::regex(R"re(points="([^"]*)")re"))) {
      std::istringstream points(values[1].str());
      for (std::string point; points >> point;)
        chart.ys.push_back(std::stod(point.substr(point.find(',') + 1)));
    }
  }
  const std::regex edge(R"re(<path class="clipped" d="M[^"]* L[-0-9.]+,([-0-9.]+) Z")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), edge); it != std::sregex_iterator();
       ++it)
    chart.edge_marker_tips.push_back(std::stod((*it)[1]));
  return chart;
}

// The stub's 14 trials, numbered 0 to 13: the tooltips of their points and curves.
std::vector<std::string> StubTrialTips() {
  std::vector<std::string> tips;
  tips.reserve(14);
  for (int n = 0; n < 14; ++n) tips.push_back("trial " + std::to_string(n) + " (");
  return tips;
}

TEST_F(ReportCliTest, HtmlReportRendersInHeadlessChromiumWithEveryPlot) {
  RunSweep("rep");
  const fs::path html = dir_ / "out" / "report.html";
  const CommandResult report = RunHpo("report rep --out " + html.string());
  ASSERT_EQ(report.exit_code, 0) << report.output;
  const std::string page = ReadFile(html);
  EXPECT_EQ(page.find("http://cdn"), std::string::npos);
  EXPECT_EQ(page.find("<script src"), std::string::npos);  // self-contained

  const std::optional<Rendered> shot = RenderInChromium(html, "report");
  if (!shot) {
    GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it): the browser check "
                    "did not run";
  }
  const fs::path& png = shot->png;
  const std::string& rendered = shot->dom;
  // A blank 1280x4000 page compresses to a few kilobytes; charts and text make it much larger.
  ASSERT_TRUE(fs::exists(png));
  EXPECT_GT(fs::file_size(png), 60'000u);
  for (const char* title : {"Optimization history", "History by wall time", "Intermediate values",
                            "Parameter importance", "Parallel coordinates", "Slice plots",
                            "Cost vs score", "Top 10 trials"}) {
    EXPECT_NE(rendered.find(std::string("<h2>") + title + "</h2>"), std::string::npos) << title;
  }
  EXPECT_NE(rendered.find("<svg"), std::string::npos);
  // Every point and line says which trial it is, its value and its parameters.
  EXPECT_NE(rendered.find("<title>trial "), std::string::npos);
  EXPECT_NE(rendered.find(", score "), std::string::npos);
  EXPECT_NE(rendered.find(" act="), std::string::npos);
  // The categorical slice plot names its values on its axis, not indices with fractional ticks.
  EXPECT_NE(rendered.find(R"(class="tick">tanh</text>)"), std::string::npos);
  EXPECT_NE(rendered.find(R"(class="tick">relu</text>)"), std::string::npos);
  // Charts scale to the page; the top-N table links each run directory.
  EXPECT_NE(rendered.find(R"(class="chart")"), std::string::npos);
  EXPECT_NE(rendered.find("<a href=\"file://" + (dir_ / "train_dir").string()), std::string::npos);
  // Console messages are logged as "CONSOLE(line)"; the page has no script, so there are none.
  EXPECT_EQ(shot->log.find("CONSOLE"), std::string::npos) << shot->log;
  fs::copy_file(png, fs::path(testing::TempDir()) / "hpo_report_screenshot.png",
                fs::copy_options::overwrite_existing);
}

TEST_F(ReportCliTest, CurvesSpreadOverTheChartWhenEarlyValuesCrashFarBelowThem) {
  RunSweep("crash");
  AddCrashedTrials("crash");
  const fs::path html = dir_ / "out" / "report.html";
  const CommandResult report = RunHpo("report crash --out " + html.string());
  ASSERT_EQ(report.exit_code, 0) << report.output;
  const std::optional<Rendered> shot = RenderInChromium(html, "crash");
  if (!shot) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it)";
  fs::copy_file(shot->png, fs::path(testing::TempDir()) / "hpo_report_crash_screenshot.png",
                fs::copy_options::overwrite_existing);

  // The stub's curves run from about 10 to 100; scaled to take in -3000 they would fill 3% of
  // the chart's height. They take most of it, and the two crashed values are triangles on the
  // bottom edge, counted in the y label.
  const ChartGeometry curves = ReadChart(shot->dom, "Intermediate values", StubTrialTips());
  ASSERT_GT(curves.bottom, curves.top) << "no frame in the intermediate values chart";
  EXPECT_GT(curves.ys.size(), 14u);
  EXPECT_GT(curves.Spread(), 0.75) << "the curves fill this share of the chart's height";
  EXPECT_EQ(curves.edge_marker_tips, std::vector<double>(2, curves.bottom));
  EXPECT_NE(curves.y_label.find("(2 points below "), std::string::npos) << curves.y_label;
  EXPECT_NE(curves.y_label.find(" drawn at the edge)"), std::string::npos) << curves.y_label;

  // The histories: the pruned trial's -2500 is the one value drawn at the edge.
  for (const char* heading : {"Optimization history", "History by wall time"}) {
    const ChartGeometry history = ReadChart(shot->dom, heading, StubTrialTips());
    EXPECT_EQ(history.ys.size(), 14u) << heading;
    EXPECT_GT(history.Spread(), 0.75) << heading;
    EXPECT_EQ(history.edge_marker_tips, std::vector<double>{history.bottom}) << heading;
    EXPECT_NE(history.y_label.find("(1 point below "), std::string::npos) << history.y_label;
  }
}

TEST_F(ReportCliTest, MarkdownImportanceAndExportsOfAFinishedSweep) {
  RunSweep("rep");
  const CommandResult md = RunHpo("report rep --format md");
  ASSERT_EQ(md.exit_code, 0) << md.output;
  EXPECT_NE(md.output.find("## Top 10 trials"), std::string::npos);
  EXPECT_NE(md.output.find("## Pareto front"), std::string::npos);

  const CommandResult importance = RunHpo("importance rep");
  ASSERT_EQ(importance.exit_code, 0) << importance.output;
  const std::string yaml =
      ReadFile(dir_ / "train_dir/sweep/rep/analysis/hyperparameter_importance.yaml");
  EXPECT_NE(yaml.find("importance_ranking:"), std::string::npos);
  EXPECT_NE(yaml.find("top_5_configs:"), std::string::npos);
  // The stub's score depends on x alone.
  EXPECT_LT(yaml.find("parameter: x"), yaml.find("parameter: lr")) << yaml;
  EXPECT_LT(yaml.find("parameter: x"), yaml.find("parameter: act")) << yaml;

  const CommandResult csv = RunHpo("export rep --format csv --out -");
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_EQ(csv.output.rfind(
                "number,state,value,cost_seconds,seed,params.act,params.lr,params.x,error\n", 0),
            0u)
      << csv.output;
  EXPECT_EQ(LineCount(csv.output), 15);
  for (const char* format : {"json", "optuna-journal"}) {
    const CommandResult out = RunHpo(std::string("export rep --format ") + format);
    EXPECT_EQ(out.exit_code, 0) << out.output;
  }
  EXPECT_TRUE(fs::exists(dir_ / "train_dir/sweep/rep/analysis/rep_results.json"));
  EXPECT_TRUE(fs::exists(dir_ / "train_dir/sweep/rep/analysis/rep.optuna.jsonl"));
}

TEST_F(ReportCliTest, BadInputIsOneLineAndExitCode2) {
  // Every trial fails: nothing finished to report or export.
  const fs::path path = dir_ / "broken.yaml";
  std::ofstream(path)
      << "name: broken\nmetric: score\nmethod: random\nn_trials: 2\nmax_retries: 0\n"
      << "command: [" << HPO_STUB_TRIAL << ", \"--fault=exit3\", \"${args}\"]\n"
      << "parameters:\n  x: {distribution: uniform, min: 0, max: 1}\n";
  const CommandResult sweep = RunHpo("sweep " + path.string());
  ASSERT_EQ(sweep.exit_code, 1) << sweep.output;  // a sweep that produced nothing fails
  EXPECT_NE(sweep.output.find("sweep broken failed: all 2 trial(s) failed"), std::string::npos)
      << sweep.output;
  for (const char* command :
       {"report broken", "export broken", "importance broken", "report broken --format md"}) {
    const CommandResult r = RunHpo(command);
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.output;
    EXPECT_NE(r.output.find("has no finished trial yet"), std::string::npos) << r.output;
    EXPECT_EQ(LineCount(r.output), 1) << r.output;
  }
  EXPECT_FALSE(fs::exists(dir_ / "train_dir/sweep/broken/analysis"));

  RunSweep("ok");
  const CommandResult format = RunHpo("export ok --format parquet");
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_NE(format.output.find("parquet"), std::string::npos) << format.output;
  const CommandResult report_format = RunHpo("report ok --format pdf");
  EXPECT_EQ(report_format.exit_code, 2);
  for (const char* command : {"report ok --out /proc/hpo_forbidden/report.html",
                              "export ok --out /proc/hpo_forbidden/x.json"}) {
    const CommandResult r = RunHpo(command);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("/proc/hpo_forbidden"), std::string::npos) << r.output;
    EXPECT_EQ(LineCount(r.output), 1) << r.output;
  }
  const CommandResult missing = RunHpo("report no_such_sweep");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
}

TEST_F(ReportCliTest, ValidateRerunsTheTopConfigurationsOnFreshSeedsAndWritesItsTable) {
  RunSweep("val");
  const CommandResult validate = RunHpo("validate val --seeds 3 --top-n 2 --jobs 2");
  ASSERT_EQ(validate.exit_code, 0) << validate.output;
  EXPECT_NE(validate.output.find("ranking "), std::string::npos) << validate.output;
  const std::string yaml = ReadFile(dir_ / "train_dir/sweep/val/analysis/validation.yaml");
  EXPECT_NE(yaml.find("ranking_held: "), std::string::npos) << yaml;
  // Two configurations, three completed seeds each; the stub's score does not depend on the
  // seed, so every seed reproduces the sweep's value and the ranking holds.
  int configs = 0;
  for (size_t at = yaml.find("config_id:"); at != std::string::npos;
       at = yaml.find("config_id:", at + 1))
    ++configs;
  EXPECT_EQ(configs, 2) << yaml;
  int completed = 0;
  for (size_t at = yaml.find("completed_seeds: 3"); at != std::string::npos;
       at = yaml.find("completed_seeds: 3", at + 1))
    ++completed;
  EXPECT_EQ(completed, 2) << yaml;
  EXPECT_NE(yaml.find("ranking_held: true"), std::string::npos) << yaml;
  // Six runs with distinct seeds, in the sweep's validate folder.
  int runs = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / "train_dir/sweep/val/validate/runs"))
    runs += entry.is_directory();
  EXPECT_EQ(runs, 6);
}

// A sweep trained on 3 seeds per trial is validated one seed per rerun: the validation's spread
// is the seeds' own, not that of 3-seed means.
TEST_F(ReportCliTest, ValidateRerunsASeededSweepOneSeedPerRun) {
  RunSweep("valk", "seeds_per_trial: 3\n");
  ASSERT_EQ(RunHpo("validate valk --seeds 2 --top-n 1").exit_code, 0);
  int runs = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / "train_dir/sweep/valk/validate/runs")) {
    ++runs;
    EXPECT_FALSE(fs::exists(entry.path() / "seed_0")) << entry.path();
    EXPECT_TRUE(fs::exists(entry.path() / "sweep_eval_results.yaml")) << entry.path();
  }
  EXPECT_EQ(runs, 2);
}

TEST_F(ReportCliTest, ValidateSetRunsEveryRunWithTheGivenValuesInItsOwnStudy) {
  RunSweep("valset");
  // steps is the stub's number of reports: 7 for every run instead of the sweep's 5.
  const CommandResult validate = RunHpo("validate valset --seeds 2 --top-n 1 --set steps=7");
  ASSERT_EQ(validate.exit_code, 0) << validate.output;
  EXPECT_NE(
      validate.output.find("budget of every run: total_timesteps the program's default (--set)"),
      std::string::npos)
      << validate.output;
  auto store = store::OpenStore((dir_ / "train_dir/sweep/valset/study.db").string());
  const std::vector<store::Trial> runs =
      store->LoadTrials(store->OpenStudy("valset_validate,steps=7", "", "", false).id);
  ASSERT_EQ(runs.size(), 2u);
  for (const store::Trial& t : runs) EXPECT_EQ(t.intermediates.size(), 7u) << t.number;
  // The plain validation is another study.
  ASSERT_EQ(RunHpo("validate valset --seeds 1 --top-n 1").exit_code, 0);
  EXPECT_EQ(store->LoadTrials(store->OpenStudy("valset_validate", "", "", false).id).size(), 1u);
  const CommandResult bad = RunHpo("validate valset --set =3");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("--set =3"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace hpo::e2e
