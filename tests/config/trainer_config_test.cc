#include "lib/config/trainer_config.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "lib/config/trainer_keys.h"
#include "tests/support/test_dir.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

std::string WriteTemp(const std::string& name, const std::string& text) {
  const auto path = testing_support::OwnTestDir("files") / name;
  std::ofstream(path) << text;
  return path.string();
}

using testing_support::UserErrorOf;

TEST(OverrideTest, ValuesAreTypedByTheirKey) {
  const TrainerConfig c =
      ResolveTrainerConfig("", {},
                           {"lr=3e-4", "net_arch=[128,128]", "n_envs=8", "anneal_lr=true",
                            "activation_fn=relu", "total_timesteps=2e6"});
  EXPECT_DOUBLE_EQ(c.learning_rate, 3e-4);
  EXPECT_EQ(c.net_arch, (std::vector<int64_t>{128, 128}));
  EXPECT_EQ(c.n_envs, 8);
  EXPECT_TRUE(c.anneal_lr);
  EXPECT_EQ(c.activation_fn, "relu");
  EXPECT_EQ(c.total_timesteps, 2'000'000);  // "2e6" is a whole number
}

TEST(OverrideTest, AliasesOfOtherToolsMapToCanonicalKeys) {
  const TrainerConfig c = ResolveTrainerConfig(
      "", {},
      {"discount_factor=0.99", "lambda_param=0.9", "ratio_clip=0.3", "entropy_loss_scale=0.001",
       "learning_epochs=8", "rollouts=256", "grad_norm_clip=1.0", "value_coef=0.7",
       "policy_hidden_layer_sizes=[256,128]", "trainer.optimizer.learning_rate=1e-3",
       "hidden_size=32"});
  EXPECT_DOUBLE_EQ(c.gamma, 0.99);
  EXPECT_DOUBLE_EQ(c.gae_lambda, 0.9);
  EXPECT_DOUBLE_EQ(c.clip_range, 0.3);
  EXPECT_DOUBLE_EQ(c.ent_coef, 0.001);
  EXPECT_EQ(c.n_epochs, 8);
  EXPECT_EQ(c.n_steps, 256);
  EXPECT_DOUBLE_EQ(c.max_grad_norm, 1.0);
  EXPECT_DOUBLE_EQ(c.vf_coef, 0.7);
  EXPECT_DOUBLE_EQ(c.learning_rate, 1e-3);
  EXPECT_EQ(c.net_arch, (std::vector<int64_t>{32, 32}));  // hidden_size comes last and wins
}

TEST(OverrideTest, CleanRlAndPufferLibNamesKeepTheirMeaning) {
  // CleanRL's num_steps is the rollout length per env, not the training length.
  const TrainerConfig c = ResolveTrainerConfig(
      "", {},
      {"num_steps=128", "num_envs=8", "update_epochs=10", "clip_coef=0.1", "vf_clip_coef=0.3"});
  EXPECT_EQ(c.n_steps, 128);
  EXPECT_EQ(c.total_timesteps, TrainerConfig().total_timesteps);
  EXPECT_EQ(c.n_envs, 8);
  EXPECT_EQ(c.n_epochs, 10);
  EXPECT_DOUBLE_EQ(c.clip_range, 0.1);
  EXPECT_DOUBLE_EQ(c.clip_range_vf, 0.3);
}

TEST(TrainerKeysTest, PufferLibNamesTheRolloutBatchSize) {
  // SB3 (and hpo): batch_size is the minibatch. PufferLib, Metta, CleanRL: it is the rollout.
  EXPECT_EQ(CanonicalTrainerKey("batch_size"), "batch_size");
  EXPECT_EQ(CanonicalTrainerKey("trainer.batch_size", TrainerDialect::kPufferLib), "rollout_size");
  EXPECT_EQ(CanonicalTrainerKey("trainer.minibatch_size", TrainerDialect::kPufferLib),
            "batch_size");
  EXPECT_EQ(CanonicalTrainerKey("minibatch_size"), "batch_size");
  EXPECT_EQ(CanonicalTrainerKey("trainer.update_epochs", TrainerDialect::kPufferLib), "n_epochs");
  EXPECT_EQ(CanonicalTrainerKey("vf_clip_coef", TrainerDialect::kPufferLib), "clip_range_vf");
  EXPECT_EQ(CanonicalTrainerKey("trainer.optimizer.adam_eps", TrainerDialect::kPufferLib),
            "adam_eps");
  EXPECT_EQ(CanonicalTrainerKey("bptt_horizon", TrainerDialect::kPufferLib), std::nullopt);
  EXPECT_EQ(CanonicalTrainerKey("trainer.optimizer.eps", TrainerDialect::kPufferLib),
            "adam_eps");  // by its last two names
  EXPECT_EQ(CanonicalTrainerKey("optimizer.eps"), "adam_eps");
  EXPECT_EQ(CanonicalTrainerKey("eps"), std::nullopt);  // alone, eps could be any epsilon
}

