#include "lib/config/sweep_config.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>

#include "lib/config/trainer_config.h"
#include "lib/samplers/sampler_factory.h"
#include "lib/space/search_space.h"
#include "tests/support/same_sweep.h"
#include "tests/support/test_dir.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

const std::string kSeeds = std::string(HPO_SOURCE_DIR) + "/tests/fixtures/seeds/";
const std::string kFixtures = std::string(HPO_SOURCE_DIR) + "/tests/fixtures/vocabularies/";

std::string WriteTemp(const std::string& name, const std::string& text) {
  const auto path = testing_support::OwnTestDir("files") / name;
  std::ofstream(path) << text;
  return path.string();
}

const ParameterSpec& Param(const SweepConfig& c, const std::string& name) {
  for (const ParameterSpec& p : c.parameters) {
    if (p.name == name) return p;
  }
  throw std::runtime_error("no parameter " + name);
}

TEST(SweepConfigSeedsTest, MettaQuickYaml) {
  const SweepConfig c = LoadSweepConfig(kSeeds + "metta_quick.yaml");
  EXPECT_EQ(c.sampler.method, "protein");
  EXPECT_EQ(c.sampler.protein.num_random_samples, 5);
  EXPECT_EQ(c.sampler.protein.suggestions_per_pareto, 256);
  EXPECT_EQ(c.timeout_per_trial, 3600);  // max_suggestion_cost is also the per-trial limit
  EXPECT_EQ(c.objectives.metric, "reward");
  const ParameterSpec& lr = Param(c, "learning_rate");  // trainer.optimizer.learning_rate
  EXPECT_EQ(lr.written_name, "trainer.optimizer.learning_rate");
  EXPECT_EQ(lr.numeric.distribution, "log_normal");
  EXPECT_EQ(lr.numeric.mean, 0.0005);
  EXPECT_EQ(lr.numeric.scale, "0.5");
}

TEST(SweepConfigSeedsTest, MettaDistributionSnippetsWithACustomProgram) {
  const SweepConfig c = LoadSweepConfig(kSeeds + "metta_distributions.yaml");
  EXPECT_EQ(c.parameters.size(), 5u);
  EXPECT_EQ(Param(c, "uniform_example.learning_rate").numeric.distribution, "uniform");
  EXPECT_EQ(Param(c, "hidden_size").numeric.distribution, "uniform_pow2");
  EXPECT_EQ(Param(c, "dropout_rate").numeric.distribution, "logit_normal");
  EXPECT_EQ(c.command, (std::vector<std::string>{"my_trainer", "${args}"}));
}

// The seed's presets search fewer keys than its constraints read; as written they ran those
// constraints against hpo train's defaults. Its author's fix: `constraints: []` in each preset.
std::string MendedSeed() {
  std::ifstream in(kSeeds + "ppo_search_space.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const std::string preset : {"  quick:\n", "  fine_tune:\n"})
    text.replace(text.find(preset), preset.size(), preset + "    constraints: []\n");
  return WriteTemp("ppo_search_space.yaml", text);
}

TEST(SweepConfigSeedsTest, AConstraintOnAKeyNoPartOfTheSweepSetsIsRefusedAtItsLine) {
  for (const std::string preset : {"", "quick"}) {
    try {
      LoadSweepConfig(kSeeds + "ppo_search_space.yaml", preset);
      FAIL() << "loaded with preset '" << preset << "'";
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find(
                    "ppo_search_space.yaml:47:5: constraint \"learning_rate > 5e-4 and "
                    "learning_epochs > 8\": 'learning_epochs' (n_epochs) is set by no part of this "
                    "sweep (not searched, not fixed, not in preset 'quick'): search it or fix it "
                    "(it would read hpo train's default) at column 26"),
                std::string::npos)
          << e.what();
    }
  }
  // A fixed value counts as set (ratio_clip), searched ones as searched, in any spelling.
  const std::string ok =
      WriteTemp("constraint_reads_fixed.yaml",
                "method: random\nfixed: {ratio_clip: 0.2, n_envs: 8}\nparameters:\n"
                "  lr: {min: 1.0e-4, max: 1.0e-3}\nconstraints:\n"
                "  - \"learning_rate > 5e-4 and clip_range < 0.15 and num_envs > 4\"\n");
  EXPECT_EQ(LoadSweepConfig(ok).constraints.size(), 1u);
}

TEST(SweepConfigSeedsTest, SearchSpaceFileWithFixedConstraintsAndPresets) {
  const SweepConfig c = LoadSweepConfig(MendedSeed());
  EXPECT_EQ(c.parameters.size(), 5u);
  EXPECT_EQ(c.fixed.at("clip_range"), Value(0.2));   // ratio_clip
  EXPECT_EQ(c.fixed.at("n_envs"), Value(2048));      // num_envs
  const ParameterSpec& arch = Param(c, "net_arch");  // policy_hidden_layer_sizes
  ASSERT_TRUE(arch.categorical);
  EXPECT_EQ(arch.choices.size(), 3u);
  EXPECT_EQ(*arch.prior, Value(Value::List{Value(256), Value(128), Value(64)}));
  EXPECT_EQ(Param(c, "n_steps").choices.size(), 4u);  // rollouts
  EXPECT_EQ(c.constraints.size(), 2u);
  EXPECT_EQ(c.presets, (std::vector<std::string>{"quick", "fine_tune"}));
  // The space's centre is every prior; the first constraint cannot fire (n_epochs <= 8).
  const space::SearchSpace space = c.BuildSpace();
  const ParamSet centre = space.ToParams(space.Center());
  EXPECT_NEAR(centre.at("learning_rate").as_double(), 3e-4, 1e-12);
  EXPECT_EQ(centre.at("n_steps"), Value(24));
  EXPECT_TRUE(space.IsFeasible(space.Center()));
  // entropy_loss_scale > 0.05 and ratio_clip (fixed 0.2) < 0.15: never rejects.
  EXPECT_TRUE(space.IsFeasible(
      ParamSet{{"learning_rate", Value(1e-4)}, {"ent_coef", Value(0.09)}, {"n_epochs", Value(4)}}));
}

