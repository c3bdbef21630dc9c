// The run folder's checkpoint names: the trainer writes them, the trainer's restore and the PBT
// coordinator read their steps back with one parser.
#include "lib/protocol/run_folder.h"

#include <gtest/gtest.h>

namespace hpo::protocol {
namespace {

TEST(CheckpointNamesTest, WhatTheTrainerWritesReadsBackAsItsStep) {
  EXPECT_EQ(StepCheckpointName(123456), "step_0000123456.pt");
  EXPECT_EQ(PbtCheckpointName(20000), "step_20000.pt");
  for (int64_t step : {int64_t{0}, int64_t{512}, int64_t{9999999999}, int64_t{12345678901}}) {
    EXPECT_EQ(CheckpointStep(StepCheckpointName(step)), step);
    EXPECT_EQ(CheckpointStep(PbtCheckpointName(step)), step);
  }
}

// A sweep's own program names its checkpoints step_<N> with any extension, or as a folder.
TEST(CheckpointNamesTest, TheStepIsReadWithAnyExtensionOrNone) {
  EXPECT_EQ(CheckpointStep("step_20000"), 20000);
  EXPECT_EQ(CheckpointStep("step_20.ckpt"), 20);
  EXPECT_EQ(CheckpointStep("step_500.json"), 500);
  EXPECT_EQ(CheckpointStep("step_0000000998.pt"), 998);
  EXPECT_EQ(CheckpointStep("step_00000000000000000100.pt"), 100);  // padded past 18 digits
  EXPECT_EQ(CheckpointStep("step_9223372036854775807"), INT64_MAX);
}

TEST(CheckpointNamesTest, OtherNamesAndFilesBeingWrittenHaveNoStep) {
  for (const char* name :
       {"final.pt", "step_.pt", "step_x.pt", "step_12a.pt", "Step_1.pt", "notes.txt",
        ".step_5000.pt.tmp", "step_3000.pt.tmp", "step_3000.pt.tmp.4242", "step_-1.pt",
        "step_+1.pt", "step_9223372036854775808.pt"}) {  // the last: INT64_MAX + 1
    EXPECT_EQ(CheckpointStep(name), std::nullopt) << name;
  }
}

}  // namespace
}  // namespace hpo::protocol