TEST(TrainerKeysTest, RolloutSizeSetsTheStepsPerCopy) {
  EXPECT_EQ(ResolveTrainerConfig("", {}, {"rollout_size=4096", "n_envs=16"}).n_steps, 256);
  EXPECT_EQ(ResolveTrainerConfig("", {}, {"rollout_size=4096", "n_envs=16", "n_steps=256"}).n_steps,
            256);
  EXPECT_NE(UserErrorOf([] {
              ResolveTrainerConfig("", {}, {"rollout_size=1000", "n_envs=16"});
            }).find("rollout_size 1000 is not a multiple of n_envs 16"),
            std::string::npos);
  EXPECT_NE(UserErrorOf([] {
              ResolveTrainerConfig("", {}, {"rollout_size=4096", "n_envs=16", "n_steps=128"});
            }).find("rollout_size 4096 is not n_envs 16 x n_steps 128 = 2048"),
            std::string::npos);
  // a resolved config (every key written) reads back to the same config
  const TrainerConfig c = ResolveTrainerConfig("", {}, {"rollout_size=2048"});
  const std::string path = WriteTemp("resolved_rollout.yaml", c.ToYaml());
  EXPECT_EQ(ResolveTrainerConfig(path, {}, {}).ToYaml(), c.ToYaml());
}

TEST(TrainerKeysTest, AdamSettingsAreKeys) {
  const TrainerConfig c =
      ResolveTrainerConfig("", {}, {"adam_beta1=0.8", "adam_beta2=0.99", "trainer.adam_eps=1e-8"});
  EXPECT_DOUBLE_EQ(c.adam_beta1, 0.8);
  EXPECT_DOUBLE_EQ(c.adam_beta2, 0.99);
  EXPECT_DOUBLE_EQ(c.adam_eps, 1e-8);
  EXPECT_NE(UserErrorOf([] {
              ResolveTrainerConfig("", {}, {"adam_beta2=1"});
            }).find("adam_beta2 must be in [0, 1), got 1"),
            std::string::npos);
}

TEST(AlgorithmTest, TheSeedsSpellingsNameTheSameAlgorithm) {
  EXPECT_EQ(ResolveTrainerConfig("", {}, {"algorithm=SAC", "env_id=Pendulum-v1"}).algorithm, "sac");
  EXPECT_EQ(ResolveTrainerConfig("", {}, {"algo=A2C"}).algorithm, "a2c");
  EXPECT_EQ(ResolveTrainerConfig("", {}, {}).algorithm, "ppo");
  EXPECT_EQ(UserErrorOf([] { ResolveTrainerConfig("", {}, {"algorithm=dqn"}); }),
            "invalid trainer config: algorithm must be ppo, a2c or sac, got 'dqn'");
}