TEST(SweepConfigSeedsTest, PresetsReplaceWholeSections) {
  const SweepConfig quick = LoadSweepConfig(MendedSeed(), "quick");
  ASSERT_EQ(quick.parameters.size(), 2u);
  EXPECT_EQ(Param(quick, "learning_rate").choices.size(), 3u);
  EXPECT_TRUE(quick.constraints.empty());  // the preset's own constraints: none
  const SweepConfig fine = LoadSweepConfig(MendedSeed(), "fine_tune");
  EXPECT_EQ(Param(fine, "learning_rate").numeric.max, 5e-4);
  try {
    LoadSweepConfig(MendedSeed(), "slow");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("no preset 'slow'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("quick, fine_tune"), std::string::npos) << e.what();
  }
}

TEST(SweepConfigTest, WandbVocabulary) {
  const std::string path = WriteTemp(
      "wandb.yaml",
      "method: grid\nmetric: {name: score, goal: minimize}\ncommand: [prog, \"${args}\"]\n"
      "parameters:\n  lr: {distribution: log_uniform_values, min: 0.0001, max: 0.1}\n"
      "  layers: {values: [1, 2, 3]}\n  depth: {min: 2, max: 8}\n  width: {min: 0.5, max: 2.0}\n"
      "  wd: {distribution: inv_log_uniform_values, min: 0.0001, max: 0.1}\n  epochs: {value: 10}\n"
      "early_terminate: {type: hyperband, min_iter: 3, eta: 3}\n");
  const SweepConfig c = LoadSweepConfig(path);
  EXPECT_FALSE(c.objectives.maximize);
  EXPECT_EQ(c.objectives.metric, "score");
  EXPECT_EQ(c.sampler.method, "grid");
  EXPECT_EQ(Param(c, "lr").numeric.distribution, "loguniform");
  EXPECT_TRUE(Param(c, "layers").categorical);
  EXPECT_EQ(Param(c, "depth").numeric.distribution, "int_uniform");  // integer bounds
  EXPECT_EQ(Param(c, "width").numeric.distribution, "uniform");
  EXPECT_EQ(Param(c, "wd").numeric.distribution, "loguniform");  // the same values as W&B's
  EXPECT_EQ(c.fixed.at("epochs"), Value(10));
  // W&B's early termination is its own pruner, with W&B's settings and defaults
  EXPECT_EQ(c.pruner.method, "wandb_hyperband");
  EXPECT_EQ(c.pruner.band_rule.min_iter, 3);
  EXPECT_FALSE(c.pruner.band_rule.max_iter);
  EXPECT_EQ(c.pruner.band_rule.eta, 3.0);
  EXPECT_TRUE(c.pruner.band_rule.strict);
}

TEST(SweepConfigTest, AFileWithAWordOfHposIsHposFileAndWandbsEngineRunsItsMethod) {
  // method: tpe and loguniform are no W&B words: hpo's file, with hpo's defaults (no method:)
  const SweepConfig tpe =
      LoadSweepConfig(WriteTemp("hpo_words.yaml",
                                "method: tpe\nparameters:\n  learning_rate: {distribution: "
                                "loguniform, min: 1.0e-4, max: 1.0e-3}\n"));
  EXPECT_EQ(tpe.sampler.method, "tpe");
  EXPECT_EQ(tpe.vocabulary, "hpo");
  const SweepConfig hpo_default = LoadSweepConfig(WriteTemp("hpo_no_method.yaml",
                                                            "n_trials: 3\nparameters:\n  gamma: "
                                                            "{values: [0.9, 0.99]}\n"));
  EXPECT_EQ(hpo_default.n_trials, 3);
  // scheduler: {engine: wandb} is W&B's classic engine running the file's method
  const SweepConfig engine =
      LoadSweepConfig(WriteTemp("wandb_engine.yaml",
                                "method: random\nscheduler: {engine: wandb}\ncontroller: {type: "
                                "cloud}\nparameters:\n  gamma: {values: [0.9, 0.99]}\n"));
  EXPECT_EQ(engine.vocabulary, "W&B Sweeps");
  EXPECT_EQ(engine.sampler.method, "random");
}

TEST(SweepConfigTest, MettasObjectiveInsideParametersIsTheSweepsObjective) {
  // The seed's programmatic Metta config: metric and goal beside the spaces, as Protein reads
  // them (issue 36, item 3); refused before as two parameters that are not hpo train keys
  const SweepConfig c = LoadSweepConfig(WriteTemp(
      "metta_objective.yaml",
      "sweep:\n  protein: {num_random_samples: 50}\n  parameters:\n    metric: success_rate\n"
      "    goal: minimize\n    trainer:\n      batch_size: {distribution: uniform_pow2, min: 16, "
      "max: 128, mean: 64}\n"));
  EXPECT_EQ(c.objectives.metric, "success_rate");
  EXPECT_FALSE(c.objectives.maximize);
  ASSERT_EQ(c.parameters.size(), 1u);
  EXPECT_EQ(c.parameters[0].name, "batch_size");
  // a parameter named metric without a goal beside it stays a parameter
  const SweepConfig custom =
      LoadSweepConfig(WriteTemp("metric_parameter.yaml",
                                "method: random\ncommand: [./t, \"${args}\"]\n"
                                "parameters:\n  metric: {values: [l1, l2]}\n"));
  EXPECT_EQ(custom.parameters.size(), 1u);
}

TEST(SweepConfigTest, OptunasPrunersTakeTheirClassesDefaultReductionFactor) {
  auto factor = [](const std::string& name, const std::string& pruner) {
    const std::string path =
        WriteTemp(name + ".yaml", "method: random\npruner: " + pruner +
                                      "\nparameters:\n  gamma: {min: 0.9, max: 0.99}\n");
    return LoadSweepConfig(path).pruner.halving_rule.reduction_factor;
  };
  EXPECT_EQ(factor("sh_default", "successive_halving"), 4);  // SuccessiveHalvingPruner
  EXPECT_EQ(factor("hb_default", "hyperband"), 3);           // HyperbandPruner
  EXPECT_EQ(factor("sh_given", "{type: successive_halving, reduction_factor: 2}"), 2);
  // min_resource above max_resource: Optuna accepts it (no bracket, nothing pruned)
  EXPECT_EQ(factor("hb_min_above_max", "{type: hyperband, min_resource: 10, max_resource: 5}"), 3);
}

void ExpectRoundTrip(const SweepConfig& c) {
  SCOPED_TRACE(c.source + (c.preset.empty() ? "" : " preset " + c.preset));
  const SweepConfig back = ParseSweepConfig(c.ToYaml(), "the stored config", c.name);
  testing_support::ExpectSameSweep(c, back);
  EXPECT_EQ(back.ToYaml(), c.ToYaml());
}

TEST(SweepConfigTest, ASweepOfConstantsOnlyRunsItsOneConfigurationAndSaysSo) {
  // As W&B and Ray Tune run it (issue 36): each trial the same values, with its own seed
  const SweepConfig c = LoadSweepConfig(
      WriteTemp("constants.yaml", "method: tpe\nn_trials: 4\nfixed:\n  gamma: 0.99\n"));
  EXPECT_TRUE(c.parameters.empty());
  EXPECT_EQ(c.n_trials, 4);
  ASSERT_FALSE(c.notes.empty());
  EXPECT_NE(c.notes.back().find("no parameter is searched"), std::string::npos);
  ExpectRoundTrip(c);  // found by fuzz: the stored config wrote an empty parameters: section
  ExpectRoundTrip(
      LoadSweepConfig(WriteTemp("constant_mapping.yaml",
                                "method: grid\ncommand: [./t, \"${args}\"]\nfixed:\n"
                                "  seed_note: 1\nparameters:\n  env: {value: {id: a}}\n")));
  EXPECT_NE(testing_support::UserErrorOf([] {
              LoadSweepConfig(WriteTemp("nothing.yaml", "method: tpe\nn_trials: 4\n"));
            }).find("searches no parameter and fixes none"),
            std::string::npos);
}

TEST(SweepConfigTest, ARangeOfOneValueTheSourceToolAcceptsIsStoredAsOne) {
  // Found by fuzz: Optuna truncates int bounds (optuna/distributions.py:358-359, IntDistribution:
  // int(low), int(high)), so low 0.95 high 0.999 is its single() range [0, 0]; the stored config
  // wrote it as hpo's int_uniform [0, 0], which hpo refuses in a user's file, so resume could not
  // read it (nor a float range of one value, which Optuna's FloatDistribution accepts too).
  const SweepConfig optuna = LoadSweepConfig(
      WriteTemp("optuna_single.yaml",
                "n_trials: 3\nparameters:\n  n_epochs: {type: int, low: 0.95, high: 0.999}\n"
                "  batch_size: {type: int, low: 64, high: 64, log: true}\n"
                "  n_steps: {type: int, low: 128, high: 128, step: 64}\n"
                "  gae_lambda: {type: float, low: 0.9, high: 0.99}\n"
                "  gamma: {type: float, low: 0.99, high: 0.99}\n"
                "  ent_coef: {type: float, low: 0.01, high: 0.01, log: true}\n"
                "  clip_range: {type: float, low: 0.2, high: 0.2, step: 0.1}\n"));
  EXPECT_EQ(DescribeParameter(Param(optuna, "n_epochs")), "int_uniform [0.0, 0.0]");
  ExpectRoundTrip(optuna);
  // NNI's randint [0, 1] is its single value 0 (formatting.py:197-199)
  ExpectRoundTrip(LoadSweepConfig(
      WriteTemp("nni_single.json", R"({"seed": {"_type": "randint", "_value": [0, 1]}})")));
  // with a centre (Optuna's default:, Protein's mean and scale)
  ExpectRoundTrip(LoadSweepConfig(
      WriteTemp("centred_single.yaml",
                "parameters:\n  lr: {type: float, low: 0.01, high: 0.01, default: 0.01}\n"
                "  gamma: {type: float, low: 0.9, high: 0.9, mean: 0.9, scale: auto}\n")));
  // Ray's quniform of one value is refused where it is written: hpo stores a q range in W&B's
  // spelling, which W&B refuses with one value
  EXPECT_NE(testing_support::UserErrorOf([] {
              LoadSweepConfig(WriteTemp(
                  "ray_single.yaml",
                  "tune:\n  metric: reward\n  mode: max\n  param_space:\n"
                  "    lr: {grid_search: [0.1, 0.01]}\n    x: \"tune.quniform(2, 2, 0.5)\"\n"));
            }).find("x: q_uniform [2.0, 2.0] has one value"),
            std::string::npos);
  // Hydra's Optuna sweeper: int(interval(3, 3))
  ExpectRoundTrip(LoadSweepConfig(
      WriteTemp("hydra_single.yaml",
                "hydra:\n  sweeper:\n    params:\n      n_epochs: int(interval(3, 3))\n")));
}

TEST(SweepConfigTest, TheStoredConfigIsTheSameSweep) {
  // Every non-default setting a file can give, in both a trainer sweep and a custom program's.
  const std::string trainer = WriteTemp("every_setting.yaml", R"(name: every_setting
metric: {name: training_time, goal: minimize, target: -3.5}
early_stopping_patience: 12
min_delta: 0.25
keep_best_n: 4
n_trials: 17
n_jobs: 3
seed: 99
seeds_per_trial: 5
aggregate: iqm
timeout: 3600.5
max_retries: 4
heartbeat_timeout: 42
protein: {num_random_samples: 7, max_suggestion_cost: 900, resample_frequency: 5,
          global_search_scale: 0.75, random_suggestions: 333, suggestions_per_pareto: 44,
          expansion_rate: 0.3}
tpe: {n_startup_trials: 6, n_ei_candidates: 31, gamma: 0.2, prior_weight: 2.5, constant_liar: false,
      multivariate: false}
sampler: tpe
pruner: {type: percentile, n_startup_trials: 2, n_warmup_steps: 1000, interval_steps: 10,
         percentile: 30, n_min_trials: 3}
fixed: {n_envs: 4, total_timesteps: 50000}
parameters:
  learning_rate: {distribution: log_normal, min: 1.0e-5, max: 1.0e-2, mean: 3.0e-4, scale: 0.5}
  gamma: {distribution: logit_normal, min: 0.9, max: 0.9999, scale: 0.3}
  ent_coef: {distribution: loguniform, min: 1.0e-4, max: 0.1, scale: time}
  n_steps: {distribution: uniform_pow2, min: 64, max: 1024}
  clip_range: {distribution: q_uniform, min: 0.1, max: 0.4, q: 0.05}
  n_epochs: {type: int, low: 3, high: 12}
  net_arch: {values: [[64, 64], [256, 256]], prior: [256, 256]}
constraints:
  - "n_steps * n_envs > 4000"
presets:
  fast:
    n_trials: 3
    pruner: {type: hyperband, min_resource: 2, max_resource: 81, reduction_factor: 4}
)");
  ExpectRoundTrip(LoadSweepConfig(trainer));
  ExpectRoundTrip(LoadSweepConfig(trainer, "fast"));
  const SweepConfig rules = LoadSweepConfig(trainer);
  EXPECT_EQ(rules.target, -3.5);  // W&B's metric.target
  EXPECT_EQ(rules.patience, 12);  // StateSet's early_stopping_patience
  EXPECT_EQ(rules.min_delta, 0.25);
  EXPECT_EQ(rules.seeds_per_trial, 5);
  EXPECT_EQ(rules.aggregate, "iqm");
  const std::string custom = WriteTemp("every_setting_custom.yaml", R"(method: bayes
command: [python, train.py, "${args}"]
timeout_per_trial: 0
metric: {name: loss, goal: minimize}
early_terminate: {type: hyperband, min_iter: 3, max_iter: 27, s: 2, eta: 2.5, strict: false}
pruner: {type: successive_halving, min_resource: 3, reduction_factor: 4,
         min_early_stopping_rate: 1, bootstrap_count: 2}
parameters:
  opt.lr: {distribution: log_uniform_values, min: 1.0e-4, max: 0.1}
  opt.kind: {values: [adam, sgd]}
  depth: {min: 2, max: 8}
  epochs: {value: 10}
  noise: {distribution: normal, mu: 0.5, sigma: 0.1}
  width: {distribution: q_log_normal, mu: 4, sigma: 1, q: 8}
  share: {distribution: q_beta, a: 2, b: 5, q: 0.1}
  dropout: {distribution: beta, a: 0.5}
  act: {values: [relu, tanh, gelu], probabilities: [0.25, 0, 0.75]}
)");
  ExpectRoundTrip(LoadSweepConfig(custom));
  for (const std::string& seed : {kSeeds + "metta_quick.yaml", kSeeds + "metta_distributions.yaml",
                                  kSeeds + "metta_programmatic.yaml", MendedSeed()}) {
    const SweepConfig c = LoadSweepConfig(seed);
    ExpectRoundTrip(c);
    for (const std::string& preset : c.presets) ExpectRoundTrip(LoadSweepConfig(seed, preset));
  }
}

TEST(SweepConfigTest, AWandbGridOverMappingsAndNullsIsStoredAndReadBackAsWritten) {
  // W&B passes null and mappings to the run as any value (wandb/sweeps test_grid_search.py:760)
  const SweepConfig c = LoadSweepConfig(
      WriteTemp("mapping_grid.yaml",
                "method: grid\ncommand: [prog, \"${args}\"]\nparameters:\n"
                "  env_params:\n    values:\n"
                "      - {env_id: Env-v0, max_steps: 1000}\n"
                "      - {env_id: Env-v1, reward_kwargs: {lambda_energy: 0.001}, sizes: [[2, 3]]}\n"
                "      - {max_steps: 1000, env_id: Env-v0}\n"
                "      - null\n"
                "  target_kl: {value: null}\n  algo: {value: {name: SAC, tau: 0.005}}\n"));
  const Value v0(Value::Mapping{{"env_id", Value("Env-v0")}, {"max_steps", Value(1000)}});
  const Value v1(
      Value::Mapping{{"env_id", Value("Env-v1")},
                     {"reward_kwargs", Value(Value::Mapping{{"lambda_energy", Value(0.001)}})},
                     {"sizes", Value(Value::List{Value(Value::List{Value(2), Value(3)})})}});
  EXPECT_EQ(Param(c, "env_params").choices.size(), 4u);
  EXPECT_EQ(Param(c, "env_params").choices[1], v1);
  EXPECT_EQ(Param(c, "env_params").choices[2].ToYaml(), "{max_steps: 1000, env_id: Env-v0}");
  EXPECT_TRUE(Param(c, "env_params").choices[3].is_null());
  EXPECT_TRUE(c.fixed.at("target_kl").is_null());
  EXPECT_EQ(c.fixed.at("algo").ToYaml(), "{name: SAC, tau: 0.005}");
  ExpectRoundTrip(c);
  const SweepConfig back = ParseSweepConfig(c.ToYaml(), "the stored config", c.name);
  EXPECT_TRUE(back.fixed.at("target_kl").is_null());  // not the word "null"
  // The grid runs the two key orders of Env-v0 once, as W&B's grid does (its last written)
  const space::SearchSpace space = c.BuildSpace();
  const std::unique_ptr<samplers::Sampler> grid = samplers::MakeSampler(c.sampler);
  std::vector<samplers::Observation> history;
  std::vector<std::string> points;
  Rng rng(0);
  while (const std::optional<samplers::Suggestion> s = grid->Suggest(space, history, rng)) {
    history.push_back({s->point});
    points.push_back(space.ToParams(s->point).at("env_params").ToYaml());
  }
  EXPECT_EQ(points,
            (std::vector<std::string>{"{max_steps: 1000, env_id: Env-v0}", v1.ToYaml(), "null"}));
}

TEST(SweepConfigTest, StringsThatLookLikeOtherValuesStayStrings) {
  // found by the sweep-config fuzzer: a quoted "true" was stored plain and read back a bool
  const SweepConfig c =
      LoadSweepConfig(WriteTemp("quoted.yaml",
                                "method: random\ncommand: [prog, \"${args}\"]\n"
                                "fixed: {a: \"true\", b: \"3\", c: \"\", d: \"~\"}\n"
                                "parameters:\n  e: {values: [\"1.5\", plain, \"false\"]}\n"));
  EXPECT_EQ(c.fixed.at("a"), Value("true"));
  EXPECT_EQ(c.fixed.at("b"), Value("3"));
  ExpectRoundTrip(c);
}

TEST(SweepConfigTest, CmaesIsASamplerInEveryVocabularyThatNamesIt) {
  const SweepConfig own = LoadSweepConfig(WriteTemp("cmaes.yaml",
                                                    "method: cma-es\ncommand: [prog, \"${args}\"]\n"
                                                    "parameters:\n  x: {min: 0.0, max: 1.0}\n"));
  EXPECT_EQ(own.sampler.method, "cmaes");
  ExpectRoundTrip(own);
  const SweepConfig hydra =
      LoadSweepConfig(WriteTemp("cmaes_hydra.yaml", R"(defaults: [{override hydra/sweeper: optuna}]
hydra:
  sweeper:
    sampler: {_target_: optuna.samplers.CmaEsSampler}
    direction: minimize
    params:
      lr: interval(0.001, 0.1)
)"),
                      "", {"stub", "${args}"});
  EXPECT_EQ(hydra.sampler.method, "cmaes");
}

TEST(SweepConfigTest, Yaml11DigitGroupsAreNumbers) {
  const SweepConfig c = LoadSweepConfig(WriteTemp(
      "groups.yaml",
      "method: random\nfixed: {total_timesteps: 1_000_000}\n"
      "command: [prog, \"${args}\"]\nparameters:\n  x: {values: [1_0, a_b, \"2_000\"]}\n"));
  EXPECT_EQ(c.fixed.at("total_timesteps"), Value(1000000));
  EXPECT_EQ(Param(c, "x").choices, (std::vector<Value>{Value(10), Value("a_b"), Value("2_000")}));
  ExpectRoundTrip(c);
}

TEST(SweepConfigTest, WindowsLineEndingsLoad) {
  const SweepConfig c =
      LoadSweepConfig(WriteTemp("crlf.yaml",
                                "method: random\r\nfixed:\r\n  n_envs: 8\r\nparameters:\r\n"
                                "  gamma: {min: 0.9, max: 0.99}\r\n"));
  EXPECT_EQ(c.fixed.at("n_envs"), Value(8));
  ExpectRoundTrip(c);
}

TEST(SweepConfigTest, StudyChangesNameWhatMakesAnotherSearch) {
  const std::string before = WriteTemp("changes_before.yaml", R"(method: random
command: [./train.sh, "${args}"]
fixed: {epochs: 10}
parameters:
  x: {distribution: uniform, min: -1, max: 1}
  kind: {values: [a, b]}
  gone: {min: 1, max: 5}
)");
  const std::string after = WriteTemp("changes_after.yaml", R"(method: tpe
n_trials: 50
n_jobs: 4
timeout: 60
seed: 3
command: [./train.sh, "${args}"]
fixed: {epochs: 20}
metric: loss
parameters:
  x: {distribution: uniform, min: 5, max: 9}
  kind: {values: [a, c]}
  new: {min: 1, max: 5}
constraints: ["x > 6"]
)");
  const SweepConfig a = LoadSweepConfig(before), b = LoadSweepConfig(after);
  EXPECT_EQ(StudyChanges(a, b), (std::vector<std::string>{
                                    "metric: final_mean_reward -> loss",
                                    "gone: int_uniform [1.0, 5.0] -> (none)",
                                    "kind: categorical [a, b] -> categorical [a, c]",
                                    "new: (none) -> int_uniform [1.0, 5.0]",
                                    "x: uniform [-1.0, 1.0] -> uniform [5.0, 9.0]",
                                    "fixed epochs: 10 -> 20",
                                    "constraints: [] -> [x > 6]",
                                }));
  // trials, jobs, timeouts, the sampler and the seed may change between runs
  SweepConfig same = a;
  same.n_trials = 50;
  same.n_jobs = 8;
  same.timeout = 10;
  same.sampler.method = "tpe";
  same.seed = 7;
  EXPECT_TRUE(StudyChanges(a, same).empty());
}

// The real sweep files users bring (../shared/configs-real, SOURCES.md), each with a stub
// program (--command) since their parameters belong to other trainers. Expected counts are the
// files' own searched parameters, counted by hand.
TEST(SweepConfigRealFilesTest, EveryRealFileLoadsOrIsRefusedAtItsMistake) {
  const std::filesystem::path real = std::string(HPO_SHARED_DIR) + "/configs-real";
  if (!std::filesystem::exists(real))
    GTEST_SKIP() << "../shared/configs-real is absent: real sweep files not checked";
  const std::vector<std::string> command = {"stub", "${args}"};
  const std::map<std::string, size_t> searched = {
      {"wandb/metta_pufferlib_nested.yaml", 7},
      // `wandb sweep` reads min: 1e-5 as text (PyYAML) and refuses it; Metta loaded this file
      // with Hydra, whose OmegaConf reads a number (rl/carbs/carb_sweep.py:28 at 71cfe6ae)
      {"wandb/metta_sweep_2024.yaml", 11},
      {"wandb/pufferlib_config_multi.yaml", 13},
      {"wandb/wandb_examples_bayes_hyperband.yaml", 7},
      {"wandb/vcmi_gym_crl_sweep.yaml", 8},
      {"protein/metta_full.yaml", 15},
      {"protein/metta_minimal.yaml", 2},
      {"other/metta_carbs_arch_sweep.yaml", 9},
      {"protein/metta_cogeval_flow.yaml", 5},
      {"optuna_hydra/hydra_optuna_example.yaml", 2},
      {"optuna_hydra/lightning_hydra_template_mnist_optuna.yaml", 5},
      {"optuna_hydra/meds_launch_xgboost.yaml", 9},
      {"other/hydra_nevergrad_example.yaml", 4},
      {"other/katib_optuna_distribution.yaml", 4},
      {"other/determined_alphazero_asha.yaml", 5},
      {"other/azureml_lightgbm_sweep.yaml", 2}};
  const std::map<std::string, std::string> refused = {
      {"wandb/jss_rllib_ppo_typo_bounds.yaml", ":23:10: lr_start.min must be a number, got '1-e6'"},
      {"protein/metta_full_ss_macros.yaml", ":24:3: log_normal needs min > 0"}};
  for (const auto& [file, count] : searched) {
    SCOPED_TRACE(file);
    if (!std::filesystem::exists(real / file)) continue;  // the shared sample may change
    try {
      EXPECT_EQ(LoadSweepConfig(real / file, "", command).parameters.size(), count);
    } catch (const UserError& e) {
      ADD_FAILURE() << e.what();
    }
  }
  for (const auto& [file, message] : refused) {
    SCOPED_TRACE(file);
    if (!std::filesystem::exists(real / file)) continue;
    try {
      LoadSweepConfig(real / file, "", command);
      ADD_FAILURE() << "no error";
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find(file + message), std::string::npos) << e.what();
    }
  }
}

