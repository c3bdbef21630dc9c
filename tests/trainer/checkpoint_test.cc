#include "lib/trainer/checkpoint.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "lib/trainer/model.h"

namespace hpo::trainer {
namespace {

TEST(CheckpointTest, SaveAndLoadGiveIdenticalActions) {
  config::TrainerConfig config;
  const envs::ActionSpace space{true, 4, 0, 3};
  torch::manual_seed(1);
  const Policy original = MakePolicy(config, 8, space);
  const auto dir = std::filesystem::path(testing::TempDir()) / "checkpoint_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "checkpoints");
  CheckpointState state;
  state.params = original.params;
  state.adam_m.assign(original.params.size(), 0.25f);
  state.adam_v.assign(original.params.size(), 0.5f);
  state.adam_step = 17;
  state.global_step = 123456;
  state.updates = 8;
  state.training_seconds = 4.5;
  state.solved_step = 65536;
  state.solved_seconds = 2.25;
  state.network = "env_id: CartPole-v1\nalgorithm: ppo\n";
  state.policy_rng = "12345 678";
  SaveCheckpointFile(dir / "checkpoints" / "step_0000123456.pt", state);

  torch::manual_seed(2);  // different initial weights
  Policy restored = MakePolicy(config, 8, space);
  const torch::Tensor obs_tensor = torch::randn({32, 8});
  const std::vector<float> obs(obs_tensor.data_ptr<float>(), obs_tensor.data_ptr<float>() + 32 * 8);
  auto actions_of = [&obs](const Policy& policy) {
    ActorCriticNet::Activations a;
    std::vector<float> actions(32);
    policy.Act(obs.data(), 32, nullptr, actions.data(), nullptr, a);
    actions.insert(actions.end(), a.head.begin(),
                   a.head.begin() + 32 * 4);  // and the logits themselves
    return actions;
  };
  ASSERT_NE(actions_of(original), actions_of(restored));
  const CheckpointState loaded = LoadCheckpointFile(LatestCheckpoint(dir));
  restored.params = loaded.params;
  EXPECT_EQ(actions_of(original), actions_of(restored));
  EXPECT_EQ(loaded.adam_m, state.adam_m);
  EXPECT_EQ(loaded.adam_v, state.adam_v);
  EXPECT_EQ(loaded.adam_step, 17);
  EXPECT_EQ(loaded.global_step, 123456);
  EXPECT_EQ(loaded.updates, 8);
  EXPECT_DOUBLE_EQ(loaded.training_seconds, 4.5);
  EXPECT_EQ(loaded.solved_step, 65536);
  EXPECT_DOUBLE_EQ(loaded.solved_seconds, 2.25);
  EXPECT_EQ(loaded.network, state.network);
  EXPECT_EQ(loaded.policy_rng, state.policy_rng);
  // No temporary file is left beside the checkpoint.
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir / "checkpoints"))
    ++files;
  EXPECT_EQ(files, 1);
}

// A population-based sweep's folder names checkpoints step_<N>.pt without zero-padding, and a
// run's own are padded: the latest is the one with the most steps either way, never the last
// name in text order (step_999 sorts after step_1000).
TEST(CheckpointTest, LatestIsTheMostStepsWithOrWithoutPadding) {
  const auto dir = std::filesystem::path(testing::TempDir()) / "checkpoint_latest_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "checkpoints");
  CheckpointState state;
  for (const char* name : {"step_999.pt", "step_1000.pt", "step_0000000998.pt", ".step_5000.pt.tmp",
                           "step_x.pt", "step_5000.bak.pt", "notes.txt"}) {
    SaveCheckpointFile(dir / "checkpoints" / name, state);
  }
  EXPECT_EQ(LatestCheckpoint(dir).filename(), "step_1000.pt");
  SaveCheckpointFile(dir / "checkpoints" / "final.pt", state);
  EXPECT_EQ(LatestCheckpoint(dir).filename(), "final.pt");
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