// The table's defaults are PPO's; an algorithm brings SB3's, an (env, algorithm) pair its own,
// and whatever the user sets wins over both.
TEST(AlgorithmTest, DefaultsFollowTheAlgorithmThenTheEnvThenTheUser) {
  const TrainerConfig a2c = ResolveTrainerConfig("", {}, {"algorithm=a2c"});
  EXPECT_EQ(a2c.n_steps, 5);
  EXPECT_DOUBLE_EQ(a2c.learning_rate, 7e-4);
  EXPECT_DOUBLE_EQ(a2c.gae_lambda, 1.0);
  EXPECT_FALSE(a2c.normalize_advantage);
  const TrainerConfig sac =
      ResolveTrainerConfig("", {}, {"algorithm=sac", "env_id=LunarLanderContinuous-v3"});
  EXPECT_EQ(sac.batch_size, 256);
  EXPECT_DOUBLE_EQ(sac.tau, 0.01);         // the pair's
  EXPECT_DOUBLE_EQ(sac.gamma, 0.99);       // SAC's, and zoo's for the pair
  EXPECT_EQ(sac.learning_starts, 10'000);  // the pair's
  EXPECT_EQ(sac.activation_fn, "relu");    // SAC's
  EXPECT_TRUE(sac.ent_coef_auto);
  const TrainerConfig mine = ResolveTrainerConfig(
      "", {}, {"algorithm=sac", "env_id=Pendulum-v1", "learning_rate=2e-4", "net_arch=[32]"});
  EXPECT_DOUBLE_EQ(mine.learning_rate, 2e-4);
  EXPECT_EQ(mine.net_arch, std::vector<int64_t>{32});
  EXPECT_EQ(mine.total_timesteps, 20'000);  // the pair's
  const TrainerConfig ppo = ResolveTrainerConfig("", {}, {});
  EXPECT_EQ(ppo.n_steps, TrainerConfig().n_steps);  // PPO on LunarLander: the table's own
}

TEST(AlgorithmTest, AKeyTheAlgorithmDoesNotReadIsAnError) {
  EXPECT_EQ(
      UserErrorOf([] {
        ResolveTrainerConfig("", {}, {"algorithm=sac", "clip_range=0.1"});
      }),
      "invalid trainer config: clip_range does not apply to algorithm sac (it is read by ppo)");
  EXPECT_EQ(UserErrorOf([] { ResolveTrainerConfig("", {}, {"tau=0.1"}); }),
            "invalid trainer config: tau does not apply to algorithm ppo (it is read by sac)");
  EXPECT_NE(UserErrorOf([] {
              ResolveTrainerConfig("", {}, {"algorithm=a2c", "n_epochs=3", "buffer_size=10"});
            })
                .find("n_epochs does not apply to algorithm a2c (it is read by ppo); buffer_size "
                      "does not apply"),
            std::string::npos);
}

// SB3's ent_coef: a number is fixed, auto is tuned from 1, auto_0.1 from 0.1.
TEST(AlgorithmTest, EntCoefAutoIsSb3s) {
  const TrainerConfig fixed = ResolveTrainerConfig("", {}, {"algorithm=sac", "ent_coef=0.05"});
  EXPECT_FALSE(fixed.ent_coef_auto);
  EXPECT_DOUBLE_EQ(fixed.ent_coef, 0.05);
  const TrainerConfig tuned = ResolveTrainerConfig("", {}, {"algorithm=sac", "ent_coef=auto_0.1"});
  EXPECT_TRUE(tuned.ent_coef_auto);
  EXPECT_DOUBLE_EQ(tuned.ent_coef, 0.1);
  EXPECT_DOUBLE_EQ(ResolveTrainerConfig("", {}, {"algorithm=sac", "ent_coef=auto"}).ent_coef, 1.0);
  EXPECT_EQ(UserErrorOf([] {
              ResolveTrainerConfig("", {}, {"algorithm=sac", "ent_coef=auto_x"});
            }),
            "--override ent_coef=auto_x: ent_coef expects a number, auto or auto_<initial value>, "
            "got 'auto_x'");
  EXPECT_NE(UserErrorOf([] {
              ResolveTrainerConfig("", {}, {"ent_coef=auto"});
            }).find("ent_coef_auto does not apply to algorithm ppo"),
            std::string::npos);
}

// resolved_config.yaml holds only the keys its algorithm reads, so it loads again as a config.
TEST(AlgorithmTest, TheResolvedConfigOfEachAlgorithmLoadsAgain) {
  for (const char* algorithm : {"ppo", "a2c", "sac"}) {
    const std::string env = std::string(algorithm) == "sac" ? "Pendulum-v1" : "CartPole-v1";
    const TrainerConfig config =
        ResolveTrainerConfig("", {}, {fmt::format("algorithm={}", algorithm), "env_id=" + env});
    const std::string path = WriteTemp(fmt::format("resolved_{}.yaml", algorithm), config.ToYaml());
    EXPECT_EQ(ResolveTrainerConfig(path, {}, {}).ToYaml(), config.ToYaml()) << algorithm;
    EXPECT_EQ(config.ToYaml().find("clip_range:") == std::string::npos,
              std::string(algorithm) != "ppo")
        << algorithm;
  }
}

// docs/config.md's key reference is the table's own rendering.
TEST(TrainerKeysTest, DocsListEveryKeyAsTheTableDeclaresIt) {
  std::ifstream in(HPO_SOURCE_DIR "/docs/config.md");
  const std::string docs((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string begin =
      "<!-- trainer-keys:begin (generated from lib/config/trainer_keys.inc) -->\n";
  const std::string end = "<!-- trainer-keys:end -->";
  const size_t from = docs.find(begin), to = docs.find(end);
  ASSERT_NE(from, std::string::npos) << "docs/config.md lacks the line " << begin;
  ASSERT_NE(to, std::string::npos);
  EXPECT_EQ(docs.substr(from + begin.size(), to - from - begin.size()), TrainerKeysMarkdown())
      << "replace the table in docs/config.md with the output of `hpo train --list-keys`";
}

// SB3's, PufferLib's and skrl's `device`: the CPU, or SB3's auto (CUDA when there is one: none in
// this build); cuda is refused at load, saying why.
TEST(TrainerConfigTest, DeviceIsTheCpuAndCudaIsRefusedSayingWhy) {
  EXPECT_EQ(ResolveTrainerConfig("", {}, {"device=cpu"}).device, "cpu");
  EXPECT_EQ(ResolveTrainerConfig("", {}, {"device=auto"}).device, "auto");
  const std::string why = UserErrorOf([] { ResolveTrainerConfig("", {}, {"device=cuda:0"}); });
  EXPECT_NE(why.find("device 'cuda:0': this build's LibTorch (Debian's libtorch-dev) is CPU-only"),
            std::string::npos)
      << why;
}

TEST(OverrideTest, UnknownKeyNamesTheClosestKnownKey) {
  EXPECT_EQ(UserErrorOf([] { ResolveTrainerConfig("", {}, {"learnig_rate=1e-3"}); }),
            "--override learnig_rate=1e-3: unknown trainer key 'learnig_rate' (did you mean "
            "'learning_rate'?)");
}

TEST(OverrideTest, MalformedOverridesAreClearErrors) {
  EXPECT_NE(UserErrorOf([] { ParseOverride("lr"); }).find("expected key=value"), std::string::npos);
  EXPECT_NE(UserErrorOf([] { ParseOverride("lr="); }).find("missing the value"), std::string::npos);
  EXPECT_NE(UserErrorOf([] { ParseOverride("=3"); }).find("missing the key"), std::string::npos);
  EXPECT_NE(UserErrorOf([] {
              ResolveTrainerConfig("", {}, {"lr=abc"});
            }).find("learning_rate expects a number, got 'abc'"),
            std::string::npos);
  // SB3 writes target_kl: null for no limit; hpo's is 0, and null is no number
  EXPECT_EQ(UserErrorOf([] { ResolveTrainerConfig("", {}, {"target_kl=null"}); }),
            "--override target_kl=null: target_kl expects a number, got 'null'");
  EXPECT_EQ(UserErrorOf([] { ResolveTrainerConfig("", {}, {"gamma={a: 1}"}); }),
            "--override gamma={a: 1}: gamma expects a number, got '{a: 1}'");
  EXPECT_NE(UserErrorOf([] { ParseOverride("net_arch=[64,"); }).find("YAML syntax error"),
            std::string::npos);
  EXPECT_NE(UserErrorOf([] {
              ResolveTrainerConfig("", {}, {"n_envs=2.5"});
            }).find("n_envs expects an integer"),
            std::string::npos);
}

TEST(ValidateTest, ReportsEveryProblemAtOnce) {
  const std::string error = UserErrorOf([] {
    ResolveTrainerConfig("", {}, {"n_envs=0", "batch_size=-1", "gamma=1.5"});
  });
  EXPECT_NE(error.find("n_envs must be positive, got 0"), std::string::npos) << error;
  EXPECT_NE(error.find("batch_size must be positive, got -1"), std::string::npos) << error;
  EXPECT_NE(error.find("gamma must be in (0, 1], got 1.5"), std::string::npos) << error;
}

TEST(ValidateTest, BatchLargerThanTheRolloutIsAnError) {
  EXPECT_NE(UserErrorOf([] {
              ResolveTrainerConfig("", {}, {"n_envs=2", "n_steps=8", "batch_size=64"});
            }).find("batch_size 64 is larger than the rollout (n_envs 2 x n_steps 8 = 16)"),
            std::string::npos);
}

TEST(PatchTest, PrecedenceIsDefaultsConfigPatchesInOrderThenOverrides) {
  const std::string config =
      WriteTemp("cfg.yaml", "learning_rate: 1.0e-3\nn_epochs: 5\ngamma: 0.95\n");
  const std::string first = WriteTemp(
      "p1.yaml", "# @package _global_\ntrainer:\n  learning_rate: 2.0e-3\n  n_epochs: 6\n");
  const std::string second =
      WriteTemp("p2.yaml", "trainer:\n  optimizer:\n    learning_rate: 3.0e-3\n");
  const TrainerConfig c = ResolveTrainerConfig(config, {first, second}, {"n_epochs=7"});
  EXPECT_DOUBLE_EQ(c.learning_rate, 3e-3);      // second patch
  EXPECT_EQ(c.n_epochs, 7);                     // override
  EXPECT_DOUBLE_EQ(c.gamma, 0.95);              // config
  EXPECT_EQ(c.n_envs, TrainerConfig().n_envs);  // default
}

TEST(PatchTest, ErrorsInFilesCarryFileLineAndColumn) {
  const std::string bad = WriteTemp("bad.yaml", "trainer:\n  n_epochs: 4\n  gama: 0.9\n");
  EXPECT_EQ(UserErrorOf([&] { ResolveTrainerConfig(bad, {}, {}); }),
            bad + ":3:3: unknown trainer key 'trainer.gama' (did you mean 'gamma'?)");
  const std::string twice = WriteTemp("twice.yaml", "lr: 1.0e-3\nlearning_rate: 2.0e-3\n");
  EXPECT_NE(UserErrorOf([&] {
              ResolveTrainerConfig(twice, {}, {});
            }).find(twice + ":2:1: learning_rate is set twice"),
            std::string::npos);
  EXPECT_NE(UserErrorOf([] {
              ResolveTrainerConfig("/nonexistent/cfg.yaml", {}, {});
            }).find("file not found"),
            std::string::npos);
}

TEST(YamlOutputTest, ResolvedConfigRoundTripsAndDiffHasWhatWasAskedFor) {
  TrainerConfig c = ResolveTrainerConfig("", {}, {"lr=7.31e-4", "net_arch=[32,32]"});
  EXPECT_EQ(c.DiffYaml(), "learning_rate: 0.000731\nnet_arch: [32, 32]\n");
  // a key given explicitly is recorded even when it equals the default
  const TrainerConfig defaults;
  const TrainerConfig same =
      ResolveTrainerConfig("", {}, {fmt::format("lr={}", defaults.learning_rate)});
  EXPECT_EQ(same.DiffYaml(), fmt::format("learning_rate: {}\n", defaults.learning_rate));
  const std::string path = WriteTemp("resolved.yaml", c.ToYaml());
  const TrainerConfig back = ResolveTrainerConfig(path, {}, {});
  EXPECT_EQ(back.ToYaml(), c.ToYaml());
  EXPECT_EQ(TrainerConfig().DiffYaml(), "{}\n");
}

TEST(ShippedConfigTest, PpoLunarYamlIsExactlyTheBuiltInDefaults) {
  const TrainerConfig from_file =
      ResolveTrainerConfig(HPO_SOURCE_DIR "/configs/trainer/ppo_lunar.yaml", {}, {});
  EXPECT_EQ(from_file.ToYaml(), TrainerConfig().ToYaml());
  // the zoo's settings load, and differ
  const TrainerConfig zoo =
      ResolveTrainerConfig(HPO_SOURCE_DIR "/configs/trainer/ppo_lunar_zoo.yaml", {}, {});
  EXPECT_EQ(zoo.n_envs, 16);
  EXPECT_EQ(zoo.n_epochs, 4);
  EXPECT_DOUBLE_EQ(zoo.learning_rate, 3e-4);
}

}  // namespace
}  // namespace hpo::config