TEST(SweepConfigTest, OmegaConfInterpolationsInsideTheFileAreResolved) {
  const std::string hydra =
      WriteTemp("interpolations.yaml", R"(defaults: [{override hydra/sweeper: optuna}]
arch: {width: 64, seed: 7}
run_dir: outputs/${now:%Y-%m-%d}
to_be_given: ???
hydra:
  sweeper:
    direction: maximize
    params:
      model.width: choice(${arch.width}, 128)
      seed: ${arch.seed}
      lr: interval(0.001, 0.1)
)");
  const SweepConfig c = LoadSweepConfig(hydra, "", {"stub", "${args}"});
  EXPECT_EQ(Param(c, "model.width").choices, (std::vector<Value>{Value(64), Value(128)}));
  EXPECT_EQ(c.fixed.at("seed"), Value(7));  // a whole-value reference keeps the target's type
  const auto ignored = [&c](const std::string& entry) {
    return std::find(c.ignored.begin(), c.ignored.end(), entry) != c.ignored.end();
  };
  EXPECT_TRUE(
      ignored("run_dir (unresolved 'outputs/${now:%Y-%m-%d}': nothing in the search needs it)"));
  EXPECT_TRUE(ignored("to_be_given (unresolved '??\?': nothing in the search needs it)"));

  // relative references and references inside strings; the command's ${args} is not one
  const SweepConfig fixed = LoadSweepConfig(WriteTemp("interpolations_fixed.yaml", R"(method: random
command: [stub, "${args}"]
fixed:
  width: 64
  same_width: ${.width}
  tag: run_${fixed.width}
parameters:
  lr: {min: 0.0001, max: 0.01}
)"));
  EXPECT_EQ(fixed.fixed.at("same_width"), Value(64));
  EXPECT_EQ(fixed.fixed.at("tag"), Value("run_64"));
  EXPECT_EQ(fixed.command, (std::vector<std::string>{"stub", "${args}"}));
}

TEST(SweepConfigTest, HooksReadAsArgvListsWithTheirMacrosChecked) {
  const SweepConfig c = LoadSweepConfig(WriteTemp("hooks.yaml", R"(method: random
hooks:
  on_hpo_start: "notify 'sweep ${sweep} started'"
  on_trial_end:
    - [curl, -d, "${trial_json}", "http://localhost/${trial_number}"]
    - [echo, "${trial_state}", "${args}"]
  on_hpo_end: [echo, "${sweep_json}", "${envvar:HOME}"]
  timeout: 2m
parameters:
  lr: {min: 0.1, max: 0.2}
)"),
                                        "", {"stub", "${args}"});
  EXPECT_EQ(c.hooks.on_sweep_start,
            (std::vector<std::vector<std::string>>{{"notify", "sweep ${sweep} started"}}));
  ASSERT_EQ(c.hooks.on_trial_end.size(), 2u);
  EXPECT_EQ(c.hooks.on_trial_end[0],
            (std::vector<std::string>{"curl", "-d", "${trial_json}",
                                      "http://localhost/${trial_number}"}));
  EXPECT_EQ(c.hooks.on_sweep_end,
            (std::vector<std::vector<std::string>>{{"echo", "${sweep_json}", "${envvar:HOME}"}}));
  EXPECT_TRUE(c.hooks.on_trial_start.empty());
  EXPECT_EQ(c.hooks.timeout, 120);
  EXPECT_TRUE(c.ignored.empty()) << "the macros were taken for OmegaConf interpolations";
  const auto error = [](const std::string& hooks) {
    return testing_support::UserErrorOf([&] {
      LoadSweepConfig(WriteTemp("bad_hooks.yaml", "method: random\nhooks:\n" + hooks +
                                                      "parameters:\n  lr: {min: 0.1, max: 0.2}\n"),
                      "", {"stub", "${args}"});
    });
  };
  const std::string file = testing_support::OwnTestDir("files").string() + "/" + "bad_hooks.yaml";
  EXPECT_EQ(error("  on_trial_start: [echo, \"${sweep_json}\"]\n"),
            file +
                ":3:26: hooks.on_trial_start: unknown macro '${sweep_json}' (known here: ${sweep}, "
                "${sweep_dir}, ${args}, "
                "${args_no_hyphens}, ${args_no_boolean_flags}, ${args_json}, ${args_json_file}, "
                "${run_dir}, "
                "${trial_json}, ${trial_number}, ${trial_state}, ${envvar:NAME})");
  EXPECT_EQ(error("  on_trial_end: []\n"), file + ":3:17: hooks.on_trial_end is empty");
  EXPECT_EQ(
      error("  on_trial_end: {a: 1}\n"),
      file +
          ":3:17: hooks.on_trial_end must be a list of words: [program, arg, \"${trial_json}\"]");
  EXPECT_EQ(error("  timeout: 0\n"), file + ":3:12: hooks.timeout must be more than 0 seconds");
  EXPECT_EQ(error("  on_end: [x]\n"),
            file +
                ":3:3: unknown key 'hooks.on_end' (known: on_sweep_start, on_trial_start, "
                "on_trial_end, on_sweep_end, on_exploit, timeout)");
}

TEST(SweepConfigTest, AnUnresolvedStudyNameOrSeedKeepsItsDefaultWithANote) {
  // issue 36, item 3: they point into other files of a Hydra config group; the search is whole
  const std::vector<std::string> command = {"./t", "${args}"};
  const SweepConfig hydra = LoadSweepConfig(
      WriteTemp("hydra_seed.yaml",
                "defaults:\n  - override hydra/sweeper: optuna\nhydra:\n  sweeper:\n"
                "    sampler:\n      seed: ${seed}\n    study_name: ${task_name}\n"
                "    n_trials: 5\n    params:\n      lr: interval(0.0001, 0.1)\n"),
      "", command);
  EXPECT_EQ(hydra.seed, 0u);
  ASSERT_EQ(hydra.parameters.size(), 1u);
  ASSERT_FALSE(hydra.notes.empty());
  EXPECT_NE(hydra.notes.back().find("hydra.sweeper.sampler.seed: '${seed}' points outside this "
                                    "file"),
            std::string::npos);
  const SweepConfig own =
      LoadSweepConfig(WriteTemp("own_seed.yaml",
                                "name: ${experiment.name}\nseed: ${seed}\nmetric: score\n"
                                "parameters:\n  x: {min: 0.0, max: 1.0}\n"),
                      "", command);
  EXPECT_EQ(own.name, "own_seed");
  EXPECT_EQ(own.seed, 0u);
}

TEST(SweepConfigTest, InterpolationsATrialWouldNeedAreRefusedWhereTheyAre) {
  const std::vector<std::string> command = {"stub", "${args}"};
  EXPECT_EQ(
      testing_support::UserErrorOf([&] {
        LoadSweepConfig(WriteTemp("needs_now.yaml",
                                  "method: random\nfixed:\n  out: ${now:%Y}\nparameters:\n"
                                  "  lr: {min: 0.1, max: 0.2}\n"),
                        "", command);
      }),
      testing_support::OwnTestDir("files").string() + "/" +
          "needs_now.yaml:3:8: '${now:%Y}' calls the OmegaConf resolver 'now', which hpo does not "
          "run; give the value itself");
  EXPECT_EQ(
      testing_support::UserErrorOf([&] {
        LoadSweepConfig(
            WriteTemp("needs_missing.yaml",
                      "method: random\nparameters:\n  lr:\n    min: ??\?\n    max: 0.2\n"),
            "", command);
      }),
      testing_support::OwnTestDir("files").string() + "/" +
          "needs_missing.yaml:4:10: '??\?' is OmegaConf's mark of a value to be given elsewhere; "
          "give the value itself");
  EXPECT_EQ(
      testing_support::UserErrorOf([&] {
        LoadSweepConfig(WriteTemp("needs_outside.yaml",
                                  "method: random\nparameters:\n  lr:\n    values:\n      - "
                                  "${base.lr}\n      - 0.2\n"),
                        "", command);
      }),
      testing_support::OwnTestDir("files").string() + "/" +
          "needs_outside.yaml:5:9: '${base.lr}' points outside this file (or in a circle), so hpo "
          "cannot resolve it; give the value itself");
  EXPECT_NE(testing_support::UserErrorOf([&] {
              LoadSweepConfig(WriteTemp("circle.yaml",
                                        "method: random\nfixed:\n  a: ${fixed.b}\n  b: ${fixed.a}\n"
                                        "parameters:\n  lr: {min: 0.1, max: 0.2}\n"),
                              "", command);
            }).find("circle.yaml:3:6: '${fixed.b}' points outside this file (or in a circle)"),
            std::string::npos);
}

TEST(SweepConfigTest, PufferLibFilesNameTheRolloutBatchSize) {
  // hpo train is the trial program: PufferLib's batch_size is the rollout, minibatch_size SB3's
  // batch_size
  const SweepConfig c = LoadSweepConfig(WriteTemp("puffer_names.yaml", R"(method: bayes
metric: reward
goal: maximize
parameters:
  trainer:
    batch_size: {distribution: uniform_pow2, min: 4096, max: 65536}
    minibatch_size: {distribution: uniform_pow2, min: 256, max: 4096}
    update_epochs: {distribution: int_uniform, min: 1, max: 8}
)"),
                                        "", {});
  EXPECT_EQ(Param(c, "rollout_size").numeric.max, 65536);
  EXPECT_EQ(Param(c, "batch_size").numeric.max, 4096);
  EXPECT_EQ(Param(c, "n_epochs").numeric.max, 8);
  EXPECT_EQ(c.notes.front(),
            "names are PufferLib's: batch_size is the whole rollout (hpo's rollout_size), "
            "minibatch_size is "
            "hpo's batch_size");
  // hpo's own Protein example keeps SB3's meaning: a protein: section is no sign of PufferLib's
  // names
  const SweepConfig own =
      LoadSweepConfig(std::string(HPO_SOURCE_DIR) + "/configs/examples/protein.yaml");
  EXPECT_NO_THROW(Param(own, "batch_size"));
  EXPECT_TRUE(own.notes.empty());
  // the same names with a custom program are passed as written; $pow2(...) is Metta's ${ss:pow2,
  // ...}
  const SweepConfig custom = LoadSweepConfig(WriteTemp("puffer_names.yaml", R"(method: bayes
parameters:
  trainer:
    batch_size: {distribution: uniform_pow2, min: 4096, max: 65536}
    forward_pass: $pow2(1024, 32768)
)"),
                                             "", {"stub", "${args}"});
  EXPECT_EQ(Param(custom, "trainer.batch_size").numeric.max, 65536);
  EXPECT_EQ(Param(custom, "trainer.forward_pass").numeric.distribution, "uniform_pow2");
  EXPECT_EQ(Param(custom, "trainer.forward_pass").numeric.min, 1024);
}

TEST(SweepConfigTest, Pow2ExponentsAreReadAsTheFileWritesThem) {
  const std::string text =
      "method: random\nparameters:\n  a: {distribution: uniform_pow2, min: 15, max: 19, mean: 18}\n"
      "  b: {distribution: uniform_pow2, min: 0, max: 7}\n";
  const SweepConfig c =
      LoadSweepConfig(WriteTemp("pow2_exponents.yaml", text), "", {"stub", "${args}"});
  EXPECT_EQ(Param(c, "a").numeric.min,
            32768);  // [15, 19] alone holds one power of two: the file's [0, 7] says exponents
  EXPECT_EQ(Param(c, "a").numeric.max, 524288);
  EXPECT_EQ(Param(c, "a").numeric.mean, 262144);
  EXPECT_EQ(Param(c, "b").numeric.max, 128);
}

// The project's own fixture per vocabulary (tests/fixtures/vocabularies), each with what its
// tool would search: every parameter's distribution and bounds, the metric, goal and budget.
struct VocabularyFixture {
  std::string file;
  std::string vocabulary;  // the start of the reader's name
  std::string metric;
  bool maximize;
  int n_trials;
  std::string method;
  std::vector<std::string> parameters;  // "name: DescribeParameter"
  std::map<std::string, Value> fixed;
  std::string pruner = "none";
};

TEST(SweepConfigFixturesTest, EveryVocabularyFixtureReadsAsItsToolWould) {
  // NNI: every kind of NNI's ten, one each; randint excludes its upper bound
  const std::vector<std::string> kNniKinds = {
      "optimizer: categorical [adam, sgd, rmsprop]",
      "num_layers: int_uniform [1.0, 4.0]",
      "dropout_rate: uniform [0.1, 0.5]",
      "hidden_size: q_uniform [64.0, 512.0] q 64.0 clip",
      "lr: loguniform [1e-05, 0.01]",
      "batch_size: q_log_uniform_values [16.0, 256.0] q 16.0 clip",
      "momentum: normal mu 0.9 sigma 0.02",
      "warmup_steps: q_normal mu 1000.0 sigma 200.0 q 100.0",
      "weight_decay: log_normal mu -9.2 sigma 1.0",
      "kernel_size: q_log_normal mu 1.5 sigma 0.5 q 2.0"};
  const std::vector<VocabularyFixture> fixtures = {
      {"wandb.yaml",
       "W&B Sweeps",
       "eval/episode_reward",
       true,
       12,
       "protein",
       {"optimizer.lr: loguniform [1e-05, 0.01]", "optimizer.eps: loguniform [1e-08, 1e-05]",
        "gamma: uniform [0.9, 0.999]", "n_steps: q_uniform [64.0, 1024.0] q 64.0",
        "layers: int_uniform [1.0, 4.0]", "decay: loguniform [0.0001, 0.1]",
        "activation: categorical [relu, tanh]"},
       {{"epochs", Value(10)}, {"resume_from", Value(nullptr)}},  // W&B passes None
       "wandb_hyperband"},
      {"protein.yaml",
       "hpo",
       "env/episode_return",
       true,
       20,
       "protein",
       {"trainer.learning_rate: log_normal [1e-05, 0.1] mean 0.0003 scale auto",
        "trainer.gamma: logit_normal [0.8, 0.9999] mean 0.99 scale auto",
        "trainer.batch_size: uniform_pow2 [4096.0, 65536.0] mean 16384.0 scale auto",
        "trainer.minibatch_size: uniform_pow2 [256.0, 4096.0]",
        "trainer.update_epochs: int_uniform [1.0, 8.0] mean 4.0 scale 1.0",
        "trainer.ent_coef: log_normal [1e-05, 0.1] mean 0.001"},
       {{"trainer.bptt_horizon", Value(64)}}},
      {"carbs.yaml",
       "hpo",
       "action.use.altar",
       true,
       20,
       "protein",
       {"trainer.learning_rate: log_normal [1e-05, 0.01] mean 0.0003",
        "trainer.total_timesteps: int_loguniform [10000000.0, 1000000000.0]",
        "trainer.gae_lambda: logit_normal [0.8, 0.99] mean 0.95",
        "agent.hidden_size: uniform_pow2 [64.0, 512.0] mean 128.0",
        "agent.clip: uniform [0.1, 0.3] mean 0.2"},
       {}},
      {"pufferlib.yaml",
       "PufferLib",
       "environment/episode_return",
       true,
       20,
       "random",
       {"train.learning_rate: loguniform [0.0001, 0.01]", "train.gamma: uniform [0.9, 0.999]"},
       {}},
      {"hydra_optuna.yaml",
       "Hydra",
       "val/acc_best",
       true,
       15,
       "tpe",
       {"model.lr: loguniform [0.0001, 0.1]", "model.width: categorical [32, 64, 128]",
        "data.batch: int_uniform [16.0, 64.0] q 16.0", "model.depth: int_uniform [1.0, 4.0]",
        "model.dropout: uniform [0.0, 0.5]"},
       {}},
      {"hydra_nevergrad.yaml",
       "Hydra",
       "final_mean_reward",
       false,
       20,
       "tpe",
       {"db: categorical [mnist, cifar]", "lr: loguniform [0.0001, 0.1]",
        "batch: int_uniform [4.0, 16.0]", "dropout: uniform [0.0, 1.0]"},
       {}},
      {"hydra_ax.yaml",
       "Hydra",
       "loss",
       false,
       10,
       "protein",
       {"lr: loguniform [0.0001, 0.1]", "layers: int_uniform [1.0, 6.0]",
        "optimizer: categorical [adam, sgd]"},
       {{"epochs", Value(5)}}},
      {"hydra_ax_target.yaml",
       "Hydra Ax",
       "val_loss",
       false,
       30,
       "protein",
       {"model.lr: loguniform [1e-05, 0.01]", "model.layers: int_uniform [1.0, 4.0]",
        "model.width: int_loguniform [16.0, 256.0]", "model.dropout: uniform [0.0, 1.0]",
        "model.act: categorical [relu, gelu]", "data.batch: categorical [32, 64, 128]"},
       {{"trainer.epochs", Value(10)}}},
      {"hydra10_nevergrad.yaml",
       "Hydra Nevergrad",
       "final_mean_reward",
       true,
       40,
       "tpe",
       {"db: categorical [mnist, cifar]", "lr: loguniform [0.001, 1.0]",
        "batch_size: int_uniform [4.0, 16.0]", "dropout: uniform [0.0, 0.5]"},
       {}},
      {"hydra_optuna_grid.yaml",
       "Hydra Optuna",
       "final_mean_reward",
       false,
       36,
       "grid",
       {"x: categorical [-1, 1]", "y: discrete_uniform [-1.0, 0.0]",
        "layers: int_uniform [1.0, 3.0]", "width: int_uniform [32.0, 96.0] q 32.0"},
       {{"opt", Value("adam")}}},
      {"hydra_sweeper_package.yaml",
       "Hydra Optuna",
       "final_mean_reward",
       true,
       12,
       "random",
       {"lr: loguniform [1e-05, 0.01]", "steps: int_uniform [1.0, 9.0] q 2.0",
        "gamma: discrete_uniform [1.0, 5.0]", "arch: categorical [[64, 64], [128, 128]]",
        "order: categorical [1, 2, 3]"},
       {{"fixed_list", Value(Value::List{1, 2, 3})}}},
      {"katib.yaml",
       "Katib",
       "reward",
       true,
       9,
       "tpe",
       {"lr: loguniform [0.0001, 0.01]", "epochs: int_uniform [2.0, 8.0]",
        "optimizer: categorical [adam, sgd]"},
       {},
       "median"},
      {"determined.yaml",
       "Determined",
       "validation_loss",
       false,
       16,
       "random",
       {"lr: loguniform [1e-05, 0.01]", "dropout: uniform [0.1, 0.5]",
        "layers: int_uniform [1.0, 4.0]", "act: categorical [relu, tanh]"},
       {{"global_batch_size", Value(64)}},
       "successive_halving"},
      {"azureml.yaml",
       "Azure ML",
       "val_loss",
       false,
       8,
       "random",
       {"lr: loguniform [0.00010003404299092957, 0.10025884372280375]",
        "momentum: uniform [0.8, 0.99]", "boosting: categorical [gbdt, dart]"},
       {},
       "percentile"},
      {"ray_tune.yaml",
       "Ray Tune",
       "episode_reward",
       true,
       6,
       "tpe",
       {"lr: loguniform [0.00010003404299092957, 0.10025884372280375]",
        "batch: categorical [32, 64]", "momentum: uniform [0.8, 0.99]",
        "width: int_uniform [16.0, 128.0]"},
       {}},
      {"orion/program_config.yaml",
       "Orion priors",
       "objective",
       false,
       20,
       "random",
       {"optimizer.name: categorical [adam, sgd]", "optimizer.lr: loguniform [1e-05, 1.0]",
        "optimizer.momentum: uniform [0.8, 0.99]", "model.layers: int_uniform [4.0, 16.0]",
        "model.width: int_loguniform [16.0, 256.0]", "model.init_scale: normal mu 0.0 sigma 0.5",
        "model.shift: q_normal mu 2.5 sigma 1.0",
        "model.activation: categorical [relu, tanh, gelu] probabilities [0.5, 0.3, 0.2]",
        "model.dropout: uniform [0.0, 0.5]"},
       {{"epochs", Value(100)}}},
      {"orion/hydra_orion.yaml",
       "Hydra Orion sweeper",
       "final_mean_reward",
       false,
       30,
       "random",
       {"optimizer.name: categorical [Adam, SGD]", "optimizer.lr: loguniform [0.0001, 0.1]",
        "dropout: uniform [0.0, 1.0]", "batch_size: int_uniform [4.0, 16.0]"},
       {{"epoch", Value(100)}, {"data_dir", Value("/data")}},
       "hyperband"},
      {"polyaxon/v0_group.yaml",
       "Polyaxon v0",
       "accuracy",
       true,
       12,
       "random",
       {"lr: categorical [0.0001, 0.001, 0.01, 0.1]",
        "momentum: categorical [0.8, 0.85, 0.9, 0.95]", "batch: int_uniform [16.0, 64.0] q 16.0",
        "loss: categorical [MeanSquaredError, AbsoluteDifference]",
        "activation: categorical [relu, tanh, elu] probabilities [0.2, 0.3, 0.5]",
        "dropout: uniform [0.0, 0.5]",
        "wd: loguniform [0.00010103940183709342, 0.10025884372280375]",
        "units: discrete_uniform [32.0, 224.0] q 32.0",
        "width: q_log_uniform_values [20.085536923187668, 403.4287934927351] q 16.0 floor",
        "noise: normal mu 0.0 sigma 0.1", "shift: q_normal mu 9.0 sigma 2.0 q 2.0",
        "scale: log_normal mu 0.0 sigma 1.0"},
       {}},
      {"polyaxon/v1_hyperband.yaml",
       "Polyaxon v1",
       "loss",
       false,
       20,
       "random",
       {"lr: loguniform [0.00010103940183709342, 0.10025884372280375]",
        "loss: categorical [MeanSquaredError, AbsoluteDifference]",
        "normal_rate: normal mu 0.0 sigma 0.9",
        "activation: categorical [relu, sigmoid] probabilities [0.1, 0.9]",
        "layers: int_uniform [1.0, 4.0]"},
       {{"epochs", Value(30)}, {"steps", Value(81)}},
       "hyperband"},
      {"guild/guild.yml",
       "Guild AI",
       "val_acc",
       true,
       15,
       "random",
       {"lr: loguniform [1e-05, 0.1]", "dropout: uniform [0.1, 0.5]",
        "layers: int_uniform [1.0, 4.0]", "momentum: uniform [0.8, 0.99]",
        "optimizer: categorical [adam, sgd]", "batch: categorical [32, 64]"},
       {{"epochs", Value(10)}}},
      {"guild/yaml11.yml",  // PyYAML's YAML 1.1: yes/on are true, 010 octal, 1:30 is 90
       "Guild AI",
       "loss",
       false,
       384,
       "grid",
       {"shuffle: categorical [true, false]", "norm: categorical [true, false]",
        "width: categorical [8, 16, 3, 90]", "scale: categorical [1000.0, 1000.5]",
        "word: categorical [y, n, \"yes\"]", "mode: categorical [fast, c]",
        "cache: categorical [true, false]"},
       {{"augment", Value(true)}}},
      {"rllib.yaml",
       "Ray Tune",
       "episode_reward_mean",
       true,
       12,
       "grid",
       {"lr: categorical [0.001, 0.0001]", "num_sgd_iter: categorical [5, 10, 20]"},
       {}},
      {"ray_one_point_grid.yaml",  // grid_search: [6] is a constant: one configuration
       "Ray Tune",
       "episode_reward_mean",
       true,
       1,
       "grid",
       {},
       {{"num_sgd_iter", Value(6)}}},
      {"ludwig/ray_asha.yaml",  // Ray's randint leaves out upper; qrandint q 64 reaches 256
       "Ludwig hyperopt (ray executor)",
       "validation.sentiment.accuracy",
       true,
       16,
       "tpe",
       {"trainer.learning_rate: loguniform [0.0001, 0.1]",
        "trainer.batch_size: categorical [64, 128, 256]",
        "combiner.num_fc_layers: int_uniform [1.0, 3.0]",
        "review.encoder.embedding_size: q_uniform [64.0, 256.0] q 64.0",
        "combiner.dropout: uniform [0.0, 0.4]"},
       {{"trainer.optimizer.type", Value("adam")}},
       "successive_halving"},
      {"ludwig/optuna_int.yaml",  // Ludwig's optuna executor: suggest_int includes upper
       "Ludwig hyperopt (optuna executor)",
       "validation.combined.loss",
       false,
       30,
       "tpe",
       {"trainer.learning_rate: loguniform [2e-05, 0.005]",
        "trainer.batch_size: int_uniform [8.0, 128.0]",
        "review_text.encoder.num_filters: categorical [64, 128, 256]"},
       {},
       "hyperband"},
      {"trlx/ppo_choices.yml",  // trlx's choice of one value is a constant
       "trlx sweep",
       "reward/mean",
       true,
       24,
       "random",
       {"optimizer.kwargs.lr: loguniform [5e-06, 0.0005]", "method.cliprange: uniform [0.1, 0.3]",
        "model.num_layers_unfrozen: categorical [-1, 4]",
        "method.chunk_size: categorical [16, 64, 256]",
        "method.gen_kwargs.max_new_tokens: categorical [null, 40]"},
       {{"train.eval_interval", Value(500)}, {"train.tracker", Value(nullptr)}}},
      {"trlx/ilql_mixed.yml",
       "trlx sweep",
       "metrics/task_score",
       true,
       48,
       "random",
       {"optimizer.kwargs.lr: loguniform [1e-05, 0.0003]", "method.gamma: uniform [0.9, 0.999]",
        "method.two_qs: categorical [true, false]", "method.beta: categorical [0, 1, 4]"},
       {{"train.checkpoint_interval", Value(100000)}, {"train.save_best", Value(false)}}},
      {"nni/search_space.json",
       "NNI search space",
       "final_mean_reward",
       true,
       20,
       "protein",
       kNniKinds,
       {}},
      {"nni/search_space.yaml",
       "NNI search space",
       "final_mean_reward",
       true,
       20,
       "protein",
       {"learning_rate: loguniform [0.0001, 0.1]", "gamma: uniform [0.9, 0.9999]",
        "n_epochs: int_uniform [3.0, 10.0]", "ent_coef: q_uniform [0.001, 0.1] q 0.001 clip",
        "activation_fn: categorical [tanh, relu]"},
       {}},
      {"nni/config.yml",
       "NNI experiment config",
       "default",
       true,
       24,
       "tpe",
       kNniKinds,
       {},
       "median"},
      {"nni/config_v1.yml", "NNI experiment config", "default", false, 10, "random", kNniKinds, {}},
      // ConfigSpace 1.2.2: uniform_int bounds np.rint-ed (2.5e3) and included; q dropped;
      // weights normalised; ordinal a categorical; NEQ sgd is IN the other choices
      {"configspace/space.yaml",
       "ConfigSpace",
       "final_mean_reward",
       true,
       20,
       "protein",
       {"learning_rate: loguniform [1e-06, 0.1]", "ent_coef: uniform [0.0, 0.5]",
        "n_steps: int_loguniform [64.0, 2500.0]", "n_epochs: int_uniform [1.0, 10.0]",
        "optimizer: categorical [adam, sgd, rmsprop] probabilities [0.5, 0.25, 0.25]",
        "use_target_network: categorical [true, false]", "batch_size: categorical [64, 128, 256]",
        "tau: uniform [0.01, 1.0] when use_target_network in [true]",
        "momentum: uniform [0.5, 0.99] when optimizer in [sgd, rmsprop]",
        "beta2: uniform [0.9, 0.9999] when optimizer in [adam, rmsprop]"},
       {{"total_timesteps", Value(100000)}}},
      // normal_float a truncated normal; GT and LT (strict) range conditions, an AND of both
      // one range; GT on an ordinal the values after it in its sequence
      {"configspace/ranges.yaml",
       "ConfigSpace",
       "final_mean_reward",
       true,
       20,
       "protein",
       {"gamma: truncated_normal [0.9, 0.9999] mu 0.99 sigma 0.01",
        "n_layers: int_uniform [1.0, 6.0]",
        "width: int_loguniform [32.0, 512.0] when n_layers > 1.0",
        "dropout: uniform [0.0, 0.5] when n_layers < 4.0", "lr: loguniform [1e-05, 0.01]",
        "warmup: int_uniform [0.0, 1000.0] when lr > 0.0001 and lr < 0.001",
        "size: categorical [small, medium, large]",
        "heads: categorical [4, 8, 16] when size in [medium, large]"},
       {}},
      {"configspace/hypersweeper.yaml",  // the space inline in hydra.sweeper.search_space
       "ConfigSpace",
       "final_mean_reward",
       true,
       16,
       "protein",
       {"solver: categorical [lbfgs, sgd, adam]",
        "learning_rate_init: loguniform [0.0001, 0.1] when solver in [sgd, adam]",
        "n_layer: int_uniform [1.0, 5.0]"},
       {}},
      {"metta/groups_without_parameters.yaml",  // groups without parameters:, as Protein reads
       "hpo",
       "episode_reward",
       true,
       20,
       "protein",
       {"trainer.optimizer.learning_rate: log_normal [0.0002, 0.004] mean 0.001 scale 0.5"},
       {}},
      {"pufferlib_ini/puffer3/pufferlib/config/ocean/breakout.ini",  // over ../default.ini
       "PufferLib INI",
       "environment/score",
       true,
       20,
       "protein",
       {"train.learning_rate: log_normal [1e-05, 0.1] mean 0.01 scale 0.5",
        "train.gamma: logit_normal [0.9, 0.9999] mean 0.98 scale auto",
        "env.frameskip: int_uniform [1.0, 8.0] mean 4.0 scale auto"},
       {}},
      {"pufferlib_ini/protein_mean_below_min.ini",  // PufferLib 3.0: mean is the centre
       "PufferLib INI (sweep sections), as PufferLib 3.0's",
       "score",
       true,
       20,
       "protein",
       {"train.total_timesteps: log_normal [10000000.0, 2000000000.0] mean 40000000.0 scale time",
        "train.batch_size: uniform_pow2 [65536.0, 1048576.0] mean 262144.0 scale auto",
        // the file's mean 4096 is below min: searched from min (a note says so)
        "train.minibatch_size: uniform_pow2 [8192.0, 65536.0] mean 8192.0 scale auto",
        "train.learning_rate: log_normal [0.0001, 0.2] mean 0.02 scale 0.5",
        "train.gamma: logit_normal [0.85, 0.9995] mean 0.99 scale auto",
        "train.vf_coef: uniform [0.0, 4.0] mean 1.5 scale auto",
        "train.adam_eps: log_normal [1e-12, 1e-05] mean 1e-08 scale auto"},
       {}},
      // YAML 1.1's meaning, as each tool's yaml.safe_load reads the file (yaml11.h): `yes` is
      // true, 010 is 8, 0x10 16, 1:30 90, and 1e-5 (no dot) the text '1e-5'
      {"yaml11/wandb.yaml",  // W&B's reading: tests/conformance/cases/wandb/yaml11.yaml
       "W&B Sweeps",
       "loss",
       false,
       20,
       "random",
       {"decay: categorical [\"1e-5\", 0.0001]", "use_gae: categorical [true, false]",
        "layers: int_uniform [8.0, 16.0]", "warmup: categorical [90, 120]"},
       {{"n_bits", Value(5)}, {"compile", Value(false)}}},
      {"yaml11/rllib.yaml",  // Ray's reading: tests/conformance/cases/ray/space.yaml, yaml11
       "Ray Tune",
       "episode_reward_mean",
       true,
       8,
       "grid",
       {"use_gae: categorical [true, false]", "num_sgd_iter: categorical [8, 16]",
        "lr: categorical [\"5e-5\", 0.0001]"},
       {}},
      {"yaml11/trlx.yml",  // trlx's reading: tests/conformance/cases/trlx/space.yaml, yaml11
       "trlx sweep",
       "reward/mean",
       true,
       16,
       "random",
       {"method.two_qs: categorical [true, false]", "method.chunk_size: categorical [8, 16]"},
       {}},
      {"yaml11/ludwig.yaml",
       "Ludwig hyperopt (ray executor)",
       "validation.sentiment.accuracy",
       true,
       8,
       "random",
       {"trainer.batch_size: categorical [8, 32]",
        "trainer.use_mixed_precision: categorical [true, false]"},
       {}},
      // NNI's reading (validate_search_space and format_search_space at 767ed7f2, run on
      // yaml.safe_load's dict): choice [True, False, '1e-5', 8], randint [8, 32) as 8..31
      {"yaml11/nni_space.yaml",
       "NNI search space",
       "final_mean_reward",
       true,
       20,
       "protein",
       {"use_bn: categorical [true, false, \"1e-5\", 8]", "hidden: int_uniform [8.0, 31.0]"},
       {}},
      {"yaml11/nni_space.json",  // JSON: json.loads reads it first, 1e-5 is a number
       "NNI search space",
       "final_mean_reward",
       true,
       20,
       "protein",
       {"lr: loguniform [1e-05, 0.01]", "hidden: int_uniform [8.0, 31.0]"},
       {}},
      {"yaml11/nni_experiment.yml",  // nnictl create: maxTrialNumber 0x10 is 16
       "NNI experiment config",
       "default",
       true,
       16,
       "tpe",
       {"use_bn: categorical [true, false]", "hidden: int_uniform [8.0, 31.0]"},
       {}},
      // OmegaConf's loader (Hydra's, Metta's): YAML 1.1, and 1e-5 a float. Hydra's reading:
      // tests/conformance/cases/hydra/omegaconf.yaml; override strings stay Hydra's grammar
      {"yaml11/hydra_optuna.yaml",  // n_trials 030 is 24
       "Hydra Optuna sweeper",
       "final_mean_reward",
       false,
       24,
       "tpe",
       {"lr: loguniform [1e-05, 0.01]", "act: categorical [\"on\", \"off\"]"},
       {{"use_gae", Value(true)},
        {"epochs", Value(8)},
        {"clip", Value(0.1)},
        {"warmup", Value(90)},
        {"day", Value("2024-01-01")}}},
      {"yaml11/hydra_orion.yaml",  // worker.max_trials 030 is 24
       "Hydra Orion sweeper",
       "final_mean_reward",
       false,
       24,
       "random",
       {"lr: loguniform [1e-05, 0.1]"},
       {{"use_gae", Value(true)}, {"epochs", Value(8)}, {"clip", Value(0.1)}}},
      // hypersweeper's layout through OmegaConf, ConfigSpace's own through yaml.safe_load:
      // tests/conformance/cases/configspace/space.yaml, yaml11-*
      {"configspace/yaml11_search_space.yaml",
       "ConfigSpace",
       "final_mean_reward",
       true,
       20,
       "protein",
       {"learning_rate: loguniform [1e-05, 0.01]", "n_layers: int_uniform [1.0, 8.0]",
        "use_gae: categorical [true, false]"},
       {}},
      {"configspace/yaml11_list.yaml",
       "ConfigSpace",
       "final_mean_reward",
       true,
       20,
       "protein",
       {"learning_rate: loguniform [1e-05, 0.01]", "n_layers: int_uniform [1.0, 8.0]",
        "use_gae: categorical [true, false]"},
       {}},
      // Metta's files (Protein or CARBS spellings) through OmegaConf; hpo's own stay YAML 1.2
      {"yaml11/metta_protein.yaml",
       "hpo, with Protein/Metta spellings",
       "env/episode_return",
       true,
       20,
       "random",
       {"trainer.learning_rate: log_normal [1e-05, 0.1] mean 0.0003 scale auto",
        "trainer.update_epochs: int_uniform [1.0, 8.0] mean 4.0 scale auto"},
       {{"trainer.compile", Value(true)}}},
      {"yaml11/metta_carbs.yaml",
       "hpo, with CARBS spellings",
       "action.use.altar",
       true,
       20,
       "protein",
       {"trainer.learning_rate: log_normal [1e-05, 0.01] mean 0.0003",
        "trainer.bptt_horizon: int_uniform [8.0, 64.0] mean 16.0"},
       {}},
      {"yaml11/hpo_own.yaml",
       "hpo, with Optuna-style spellings",
       "loss",
       false,
       20,
       "random",
       {"layers: int_uniform [1.0, 10.0]", "act: categorical [\"yes\", \"on\"]"},
       {}},
      // each tool's own loader, as its file's header says and shows (PyYAML's safe_load, or
      // go-yaml v2 run here): yes/y are true, 010 octal, 0x10 hex; go-yaml's 1e-5 a float
      {"yaml11/polyaxon_v1.yaml",  // yaml.safe_load: 1e-5 the text Polyaxon reads with float()
       "Polyaxon v1",
       "final_mean_reward",  // hpo's default: the file names no metric
       true,
       16,
       "random",
       {"use_bn: categorical [true, false]", "layers: categorical [8, 16]",
        "lr: uniform [1e-05, 0.01]", "act: categorical [relu, \"0:1\"]"},
       {}},
      {"yaml11/katib.yaml",  // kubectl's YAML to JSON: maxTrialCount 010 is 8
       "Katib",
       "reward",
       true,
       8,
       "random",
       {"lr: uniform [0.001, 0.01]", "optimizer: categorical [adam, sgd]"},
       {}},
      {"yaml11/determined.yaml",  // the master's ghodss/yaml: y/n booleans, 012 is 10
       "Determined",
       "validation_loss",
       false,
       8,
       "random",
       {"use_gae: categorical [true, false]", "layers: int_uniform [8.0, 16.0]",
        "lr: uniform [1e-05, 0.01]"},
       {{"epochs", Value(10)}}},
      {"yaml11/azureml.yaml",  // load_yaml's safe_load; marshmallow's Float reads '1e-1'
       "Azure ML",
       "val_loss",
       false,
       16,
       "random",
       {"batch: categorical [8, 32]", "dropout: uniform [0.1, 0.5]"},
       {}},
      {"yaml11/pufferlib.yaml",  // PufferLib 1.0's safe_load; '1e-4' read as W&B is assumed to
       "PufferLib",
       "environment/episode_return",
       true,
       20,
       "random",
       {"train.learning_rate: loguniform [0.0001, 0.1]", "train.compile: categorical [true, false]",
        "train.bptt_horizon: categorical [8, 16]"},
       {}},
  };
  for (const VocabularyFixture& f : fixtures) {
    SCOPED_TRACE(f.file);
    const SweepConfig c = LoadSweepConfig(kFixtures + f.file, "", {"stub", "${args}"});
    EXPECT_EQ(c.vocabulary.rfind(f.vocabulary, 0), 0u) << c.vocabulary;
    EXPECT_EQ(c.objectives.metric, f.metric);
    EXPECT_EQ(c.objectives.maximize, f.maximize);
    EXPECT_EQ(c.n_trials, f.n_trials);
    EXPECT_EQ(c.sampler.method, f.method);
    std::vector<std::string> described;
    for (const ParameterSpec& p : c.parameters)
      described.push_back(p.name + ": " + DescribeParameter(p));
    EXPECT_EQ(described, f.parameters);
    EXPECT_EQ(c.fixed, ParamSet(f.fixed.begin(), f.fixed.end()));
    EXPECT_EQ(c.pruner.method, f.pruner);
  }
  // hpo train's own names, with PufferLib's meaning of batch_size
  const SweepConfig optuna = LoadSweepConfig(kFixtures + "optuna_searchable.yaml");
  EXPECT_EQ(optuna.n_trials, 25);
  EXPECT_EQ(Param(optuna, "clip_range").numeric.q, 0.05);
  const SweepConfig protein = LoadSweepConfig(kFixtures + "protein.yaml", "", {"stub", "${args}"});
  EXPECT_EQ(protein.sampler.protein.num_random_samples, 5);
}

TEST(SweepConfigTest, YamlAnchorsAndMergeKeysReadAsPyYamlReadsThem) {
  const SweepConfig c = LoadSweepConfig(WriteTemp("merge.yaml", R"(method: random
fixed: &common {n_envs: 8, total_timesteps: 1000}
parameters:
  learning_rate:
    <<: {min: 0.001, max: 0.1, distribution: uniform}
    distribution: log_uniform_values
  gamma: {min: 0.9, max: .999}
  ent_coef:
    <<: [{min: !!float 1e-4}, {min: 0.5, max: 1e-2}]
)"));
  EXPECT_EQ(DescribeParameter(Param(c, "learning_rate")),
            "loguniform [0.001, 0.1]");  // its own key wins
  EXPECT_EQ(DescribeParameter(Param(c, "gamma")), "uniform [0.9, 0.999]");
  EXPECT_EQ(DescribeParameter(Param(c, "ent_coef")),
            "uniform [0.0001, 0.01]");  // the first merged mapping wins
  EXPECT_EQ(c.fixed.at("n_envs"), Value(8));
  EXPECT_EQ(testing_support::UserErrorOf([] {
              LoadSweepConfig(
                  WriteTemp("bad_merge.yaml", "method: random\nparameters:\n  lr:\n    <<: 3\n"));
            }),
            testing_support::OwnTestDir("files").string() + "/" +
                "bad_merge.yaml:4:9: a merge key (<<) takes a mapping or a list of mappings");
  // an alias bomb: nine levels of ten aliases stand for 10^9 values
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    bomb += fmt::format("a{}: &a{} [", i, i);
    for (int k = 0; k < 10; ++k) bomb += fmt::format("{}*a{}", k ? ", " : "", i - 1);
    bomb += "]\n";
  }
  EXPECT_EQ(
      testing_support::UserErrorOf(
          [&] { LoadSweepConfig(WriteTemp("bomb.yaml", bomb + "method: random\n")); }),
      testing_support::OwnTestDir("files").string() + "/" +
          "bomb.yaml: the file stands for more than 1000000 values through its aliases (*name)");
}

TEST(SweepConfigTest, AGroupMayHoldAParameterNamedLikeASpecKey) {
  // yolov5's hyperparameters include one named scale; {value: {...}} is still a W&B constant
  const SweepConfig c =
      LoadSweepConfig(WriteTemp("scale_group.yaml",
                                "method: random\nparameters:\n  hyp:\n"
                                "    scale: {min: 0.1, max: 0.9}\n    lr0: {min: 0.01, max: 0.1}\n"
                                "  opts: {value: {a: 1}}\n"),
                      "", {"stub", "${args}"});
  EXPECT_EQ(DescribeParameter(Param(c, "hyp.scale")), "uniform [0.1, 0.9]");
  EXPECT_EQ(DescribeParameter(Param(c, "hyp.lr0")), "uniform [0.01, 0.1]");
  EXPECT_EQ(c.fixed.at("opts"), Value(Value::Mapping{{"a", Value(1)}}));
}

TEST(SweepConfigTest, DeterminedsGridSearcherTriesCountEvenlySpacedPoints) {
  const std::string text =
      "name: g\nhyperparameters:\n  lr: {type: log, base: 10, minval: -4, maxval: -1, count: 4}\n"
      "  layers: {type: int, minval: 1, maxval: 3, count: 5}\n"
      "searcher: {name: SEARCHER, metric: loss, max_trials: 8}\n";
  std::string grid_text = text;
  grid_text.replace(grid_text.find("SEARCHER"), 8, "grid");
  const SweepConfig grid =
      LoadSweepConfig(WriteTemp("determined_grid.yaml", grid_text), "", {"stub", "${args}"});
  EXPECT_EQ(grid.sampler.method, "grid");
  EXPECT_EQ(DescribeParameter(Param(grid, "lr")), "categorical [0.0001, 0.001, 0.01, 0.1]");
  EXPECT_EQ(DescribeParameter(Param(grid, "layers")),
            "categorical [1, 2, 3]");  // 5 points of 1..3, each once
  std::string random_text = text;
  random_text.replace(random_text.find("SEARCHER"), 8, "random");
  const SweepConfig random =
      LoadSweepConfig(WriteTemp("determined_random.yaml", random_text), "", {"stub", "${args}"});
  EXPECT_EQ(DescribeParameter(Param(random, "layers")), "int_uniform [1.0, 3.0]");
  EXPECT_NE(std::find(random.ignored.begin(), random.ignored.end(),
                      "lr.count (only Determined's grid searcher uses it)"),
            random.ignored.end());
}

TEST(SweepConfigTest, ASweepSectionInsideTheProgramsConfig) {
  const SweepConfig c =
      LoadSweepConfig(WriteTemp("sweep_section.yaml", R"(trainer: {total_timesteps: 1000}
env: lunar
sweep:
  method: random
  metric: {name: reward, goal: maximize}
  parameters:
    trainer.learning_rate: {min: 0.001, max: 0.1}
)"));
  EXPECT_EQ(c.parameters.size(), 1u);
  EXPECT_EQ(c.ignored, (std::vector<std::string>{"trainer (the program's config, beside sweep:)",
                                                 "env (the program's config, beside sweep:)"}));
  // without a sweep: section, an unknown top-level key is still a mistake
  EXPECT_NE(testing_support::UserErrorOf([] {
              LoadSweepConfig(WriteTemp("typo.yaml", "methd: random\n"));
            }).find("unknown key 'methd' at the top level (did you mean 'method'?)"),
            std::string::npos);
}

// How hpo reads one file, in the words of tests/fixtures/real_files_read.txt.
std::string ReadingOf(const std::filesystem::path& file, const std::string& name) {
  std::string text = "== " + name + "\n";
  try {
    const SweepConfig c = LoadSweepConfig(file, "", {"stub", "${args}"});
    text += fmt::format("metric {}, {}, {} trials, method {}, pruner {}\n", c.objectives.metric,
                        c.objectives.maximize ? "maximize" : "minimize", c.n_trials,
                        c.sampler.method, c.pruner.method);
    for (const ParameterSpec& p : c.parameters)
      text += fmt::format("  {}: {}\n", p.name, DescribeParameter(p));
    for (const auto& [key, value] : c.fixed)
      text += fmt::format("  fixed {} = {}\n", key, value.ToYaml());
  } catch (const UserError& e) {
    std::string what = e.what();
    text += "refused: " + what.substr(what.find(name)) + "\n";  // from the name on: no machine path
  }
  return text;
}

// Every file of ../shared/configs-real (but zoo/, trainer configs), read as the golden file
// says, which was checked by hand against each tool's documentation: every parameter's
// distribution and bounds, fixed values, metric, goal, budget, sampler and pruner. A file the
// golden file does not know (the shared sample may grow) must load or be refused at its
// file:line:col. HPO_UPDATE_GOLDEN=1 rewrites the golden file instead (review the diff).
TEST(SweepConfigRealFilesTest, EachRealFileReadsAsItsGoldenReading) {
  const std::filesystem::path real = std::string(HPO_SHARED_DIR) + "/configs-real";
  if (!std::filesystem::exists(real))
    GTEST_SKIP() << "../shared/configs-real is absent: real sweep files not checked";
  const std::string golden_path =
      std::string(HPO_SOURCE_DIR) + "/tests/fixtures/real_files_read.txt";
  std::ifstream in(golden_path);
  const std::string golden((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(real)) {
    const std::string name = std::filesystem::relative(entry.path(), real).string();
    if (entry.path().extension() == ".yaml" && name.rfind("zoo/", 0) != 0) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  std::string all;
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const std::string reading = ReadingOf(real / name, name);
    all += reading;
    const size_t at = golden.find("== " + name + "\n");
    if (at == std::string::npos) {
      const size_t refused = reading.find("refused: " + name + ":");
      const bool loaded = reading.find("\nrefused: ") == std::string::npos;
      const bool located =
          refused != std::string::npos &&
          std::isdigit(static_cast<unsigned char>(reading[refused + 10 + name.size()]));
      EXPECT_TRUE(loaded || located) << "a new file is refused without its line:col:\n" << reading;
      continue;
    }
    const size_t end = golden.find("\n== ", at);
    EXPECT_EQ(golden.substr(at, end == std::string::npos ? std::string::npos : end + 1 - at),
              reading);
  }
  if (std::getenv("HPO_UPDATE_GOLDEN")) std::ofstream(golden_path) << all;
}

TEST(SweepConfigTest, WandbProgramAndCommandMacrosAndTheCommandOption) {
  const std::string file =
      WriteTemp("wandb_program.yaml",
                "program: train.py\nmethod: random\nmetric: {name: loss, goal: minimize}\n"
                "parameters:\n  dropout: {min: 0.1, max: 0.5}\n  flag: {value: ~}\n");
  const SweepConfig c = LoadSweepConfig(file);
  EXPECT_EQ(c.command, (std::vector<std::string>{"/usr/bin/env", "python3", "train.py",
                                                 "${args}"}));  // W&B's default
  EXPECT_TRUE(c.fixed.at("flag").is_null());                    // W&B passes flag=None to the run
  const SweepConfig replaced = LoadSweepConfig(
      file, "", SplitCommandLine("${interpreter} ${program} --seed 3 ${args_no_hyphens}"));
  EXPECT_EQ(replaced.command,
            (std::vector<std::string>{"python3", "train.py", "--seed", "3", "${args_no_hyphens}"}));
  EXPECT_EQ(SplitCommandLine(R"(python 'my script.py' --name="a b" x\ y)"),
            (std::vector<std::string>{"python", "my script.py", "--name=a b", "x y"}));
  EXPECT_THROW(SplitCommandLine("python 'open"), UserError);
}

TEST(SweepConfigRealFilesTest, ForeignVocabulariesReadTheirOwnSemantics) {
  const std::string hydra = WriteTemp("hydra.yaml", R"(defaults: [{override hydra/sweeper: optuna}]
hydra:
  sweeper:
    direction: minimize
    n_trials: 12
    sampler: {_target_: optuna.samplers.TPESampler, seed: 7}
    params:
      lr: tag(log, interval(1e-4, 1e-1))
      layers: int(interval(1, 4))
      width: range(16, 64, step=16)
      act: choice(relu, tanh)
      +extra.k: 3
)");
  const SweepConfig h = LoadSweepConfig(hydra, "", {"app", "${args_no_hyphens}"});
  EXPECT_EQ(h.vocabulary.rfind("Hydra", 0), 0u);
  EXPECT_FALSE(h.objectives.maximize);
  EXPECT_EQ(h.n_trials, 12);
  EXPECT_EQ(h.seed, 7u);
  EXPECT_EQ(h.sampler.method, "tpe");
  EXPECT_EQ(Param(h, "lr").numeric.distribution, "loguniform");
  EXPECT_EQ(Param(h, "layers").numeric.distribution, "int_uniform");
  EXPECT_EQ(Param(h, "width").numeric.q, 16);
  EXPECT_EQ(Param(h, "act").choices, (std::vector<Value>{Value("relu"), Value("tanh")}));
  EXPECT_EQ(h.fixed.at("+extra.k"), Value(3));
  const SweepConfig no_sampler = LoadSweepConfig(
      WriteTemp("hydra_default.yaml", "hydra:\n  sweeper:\n    params:\n      x: interval(0, 1)\n"),
      "", {"app", "${args_no_hyphens}"});
  EXPECT_EQ(no_sampler.sampler.method, "tpe");  // the Optuna sweeper's default

  const std::string determined = WriteTemp("determined.yaml", R"(name: x
hyperparameters:
  lr: {type: log, base: 10, minval: -6, maxval: -1}
  units: {type: int, minval: 8, maxval: 64}
  opt: {type: categorical, vals: [adam, sgd]}
  batch: 32
searcher: {name: random, metric: loss, max_trials: 9}
)");
  const SweepConfig d = LoadSweepConfig(determined, "", {"app", "${args}"});
  EXPECT_FALSE(d.objectives.maximize);  // smaller_is_better defaults to true
  EXPECT_EQ(d.n_trials, 9);
  EXPECT_DOUBLE_EQ(Param(d, "lr").numeric.min, 1e-6);  // exponents
  EXPECT_DOUBLE_EQ(Param(d, "lr").numeric.max, 0.1);

  const std::string katib = WriteTemp("katib.yaml", R"(apiVersion: kubeflow.org/v1beta1
kind: Experiment
spec:
  objective: {type: maximize, goal: 0.99, objectiveMetricName: acc}
  maxTrialCount: 6
  parameters:
    - {name: lr, parameterType: double,
       feasibleSpace: {min: "0.001", max: "0.1", distribution: logUniform}}
    - {name: n, parameterType: int, feasibleSpace: {min: "1", max: "5"}}
)");
  const SweepConfig k = LoadSweepConfig(katib, "", {"app", "${args}"});
  EXPECT_TRUE(k.objectives.maximize);  // objective.type, not goal (a target value)
  EXPECT_EQ(k.objectives.metric, "acc");
  EXPECT_EQ(Param(k, "lr").numeric.distribution, "loguniform");
  EXPECT_DOUBLE_EQ(Param(k, "lr").numeric.min, 0.001);  // quoted numbers
}

struct BadConfig {
  std::string name;
  std::string yaml;
  std::string location;  // expected file:line:col suffix
  std::string message;
};

void PrintTo(const BadConfig& bad, std::ostream* os) { *os << bad.name; }

class SweepConfigBadInputTest : public testing::TestWithParam<BadConfig> {};

TEST(SweepConfigTest, FixedValuesAreCheckedOnTheirOwnNotAgainstDefaults) {
  // batch_size 8192 exceeds the default rollout (8 x 512) but not the searched one: no error.
  const std::string ok = WriteTemp("fixed_big_batch.yaml",
                                   "method: random\nfixed:\n  batch_size: 8192\nparameters:\n"
                                   "  n_steps: {values: [1024, 2048]}\n");
  EXPECT_EQ(LoadSweepConfig(ok).fixed.at("batch_size"), Value(8192));
  // a custom program's fixed values are its own business
  const std::string custom =
      WriteTemp("fixed_custom.yaml",
                "method: random\ncommand: [./train.sh, \"${args}\"]\nfixed:\n"
                "  batch_size: -64\nparameters:\n  x: {min: 0.0, max: 1.0}\n");
  EXPECT_EQ(LoadSweepConfig(custom).fixed.at("batch_size"), Value(-64));
}

TEST(SweepConfigTest, DistributionTypeNamesAreCaseInsensitive) {
  // As VBot's files write them: capitals, in every spelling of a type.
  const SweepConfig c = LoadSweepConfig(
      WriteTemp("capital_types.yaml",
                "method: random\nparameters:\n"
                "  activation_fn: {type: CATEGORICAL, values: [tanh, relu]}\n"
                "  net_arch: {distribution: Choice, values: [[64, 64], [128]]}\n"
                "  learning_rate: {distribution: LOGUNIFORM, min: 1.0e-5, max: 1.0e-3}\n"
                "  gamma: {type: Uniform, min: 0.9, max: 0.99}\n"
                "  n_epochs: {type: INT, low: 2, high: 8}\n"
                "  batch_size: {distribution: UNIFORM_POW2, min: 32, max: 256}\n"
                "  ent_coef: {type: FLOAT, low: 1.0e-4, high: 0.1, log: true}\n"));
  EXPECT_TRUE(Param(c, "activation_fn").categorical);
  EXPECT_TRUE(Param(c, "net_arch").categorical);
  EXPECT_EQ(Param(c, "learning_rate").numeric.distribution, "loguniform");
  EXPECT_EQ(Param(c, "gamma").numeric.distribution, "uniform");
  EXPECT_EQ(Param(c, "n_epochs").numeric.distribution, "int_uniform");
  EXPECT_EQ(Param(c, "batch_size").numeric.distribution, "uniform_pow2");
  EXPECT_EQ(Param(c, "ent_coef").numeric.distribution, "loguniform");
  // Another tool's type names too (Determined's).
  const SweepConfig determined = LoadSweepConfig(
      WriteTemp("capital_determined.yaml",
                "searcher: {name: random, metric: reward, max_trials: 4}\nhyperparameters:\n"
                "  learning_rate: {type: LOG, minval: -5, maxval: -3}\n"
                "  activation_fn: {type: Categorical, vals: [tanh, relu]}\n"));
  EXPECT_EQ(Param(determined, "learning_rate").numeric.distribution, "loguniform");
  EXPECT_TRUE(Param(determined, "activation_fn").categorical);
}

TEST(SweepConfigTest, EveryMetricHpoTrainWritesLoadsAndACustomProgramsIsItsOwn) {
  for (const std::string metric :
       {"final_mean_reward", "reward", "mean_reward", "episode_reward_mean", "std", "success_rate",
        "mean_episode_length", "episodes", "training_time", "total_timesteps", "sps",
        "time_to_solve", "steps_to_solve", "time_env_step", "time_policy_rollout", "time_update",
        "time_eval"}) {
    const std::string path = WriteTemp(
        "metric.yaml", "metric: " + metric + "\nparameters:\n  gamma: {min: 0.9, max: 0.99}\n");
    EXPECT_EQ(LoadSweepConfig(path).objectives.metric, metric);
  }
  const std::string custom = WriteTemp("custom_metric.yaml",
                                       "metric: val_loss\ncommand: [./train.sh, \"${args}\"]\n"
                                       "parameters:\n  x: {min: 0.0, max: 1.0}\n");
  EXPECT_EQ(LoadSweepConfig(custom).objectives.metric, "val_loss");
}

// `objective:` with `metric_name:` (issue 38): the expression is the study's metric, stored and
// compared; the name is a label that is stored but may change.
TEST(SweepConfigTest, AnExpressionMetricIsStoredWithItsLabelAndOnlyTheExpressionIsTheStudy) {
  const std::string path =
      WriteTemp("objective.yaml",
                "objective: \"0.7*final_mean_reward + 0.3*success_rate\"\nmetric_name: composite\n"
                "parameters:\n  gamma: {min: 0.9, max: 0.99}\n");
  const SweepConfig c = LoadSweepConfig(path);
  EXPECT_EQ(c.objectives.metric, "0.7*final_mean_reward + 0.3*success_rate");
  EXPECT_EQ(c.objectives.label, "composite");
  const SweepConfig stored = ParseSweepConfig(c.ToYaml(), "stored", "objective");
  EXPECT_EQ(stored.objectives.metric, c.objectives.metric);
  EXPECT_EQ(stored.objectives.label, "composite");
  SweepConfig relabelled = c;
  relabelled.objectives.label = "blend";
  EXPECT_TRUE(StudyChanges(c, relabelled).empty());
  SweepConfig reweighted = c;
  reweighted.objectives.metric = "0.5*final_mean_reward + 0.5*success_rate";
  EXPECT_EQ(StudyChanges(c, reweighted),
            std::vector<std::string>{"metric: 0.7*final_mean_reward + 0.3*success_rate -> "
                                     "0.5*final_mean_reward + 0.5*success_rate"});
}

TEST_P(SweepConfigBadInputTest, ClearMessageWithFileLineColumn) {
  const BadConfig& bad = GetParam();
  const std::string path = WriteTemp("bad_" + bad.name + ".yaml", bad.yaml);
  try {
    LoadSweepConfig(path);
    FAIL() << "no error for " << bad.name;
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(path + ":" + bad.location + ": ", 0), 0u) << what;
    EXPECT_NE(what.find(bad.message), std::string::npos) << what;
  }
}

const std::string kHead = "method: random\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, SweepConfigBadInputTest,
    testing::Values(
        // found by fuzz/sweep_config_fuzz.cc: such keys were stored as other keys, so the study's
        // stored config was another sweep
        BadConfig{"invalid_utf8",
                  kHead + "parameters:\n  opt:\n    kind\xd8: [adam, sgd]\n  x: {min: 0, max: 1}\n",
                  "4:9", "the byte 0xd8, which is not UTF-8: YAML files are printable UTF-8 text"},
        BadConfig{"lone_carriage_return",
                  kHead + "fixed:\n  n_envs: 8\r\r\nparameters:\n  gamma: {min: 0.9, max: 0.99}\n",
                  "3:12", "a carriage return without a line feed"},
        BadConfig{"control_character", kHead + "parameters:\n  lr\v: {min: 0.1, max: 0.2}\n", "3:5",
                  "the control character U+000B: YAML files are printable UTF-8 text"},
        // found by fuzz/sweep_config_fuzz.cc: fixed values written under parameters: were not
        // checked, and the stored config (which lists them under fixed:) no longer loaded
        BadConfig{"bare_fixed_value",
                  kHead + "parameters:\n  ent_coef: net_arch\n  gamma: {min: 0.9, max: 0.99}\n",
                  "3:13", "ent_coef expects a number, got 'net_arch'"},
        BadConfig{
            "wandb_value",
            kHead + "parameters:\n  ent_coef: {value: net_arch}\n  gamma: {min: 0.9, max: 0.99}\n",
            "3:21", "ent_coef expects a number, got 'net_arch'"},
        // no hpo train key takes null or a mapping (W&B's and Optuna's values may be either)
        BadConfig{"null_choice_of_a_trainer_key",
                  kHead + "parameters:\n  target_kl: {values: [null, 0.01]}\n", "3:3",
                  "target_kl expects a number, got 'null'"},
        BadConfig{"mapping_constant_of_a_trainer_key",
                  kHead + "parameters:\n  gamma: {value: {a: 1}}\n  lr: {min: 0.1, max: 0.2}\n",
                  "3:18", "gamma expects a number, got '{a: 1}'"},
        BadConfig{
            "null_fixed_trainer_key",
            kHead + "fixed:\n  target_kl: null\nparameters:\n  gamma: {min: 0.9, max: 0.99}\n",
            "3:14", "target_kl expects a number, got 'null'"},
        // every trial's hpo train would refuse it: refused once, where it is written
        BadConfig{"key_of_another_algorithm",
                  kHead + "fixed:\n  algorithm: SAC\n  env_id: Pendulum-v1\nparameters:\n"
                          "  tau: {min: 0.001, max: 0.02}\n  clip_range: {min: 0.1, max: 0.3}\n",
                  "7:3", "clip_range does not apply to algorithm sac (it is read by ppo)"},
        BadConfig{"key_of_sac_under_ppo", kHead + "parameters:\n  tau: {min: 0.001, max: 0.02}\n",
                  "3:3", "tau does not apply to algorithm ppo (it is read by sac)"},
        // found by fuzz/sweep_config_fuzz.cc (UBSan): a count beyond int64 was converted anyway
        BadConfig{"huge_count",
                  "n_trials: 1.0e+300\n" + kHead + "parameters:\n  gamma: {min: 0.9, max: 0.99}\n",
                  "1:11", "n_trials must be at most 2147483647, got 1.0e+300"},
        BadConfig{"huge_steps",
                  "pruner: {type: median, n_warmup_steps: 4.4e+104}\n" + kHead +
                      "parameters:\n  gamma: {min: 0.9, max: 0.99}\n",
                  "1:40", "pruner.n_warmup_steps must be at most"},
        BadConfig{"nan_timeout",
                  "timeout: .nan\n" + kHead + "parameters:\n  gamma: {min: 0.9, max: 0.99}\n",
                  "1:10",
                  "timeout must be a duration (45s, 30m, 12h, 1h30m) or seconds >= 0, got '.nan'"},
        BadConfig{
            "unit_timeout",
            "timeout: 12 hours\n" + kHead + "parameters:\n  gamma: {min: 0.9, max: 0.99}\n", "1:10",
            "timeout must be a duration (45s, 30m, 12h, 1h30m) or seconds >= 0, got '12 hours'"},
        BadConfig{
            "negative_timeout",
            "timeout_per_trial: -5\n" + kHead + "parameters:\n  gamma: {min: 0.9, max: 0.99}\n",
            "1:20",
            "timeout_per_trial must be a duration (45s, 30m, 12h, 1h30m) or seconds >= 0, got "
            "'-5'"},
        // found by fuzz/sweep_config_fuzz.cc: W&B's early_terminate skipped the pruner's checks
        BadConfig{"early_terminate_max_iter_without_s",
                  "early_terminate: {type: hyperband, min_iter: 31, max_iter: 27}\n" + kHead +
                      "parameters:\n  gamma: {min: 0.9, max: 0.99}\n",
                  "1:18", "early_terminate has max_iter without s"},
        // W&B's own refusals of its early termination
        BadConfig{"early_terminate_no_band",
                  "metric: loss\nearly_terminate: {type: hyperband, max_iter: 2, s: 1}\n" + kHead +
                      "parameters:\n  gamma: {min: 0.9, max: 0.99}\n",
                  "2:18", "early_terminate gives no band"},
        BadConfig{"early_terminate_float_s",
                  "metric: loss\nearly_terminate: {type: hyperband, max_iter: 27, s: 2.0}\n" +
                      kHead + "parameters:\n  gamma: {min: 0.9, max: 0.99}\n",
                  "2:53", "early_terminate.s must be a whole number written without a point"},
        BadConfig{"early_terminate_without_metric",
                  "early_terminate: {type: hyperband, min_iter: 3}\n" + kHead +
                      "parameters:\n  gamma: {min: 0.9, max: 0.99}\n",
                  "1:18", "early_terminate needs a metric"},
        BadConfig{"early_terminate_unknown_type",
                  "metric: loss\nearly_terminate: {type: asha, min_iter: 3}\n" + kHead +
                      "parameters:\n  gamma: {min: 0.9, max: 0.99}\n",
                  "2:25", "unknown early_terminate.type 'asha'"},
        // found by the sweep-config fuzzer in CI: a negative cost cap became a negative per-trial
        // limit, which the stored config then refused
        BadConfig{"negative_cost",
                  "protein: {max_suggestion_cost: -3600}\n" + kHead +
                      "parameters:\n  gamma: {min: 0.9, max: 0.99}\n",
                  "1:32", "protein.max_suggestion_cost must be > 0 seconds, got -3600"},
        BadConfig{"seeds_per_trial_zero",
                  "seeds_per_trial: 0\n" + kHead + "parameters:\n  gamma: {min: 0.9, max: 0.99}\n",
                  "1:18", "seeds_per_trial"},
        BadConfig{"unknown_aggregate",
                  "seeds_per_trial: 3\naggregate: average\n" + kHead +
                      "parameters:\n  gamma: {min: 0.9, max: 0.99}\n",
                  "2:12", "aggregate must be mean, median, min, max or iqm, not 'average'"},
        BadConfig{"searched_seed_with_seeds_per_trial",
                  "seeds_per_trial: 3\n" + kHead +
                      "parameters:\n  gamma: {min: 0.9, max: 0.99}\n  seed: {values: [1, 2]}\n",
                  "5:3",
                  "seed is searched, but seeds_per_trial: 3 trains each trial on 3 seeds of its "
                  "own"},
        BadConfig{"min_gt_max",
                  kHead + "parameters:\n  gamma: {distribution: uniform, min: 0.99, max: 0.9}\n",
                  "3:3", "min 0.99 is greater than max 0.9"},
        BadConfig{
            "log_min",
            kHead + "parameters:\n  learning_rate: {distribution: log_normal, min: 0, max: 0.1}\n",
            "3:3", "needs min > 0"},
        BadConfig{
            "logit_range",
            kHead + "parameters:\n  gamma: {distribution: logit_normal, min: 0.5, max: 1.0}\n",
            "3:3", "0 < min <= max < 1"},
        BadConfig{"empty_choices", kHead + "parameters:\n  batch_size: {values: []}\n", "3:24",
                  "at least one choice"},
        BadConfig{"unknown_distribution",
                  kHead + "parameters:\n  gamma: {distribution: triangular, min: 0.9, max: 0.99}\n",
                  "3:3", "unknown distribution 'triangular'"},
        BadConfig{"probabilities_in_grid",
                  "method: grid\nparameters:\n  gamma:\n    values: [0.9, 0.99]\n    "
                  "probabilities: [0.5, 0.5]\n",
                  "3:3", "gamma: a grid runs each value once, so probabilities mean nothing"},
        BadConfig{"probabilities_not_summing_to_one",
                  kHead + "parameters:\n  gamma: {values: [0.9, 0.99], probabilities: [0.5, "
                          "0.6]}\n",
                  "3:47", "gamma: the probabilities sum to 1.1, not 1 (as W&B asks)"},
        BadConfig{"beta_with_bounds",
                  kHead + "parameters:\n  gamma: {distribution: beta, min: 0.9, max: 0.99}\n",
                  "3:10", "gamma: W&B's beta lies on [0, 1] and takes a and b, not min and max"},
        BadConfig{
            "mean_outside",
            kHead +
                "parameters:\n  gamma: {distribution: uniform, min: 0.9, max: 0.99, mean: 0.5}\n",
            "3:3", "mean 0.5 is outside [0.9, 0.99]"},
        BadConfig{
            "constraint_syntax",
            kHead + "parameters:\n  gamma: {min: 0.9, max: 0.99}\nconstraints:\n  - \"gamma > \"\n",
            "5:5", "expected a value"},
        BadConfig{"constraint_unknown",
                  kHead + "parameters:\n  gamma: {min: 0.9, max: 0.99}\nconstraints:\n  - \"gamma "
                          "> 0.95 and colour == 1\"\n",
                  "5:5", "unknown parameter 'colour'"},
        // hpo train's default for it would be read, silently
        BadConfig{"constraint_reads_a_default",
                  kHead + "parameters:\n  gamma: {min: 0.9, max: 0.99}\nconstraints:\n  - \"gamma "
                          "> 0.95 and n_epochs > 8\"\n",
                  "5:5",
                  "'n_epochs' is set by no part of this sweep (not searched, not fixed): search "
                  "it or fix it (it would read hpo train's default) at column 18"},
        BadConfig{"duplicate_parameter",
                  kHead + "parameters:\n  lr: {min: 0.001, max: 0.01}\n  learning_rate: {min: "
                          "0.001, max: 0.01}\n",
                  "4:3",
                  "'learning_rate' names hpo train's learning_rate, which the parameter at "},
        BadConfig{"duplicate_parameter_with_a_command",
                  "method: random\ncommand: [./t, \"${args}\"]\nparameters:\n  lr: {min: 0.001, "
                  "max: 0.01}\n  lr: {min: 0.001, max: 0.01}\n",
                  "5:3", "duplicate parameter 'lr'"},
        BadConfig{"unknown_top_level",
                  kHead + "n_trails: 5\nparameters:\n  gamma: {min: 0.9, max: 0.99}\n", "2:1",
                  "unknown key 'n_trails' at the top level (did you mean 'n_trials'?)"},
        BadConfig{"yaml_syntax", kHead + "parameters:\n  gamma: {min: 0.9, max: 0.99\n", "4:1",
                  "YAML syntax error"},
        BadConfig{"bounded_normal",
                  kHead + "parameters:\n  learning_rate: {distribution: normal, min: 0.0, max: "
                          "0.01, mean: 0.001}\n",
                  "3:18",
                  "learning_rate: 'normal' with min and max is no W&B or Protein distribution; for "
                  "a linear range searched "
                  "around a centre write distribution: uniform with mean:"},
        BadConfig{"optuna_step_zero",
                  kHead + "searchable:\n  n_epochs: {type: int, low: 1, high: 9, step: 0}\n",
                  "3:48", "n_epochs: step must be > 0, got 0"},
        BadConfig{"optuna_log_and_step",
                  kHead + "searchable:\n  gamma: {type: float, low: 0.1, high: 0.9, log: true, "
                          "step: 0.1}\n",
                  "3:62", "gamma: a step and log: true exclude each other (as in Optuna)"},
        BadConfig{"wandb_q_without_distribution",
                  kHead + "parameters:\n  n_epochs: {min: 1, max: 9, q: 2}\n", "3:13",
                  "n_epochs: q needs a distribution"},
        BadConfig{"int_one_value", kHead + "parameters:\n  n_epochs: {min: 4, max: 4}\n", "3:3",
                  "n_epochs: int_uniform [4, 4] has one value; write it as a fixed value (W&B: "
                  "value: 4)"},
        BadConfig{"katib_int_one_value",
                  "kind: Experiment\nspec:\n  parameters:\n    - name: n_epochs\n      "
                  "parameterType: int\n"
                  "      feasibleSpace: {min: \"3\", max: \"3\"}\n",
                  "4:13", "n_epochs: int_uniform [3, 3] has one value"},
        BadConfig{
            "several_unknown_keys",
            kHead +
                "parameters:\n  lernrate: {min: 0.001, max: 0.01}\n  gama: {min: 0.9, max: 0.99}\n",
            "3:3",
            "2 parameters are not hpo train keys: 'lernrate' (did you mean 'learning_rate'?), "
            "'gama' (did you "
            "mean 'gamma'?) at 4:3; for another trainer, pass --command"},
        BadConfig{
            "pow2_one_power",
            kHead + "parameters:\n  n_steps: {distribution: uniform_pow2, min: 15, max: 19}\n",
            "3:12",
            "n_steps: uniform_pow2 [15, 19] holds only 16 as values; if these are exponents write "
            "min: 32768, max: 524288"},
        BadConfig{"not_a_trainer_key", kHead + "parameters:\n  lernrate: {min: 0.001, max: 0.01}\n",
                  "3:3",
                  "'lernrate' is not an hpo train key (did you mean 'learning_rate'?); for another "
                  "trainer, pass --command"},
        BadConfig{"unknown_spec_key",
                  kHead + "parameters:\n  gamma: {min: 0.9, max: 0.99, stride: 0.01}\n", "3:32",
                  "unknown key 'gamma.stride'"},
        BadConfig{"fixed_and_searched",
                  kHead + "fixed:\n  gamma: 0.99\nparameters:\n  gamma: {min: 0.9, max: 0.99}\n",
                  "5:3", "duplicate parameter 'gamma'"},
        // hpo train never writes it: every trial would fail after its whole run
        BadConfig{"metric_typo",
                  kHead + "metric: final_mean_rewrd\nparameters:\n  gamma: {min: 0.9, max: 0.99}\n",
                  "2:9",
                  "metric 'final_mean_rewrd' is never written by hpo train (did you mean "
                  "'final_mean_reward'?): its results have final_mean_reward, std, success_rate"},
        BadConfig{"wandb_metric_typo",
                  kHead + "metric: {name: val_loss, goal: minimize}\nparameters:\n  gamma: {min: "
                          "0.9, max: 0.99}\n",
                  "2:16", "metric 'val_loss' is never written by hpo train: its results have"},
        BadConfig{"objective_typo",
                  kHead + "metrics:\n  - {name: reward, goal: maximize}\n  - {name: "
                          "training_tme, goal: minimize}\nparameters:\n  gamma: {min: 0.9, max: "
                          "0.99}\n",
                  "3:3",
                  "metric 'training_tme' is never written by hpo train (did you mean "
                  "'training_time'?)"},
        // in an expression, each name is checked, and the error gives its column
        BadConfig{"expression_name_typo",
                  kHead + "metric: \"0.7*final_mean_rewrd + 0.3*success_rate\"\nparameters:\n  "
                          "gamma: {min: 0.9, max: 0.99}\n",
                  "2:9",
                  "metric \"0.7*final_mean_rewrd + 0.3*success_rate\": 'final_mean_rewrd' is "
                  "never written by hpo train (did you mean 'final_mean_reward'?) at column 5"},
        BadConfig{"expression_objective_typo",
                  kHead + "metrics:\n  - {name: reward, goal: maximize}\n  - {name: "
                          "\"training_time + 2*sps_x\", goal: minimize}\nparameters:\n  gamma: "
                          "{min: 0.9, max: 0.99}\n",
                  "3:3",
                  "'sps_x' is never written by hpo train (did you mean 'sps'?) at column 19"},
        BadConfig{"metric_twice",
                  kHead + "metric: reward\nobjective: \"reward + 1\"\nparameters:\n  gamma: "
                          "{min: 0.9, max: 0.99}\n",
                  "3:12", "give the metric once: objective repeats metric"},
        BadConfig{"metric_name_of_a_name",
                  kHead + "metric: success_rate\nmetric_name: solved\nparameters:\n  gamma: "
                          "{min: 0.9, max: 0.99}\n",
                  "3:14", "metric_name names an expression"},
        BadConfig{"metric_name_of_objectives",
                  kHead + "metrics: [reward, training_time]\ndirections: [maximize, minimize]\n"
                          "metric_name: both\nparameters:\n  gamma: {min: 0.9, max: 0.99}\n",
                  "4:14", "metric_name names one expression metric"},
        BadConfig{"bad_goal",
                  kHead + "goal: maximise\nparameters:\n  gamma: {min: 0.9, max: 0.99}\n", "2:7",
                  "goal must be maximize or minimize"},
        BadConfig{"bad_pruner",
                  kHead + "pruner: {type: median, percentile: 150}\nparameters:\n  gamma: {min: "
                          "0.9, max: 0.99}\n",
                  "2:9", "percentile must be in [0, 100]"},
        // fixed values are checked against hpo train's keys at load, where they are written
        BadConfig{
            "fixed_out_of_range",
            kHead + "fixed:\n  batch_size: -64\nparameters:\n  gamma: {min: 0.9, max: 0.99}\n",
            "3:15", "batch_size must be positive, got -64"},
        BadConfig{"fixed_wrong_type",
                  kHead + "fixed:\n  lr: fast\nparameters:\n  gamma: {min: 0.9, max: 0.99}\n",
                  "3:7", "learning_rate expects a number, got 'fast'"},
        BadConfig{
            "fixed_bad_activation",
            kHead + "fixed:\n  activation_fn: gelu\nparameters:\n  gamma: {min: 0.9, max: 0.99}\n",
            "3:18", "activation_fn must be tanh or relu, got 'gelu'"},
        // an infeasible space is reported at load, at the constraint that rejects the draws
        BadConfig{
            "infeasible",
            kHead +
                "parameters:\n  gamma: {min: 0.1, max: 0.4}\nconstraints:\n  - \"gamma < 0.05\"\n"
                "  - \"gamma > 0.05\"\n",
            "6:5",
            "the constraints look infeasible: all 2000 random draws were rejected, 2000 of them by "
            "'gamma > 0.05'"},
        // a preset is checked even when another one (or none) is selected
        BadConfig{
            "preset_unknown_key",
            kHead +
                "parameters:\n  gamma: {min: 0.9, max: 0.99}\npresets:\n  fast:\n    parameters:\n"
                "      lernrate: {min: 0.001, max: 0.01}\n",
            "7:7",
            "'lernrate' is not an hpo train key (did you mean 'learning_rate'?); for another "
            "trainer, pass "
            "--command 'PROGRAM ${args}' (any name is then allowed) (in preset 'fast')"},
        // a file of W&B's words only gets W&B's checks
        // (lib/config/vocabularies/wandb_vocabulary.cc)
        BadConfig{"wandb_no_method", "parameters:\n  gamma: {values: [0.9, 0.99]}\n", "1:1",
                  "a W&B sweep needs a method: (bayes, random or grid)"},
        BadConfig{"wandb_custom_method",
                  "method: custom\nmetric: {name: final_mean_reward}\nparameters:\n  gamma: "
                  "{values: [0.9, 0.99]}\n",
                  "1:9", "method: custom hands the search to your own W&B Launch scheduler"},
        BadConfig{"wandb_bare_null",
                  kHead + "parameters:\n  gamma: {values: [0.9]}\n  clip_range:\n", "4:3",
                  "clip_range has no specification: W&B refuses it; write {value: null}"},
        BadConfig{"wandb_bayes_without_metric",
                  "method: bayes\nparameters:\n  gamma: {values: [0.9, 0.99]}\n", "1:9",
                  "method: bayes needs a metric: {name, goal} to model, as in W&B"},
        BadConfig{
            "wandb_int_uniform_float_bound",
            kHead + "parameters:\n  n_epochs: {distribution: int_uniform, min: 3.0, max: 9}\n",
            "3:46",
            "n_epochs.min: int_uniform takes integer bounds, as W&B's schema asks, "
            "not '3.0'"},
        BadConfig{"wandb_log_uniform_exponents",
                  kHead + "n_trials: 4\nparameters:\n  learning_rate: {distribution: log_uniform, "
                          "min: -9.21, max: -2.3}\n",
                  "4:33",
                  "learning_rate: log_uniform takes base-e exponents, which W&B no longer accepts: "
                  "write distribution: log_uniform_values with min: 0.00010003404299092957 and "
                  "max: 0.10025884372280375"},
        BadConfig{"wandb_controller_type",
                  kHead + "controller: {type: remote}\nparameters:\n  gamma: {values: [0.9]}\n",
                  "2:20", "controller.type must be local or cloud, as in W&B, not 'remote'"},
        BadConfig{"wandb_scheduler_code",
                  kHead + "scheduler: {engine: wandb, source: sched.py}\nparameters:\n  gamma: "
                          "{values: [0.9]}\n",
                  "2:28", "scheduler.source names your own W&B Launch scheduler code"},
        BadConfig{"wandb_scheduler_with_early_terminate",
                  "method: random\nmetric: {name: final_mean_reward}\nscheduler: {engine: "
                  "wandb}\nearly_terminate: {type: hyperband, min_iter: 3}\nparameters:\n  "
                  "gamma: {values: [0.9]}\n",
                  "4:18", "early_terminate cannot be used together with scheduler:"}),
    [](const testing::TestParamInfo<BadConfig>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace hpo::config
