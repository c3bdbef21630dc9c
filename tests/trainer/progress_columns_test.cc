// progress.csv's tables: CleanRL's names in the header, and values written as the positional
// format strings the runs used before the tables wrote them (fmt's `{}` per value).
#include "lib/trainer/progress_columns.h"

#include <gtest/gtest.h>

#include <cmath>

namespace hpo::trainer {
namespace {

TEST(ProgressColumnsTest, PpoHeaderHasCleanRlsNames) {
  EXPECT_EQ(ProgressHeader(kPpoColumns),
            "global_step,update,charts/episodic_return,losses/policy_loss,losses/value_loss,"
            "losses/entropy,losses/approx_kl,losses/clipfrac,losses/explained_variance,"
            "charts/SPS,charts/learning_rate");
}

TEST(ProgressColumnsTest, SacHeaderHasCleanRlsNames) {
  EXPECT_EQ(ProgressHeader(kSacColumns),
            "global_step,update,charts/episodic_return,losses/actor_loss,losses/qf_loss,"
            "losses/alpha,losses/alpha_loss,charts/SPS,charts/learning_rate");
}

TEST(ProgressColumnsTest, PpoLineIsEachValueInColumnOrder) {
  PpoProgress row;
  row.global_step = 1015808;
  row.update = 62;
  row.episodic_return = NAN;  // no episode finished yet
  row.policy_loss = -0.0123;
  row.value_loss = 1234.5;
  row.entropy = 1.38;
  row.approx_kl = 3e-05;
  row.clipfrac = 0.125;
  row.explained_variance = 0.9;
  row.sps = 20480.25;
  row.learning_rate = 0.0003;
  EXPECT_EQ(ProgressLine(kPpoColumns, row),
            "1015808,62,nan,-0.0123,1234.5,1.38,3e-05,0.125,0.9,20480.25,0.0003");
}

TEST(ProgressColumnsTest, SacLineIsEachValueInColumnOrder) {
  SacProgress row;
  row.global_step = 3000;
  row.update = 2001;
  row.episodic_return = -1203.75;
  row.actor_loss = 41.5;
  row.qf_loss = 0.75;
  row.alpha = 0.5;
  row.alpha_loss = -1.25;
  row.sps = 512;
  row.learning_rate = 0.001;
  EXPECT_EQ(ProgressLine(kSacColumns, row), "3000,2001,-1203.75,41.5,0.75,0.5,-1.25,512,0.001");
}

}  // namespace
}  // namespace hpo::trainer
