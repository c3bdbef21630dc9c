// The events file's lines (hpo sweep --events), which hooks also get as ${trial_json}.
#include "lib/runner/event_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace hpo::runner {
namespace {

store::Trial ATrial() {
  store::Trial t;
  t.number = 4;
  t.params = {{"lr", Value(0.001)}, {"acts", Value(Value::List{Value("relu"), Value("tanh")})}};
  t.run_dir = "/runs/s.r.4";
  return t;
}

TEST(EventLogTest, ATrialEventCarriesItsTrialParamsStepAndValue) {
  const store::Trial t = ATrial();
  SweepEvent reported{
      SweepEvent::Kind::kReported, &t, "step 2000 score 1.5", nullptr, 1.5, 2000, std::nullopt};
  EXPECT_EQ(
      EventJson(reported, "s", 17),
      R"({"event": "reported", "sweep": "s", "time_ms": 17, "trial": 4, "params": {"acts": )"
      R"(["relu", "tanh"], )"
      R"("lr": 0.001}, "run_dir": "/runs/s.r.4", "step": 2000, "value": 1.5, "message": "step )"
      R"(2000 score 1.5"})");
  SweepEvent failed{SweepEvent::Kind::kFailed,
                    &t,
                    "killed by \"SIGSEGV\"",
                    nullptr,
                    std::nullopt,
                    std::nullopt,
                    std::nullopt};
  EXPECT_NE(EventJson(failed, "s", 1).find(R"("event": "failed")"), std::string::npos);
  EXPECT_NE(EventJson(failed, "s", 1).find(R"("message": "killed by \"SIGSEGV\"")"),
            std::string::npos);
  SweepEvent info{SweepEvent::Kind::kInfo,
                  nullptr,
                  "sweep timeout reached",
                  nullptr,
                  std::nullopt,
                  std::nullopt,
                  std::nullopt};
  EXPECT_EQ(EventJson(info, "s", 2),
            R"({"event": "info", "sweep": "s", "time_ms": 2, "message": "sweep timeout reached"})");
}

TEST(EventLogTest, TheSweepEndCountsTheStudyAndNamesTheBest) {
  store::Trial best = ATrial();
  best.state = store::TrialState::kComplete;
  best.value = 2.5;
  store::Trial failed = ATrial();
  failed.state = store::TrialState::kFailed;
  EXPECT_EQ(SweepEndJson("s", {best, failed}, &best, 2, false, 9),
            R"({"event": "sweep_end", "sweep": "s", "time_ms": 9, "launched": 2, "complete": 1, )"
            R"("pruned": 0, )"
            R"("failed": 1, "interrupted": false, "best": {"trial": 4, "value": 2.5, "params": )"
            R"({"acts": ["relu", "tanh"], )"
            R"("lr": 0.001}, "run_dir": "/runs/s.r.4"}})");
  EXPECT_NE(SweepEndJson("s", {failed}, nullptr, 1, true, 9)
                .find(R"("interrupted": true, "best": null})"),
            std::string::npos);
}

TEST(EventLogTest, LinesAreAppended) {
  const std::filesystem::path path =
      std::filesystem::path(testing::TempDir()) / "event_log_test.jsonl";
  std::filesystem::remove(path);
  {
    EventLog first(path, "s");
    first.WriteLine(R"({"a": 1})");
  }
  EventLog second(path, "s");
  second.WriteLine(R"({"b": 2})");
  std::ifstream in(path);
  std::string a, b;
  std::getline(in, a);
  std::getline(in, b);
  EXPECT_EQ(a, R"({"a": 1})");
  EXPECT_EQ(b, R"({"b": 2})");
}

}  // namespace
}  // namespace hpo::runner
