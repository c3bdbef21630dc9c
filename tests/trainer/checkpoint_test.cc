#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "lib/trainer/policy_io.h"

namespace hpo::trainer {
namespace {

TEST(CheckpointTest, SaveAndLoadGiveIdenticalActions) {
  config::TrainerConfig config;
  torch::manual_seed(1);
  ActorCritic original(8, envs::ActionSpace{true, 4, 0, 3}, config);
  FlatParameters original_params = Flatten(*original);
  const auto dir = std::filesystem::path(testing::TempDir()) / "checkpoint_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "checkpoints");
  CheckpointState state;
  state.params = original_params.values;
  state.adam_m = torch::randn_like(original_params.values);
  state.adam_v = torch::rand_like(original_params.values);
  state.adam_step = 17;
  state.global_step = 123456;
  state.updates = 8;
  state.training_seconds = 4.5;
  SaveCheckpointFile(dir / "checkpoints" / "step_0000123456.pt", state);

  torch::manual_seed(2);  // different initial weights
  ActorCritic restored(8, envs::ActionSpace{true, 4, 0, 3}, config);
  FlatParameters restored_params = Flatten(*restored);
  const torch::Tensor obs = torch::randn({32, 8});
  ASSERT_FALSE(torch::equal(original->forward(obs).policy, restored->forward(obs).policy));
  const CheckpointState loaded = LoadCheckpointFile(LatestCheckpoint(dir));
  {
    torch::NoGradGuard no_grad;
    restored_params.values.copy_(loaded.params);
  }
  EXPECT_TRUE(torch::equal(original->forward(obs).policy, restored->forward(obs).policy));
  EXPECT_TRUE(torch::equal(original->forward(obs).value, restored->forward(obs).value));
  EXPECT_TRUE(torch::equal(loaded.adam_m, state.adam_m));
  EXPECT_EQ(loaded.adam_step, 17);
  EXPECT_EQ(loaded.global_step, 123456);
  EXPECT_EQ(loaded.updates, 8);
  EXPECT_DOUBLE_EQ(loaded.training_seconds, 4.5);
  // No temporary file is left beside the checkpoint.
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir / "checkpoints")) ++files;
  EXPECT_EQ(files, 1);
}

TEST(CheckpointTest, FlatGradientsStayViewsThroughBackward) {
  config::TrainerConfig config;
  ActorCritic model(8, envs::ActionSpace{true, 4, 0, 3}, config);
  FlatParameters params = Flatten(*model);
  const ActorCriticImpl::Output out = model->forward(torch::randn({16, 8}));
  (out.policy.sum() + out.value.sum()).backward();
  // Every gradient landed in the flat buffer: its norm equals the norm over parameter grads.
  double sum_sq = 0;
  for (const torch::Tensor& p : model->parameters()) sum_sq += p.grad().pow(2).sum().item<double>();
  EXPECT_GT(sum_sq, 0);
  EXPECT_NEAR(params.grads.pow(2).sum().item<double>(), sum_sq, 1e-6 * sum_sq);
}

}  // namespace
}  // namespace hpo::trainer
