#include "lib/trainer/restore.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "lib/core/error.h"
#include "lib/trainer/checkpoint.h"

namespace hpo::trainer {
namespace {

config::TrainerConfig CartPolePpo() {
  config::TrainerConfig config;
  config.env_id = "CartPole-v1";
  return config;
}

TEST(RestoreTest, NetworkOfNamesTheKeysThatShapeTheNetworkForItsAlgorithm) {
  config::TrainerConfig ppo = CartPolePpo();
  EXPECT_EQ(NetworkOf(ppo),
            "env_id: CartPole-v1\nalgorithm: ppo\nnet_arch: [64, 64]\nshared_network: false\n"
            "activation_fn: tanh\n");
  config::TrainerConfig a2c = ppo;
  a2c.algorithm = "a2c";
  EXPECT_EQ(NetworkOf(a2c),
            "env_id: CartPole-v1\nalgorithm: a2c\nnet_arch: [64, 64]\nshared_network: false\n"
            "activation_fn: tanh\nuse_rms_prop: true\n");
  config::TrainerConfig sac = ppo;
  sac.algorithm = "sac";
  sac.env_id = "Pendulum-v1";
  EXPECT_EQ(NetworkOf(sac),
            "env_id: Pendulum-v1\nalgorithm: sac\nnet_arch: [64, 64]\nactivation_fn: tanh\n");
}

TEST(RestoreTest, OtherHyperparametersFitAndAnotherShapeIsNamed) {
  const config::TrainerConfig checkpoint = CartPolePpo();
  config::TrainerConfig here = checkpoint;
  here.learning_rate = 0.1;
  here.n_steps = 7;
  here.ent_coef = 0.5;
  here.seed = 99;
  EXPECT_EQ(NetworkMismatch(NetworkOf(checkpoint), here), "");
  here.net_arch = {32};
  here.activation_fn = "relu";
  EXPECT_EQ(NetworkMismatch(NetworkOf(checkpoint), here),
            "net_arch is [64, 64] in the checkpoint and [32] here; activation_fn is tanh in the "
            "checkpoint and relu here");
  config::TrainerConfig sac = checkpoint;
  sac.algorithm = "sac";
  EXPECT_EQ(NetworkMismatch(NetworkOf(checkpoint), sac),
            "algorithm is ppo in the checkpoint and sac here");
  // A checkpoint from before the network was saved: only the parameter count can tell.
  EXPECT_EQ(NetworkMismatch("", here), "");
}

TEST(RestoreTest, AnRngGoesOnFromItsText) {
  Rng original(5);
  original.discard(1000);
  const std::string text = RngText(original);
  Rng restored(9);
  RestoreRng(restored, text, "c.pt");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(restored(), original());
  EXPECT_THROW(RestoreRng(restored, "not a state", "c.pt"), UserError);
}

TEST(RestoreTest, ACheckpointIsNamedByAFileARunDirectoryOrAFolderOfSteps) {
  const auto root = std::filesystem::path(testing::TempDir()) / "restore_named_by";
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "run/checkpoints");
  std::filesystem::create_directories(root / "collected");
  const CheckpointState state;
  SaveCheckpointFile(root / "run/checkpoints/step_0000000512.pt", state);
  SaveCheckpointFile(root / "run/checkpoints/step_0000001024.pt", state);
  SaveCheckpointFile(root / "collected/step_800.pt", state);
  SaveCheckpointFile(root / "collected/step_1200.pt", state);
  EXPECT_EQ(CheckpointNamedBy(root / "run/checkpoints/step_0000000512.pt"),
            root / "run/checkpoints/step_0000000512.pt");
  EXPECT_EQ(CheckpointNamedBy(root / "run"), root / "run/checkpoints/step_0000001024.pt");
  EXPECT_EQ(CheckpointNamedBy(root / "collected"), root / "collected/step_1200.pt");
  EXPECT_THROW(CheckpointNamedBy(root / "missing.pt"), UserError);
}

}  // namespace
}  // namespace hpo::trainer
