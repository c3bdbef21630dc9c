// Orion's priors (lib/config/vocabularies/orion_vocabulary.cc): in a program's own config
// (`orion~uniform(0, 1)`) and in the Hydra Orion sweeper's params, each read as Orion's
// DimensionBuilder builds it (github:Epistimio/orion src/orion/core/io/space_builder.py and
// src/orion/algo/space/__init__.py at 1b20511c; the case file tests/conformance/cases/orion/
// records Orion's own dimensions for the same expressions).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "lib/config/sweep_config.h"
#include "tests/support/test_dir.h"
#include "tests/support/user_error.h"

namespace hpo::config {
namespace {

using testing_support::UserErrorOf;

const std::string kOrion = std::string(HPO_SOURCE_DIR) + "/tests/fixtures/vocabularies/orion/";
const std::vector<std::string> kCommand = {"./train", "${args}"};

SweepConfig Load(const std::string& path) { return LoadSweepConfig(path, "", kCommand, {}); }

std::string Written(const std::string& name, const std::string& text) {
  std::string path = (testing_support::OwnTestDir("files") / name).string();
  std::ofstream(path) << text;
  return path;
}

std::string Described(const SweepConfig& c, const std::string& name) {
  for (const ParameterSpec& p : c.parameters) {
    if (p.name == name) return DescribeParameter(p);
  }
  return "(no parameter " + name + ")";
}

bool Has(const std::vector<std::string>& list, const std::string& text) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& s) { return s.find(text) != std::string::npos; });
}

// The error loading `text` (a program config, or a Hydra file) gives, without the temp path.
std::string Refusal(const std::string& text) {
  const std::string path = Written("orion_refusal.yaml", text);
  std::string error = UserErrorOf([&] { Load(path); });
  if (error.rfind(path, 0) == 0) error = error.substr(path.size());
  return error;
}

TEST(OrionVocabularyTest, ProgramConfigPriorsAreOrionsDimensions) {
  const SweepConfig c = Load(kOrion + "program_config.yaml");
  EXPECT_EQ(c.vocabulary, "Orion priors in a program's config (orion~)");
  EXPECT_EQ(c.sampler.method, "random");        // Orion's default algorithm
  EXPECT_EQ(c.objectives.metric, "objective");  // report_objective's name
  EXPECT_FALSE(c.objectives.maximize);
  EXPECT_EQ(Described(c, "optimizer.name"), "categorical [adam, sgd]");
  EXPECT_EQ(Described(c, "optimizer.lr"), "loguniform [1e-05, 1.0]");
  EXPECT_EQ(Described(c, "optimizer.momentum"), "uniform [0.8, 0.99]");
  // uniform(a, b) is [a, b]; discrete=True: every integer of [floor(a), ceil(b)]
  EXPECT_EQ(Described(c, "model.layers"), "int_uniform [4.0, 16.0]");
  EXPECT_EQ(Described(c, "model.width"), "int_loguniform [16.0, 256.0]");
  EXPECT_EQ(Described(c, "model.init_scale"), "normal mu 0.0 sigma 0.5");
  // floor(N(3, 1)) is round(N(2.5, 1))
  EXPECT_EQ(Described(c, "model.shift"), "q_normal mu 2.5 sigma 1.0");
  EXPECT_EQ(Described(c, "model.activation"),
            "categorical [relu, tanh, gelu] probabilities [0.5, 0.3, 0.2]");
  EXPECT_EQ(Described(c, "model.dropout"), "uniform [0.0, 0.5]");
  EXPECT_EQ(c.parameters.size(), 9u);
  // the fidelity's whole budget, with no multi-fidelity algorithm to give less
  EXPECT_EQ(c.fixed.at("epochs"), Value(100));
  EXPECT_TRUE(Has(c.ignored, "dataset"));
  EXPECT_TRUE(Has(c.ignored, "model.dropout (default_value)"));
  EXPECT_TRUE(Has(c.notes, "epochs: fidelity(10, 100, base=4)"));
  // precision=None: momentum is not rounded; the others are, to 4 digits
  EXPECT_TRUE(Has(c.notes, "Orion rounds optimizer.lr, model.init_scale, model.dropout to 4"));
}

TEST(OrionVocabularyTest, MarkersOfOrionsBranchingAreReadAsOrionReadsThem) {
  const SweepConfig c = Load(Written("orion_markers.yaml", R"(lr: 'orion~+uniform(0, 1)'
old: 'orion~-'
renamed: 'orion~>lr2'
path: 'x~choices(1, 2)'
)"));
  EXPECT_EQ(Described(c, "lr"), "uniform [0.0, 1.0]");              // '+': an added dimension
  EXPECT_EQ(Described(c, "path"), "categorical [1, 2]");            // any prefix before '~'
  EXPECT_TRUE(Has(c.ignored, "old") && Has(c.ignored, "renamed"));  // not built
}

TEST(OrionVocabularyTest, PriorsHpoCannotHonourAreRefusedAtTheirLine) {
  // each says what to write instead (conformance: orion/space/choices-arguments-shape,
  // scipy-prior-alpha and scipy-prior-poisson, deliberate differences)
  EXPECT_EQ(Refusal("a: 1\nlr: 'orion~uniform(0, 1, shape=3)'\n"),
            ":2:5: lr: Orion prior 'uniform(0, 1, shape=3)': shape= makes the value a tensor (a "
            "list) of draws, which hpo cannot pass as one parameter: write one prior per element "
            "(lr_0, lr_1, ...) and build the list in the program");
  EXPECT_EQ(Refusal("x: 'orion~normal(0, 1, low=-1)'\n"),
            ":1:4: x: Orion prior 'normal(0, 1, low=-1)': low= truncates the prior "
            "(Real.__init__, by redrawing), which hpo cannot: give the range to uniform(a, b) or "
            "loguniform(a, b), or drop low=");
  EXPECT_EQ(Refusal("x: orion~poisson(5)\n"),
            ":1:4: x: Orion prior 'poisson(5)': hpo reads Orion's uniform, loguniform, normal, "
            "gaussian, choices and fidelity; Orion would look this name up in scipy.stats "
            "(space_builder.py:223), whose other laws hpo has no form of: write one of those over "
            "the range you mean (uniform(a, b), with discrete=True for integers; loguniform(a, "
            "b); normal(loc, scale); choices([...]))");
  EXPECT_EQ(Refusal("x: orion~randint(1, 5)\n"),
            ":1:4: x: Orion prior 'randint(1, 5)': Orion refuses randint; write uniform(a, b, "
            "discrete=True)");
  EXPECT_EQ(Refusal("x: orion~beta(2, 3)\n"),
            ":1:4: x: Orion prior 'beta(2, 3)': hpo reads Orion's uniform, loguniform, normal, "
            "gaussian, choices and fidelity; Orion would look this name up in scipy.stats "
            "(space_builder.py:223), whose other laws hpo has no form of: write one of those over "
            "the range you mean (uniform(a, b), with discrete=True for integers; loguniform(a, "
            "b); normal(loc, scale); choices([...]))");
  EXPECT_EQ(Refusal("x: \"orion~choices({'a': 0.5, 'b': 0.4})\"\n"),
            ":1:4: x: Orion prior 'choices({'a': 0.5, 'b': 0.4})': probabilities sum to 0.9, "
            "not 1");
  EXPECT_EQ(Refusal("x: orion~uniform(1, np.exp(2))\n"),
            ":1:4: x: Orion prior 'uniform(1, np.exp(2))': 'np' is not a Python literal (hpo "
            "reads literal arguments only)");
  EXPECT_EQ(Refusal("x: orion~uniform(2, 1)\n"),
            ":1:4: x: Orion prior 'uniform(2, 1)': needs low < high");
  EXPECT_EQ(Refusal("x: orion~loguniform(0.5, 8, discrete=True)\n"),
            ":1:4: x: Orion prior 'loguniform(0.5, 8, discrete=True)': discrete loguniform can "
            "draw 0: needs low >= 1");
}

TEST(OrionVocabularyTest, HydraOrionSweeperMapsHyperbandToThePrunerOnItsFidelity) {
  const SweepConfig c = Load(kOrion + "hydra_orion.yaml");
  EXPECT_EQ(c.vocabulary, "Hydra Orion sweeper (hydra.sweeper)");
  EXPECT_EQ(c.n_trials, 30);  // worker.max_trials
  EXPECT_EQ(c.n_jobs, 2);     // worker.n_workers
  EXPECT_EQ(c.seed, 1u);      // algorithm.config.seed
  EXPECT_FALSE(c.objectives.maximize);
  EXPECT_EQ(c.sampler.method, "random");
  EXPECT_EQ(c.pruner.method, "hyperband");
  EXPECT_EQ(c.pruner.halving_rule.min_resource, 10);
  EXPECT_EQ(c.pruner.halving_rule.max_resource, 100);
  EXPECT_EQ(c.pruner.halving_rule.reduction_factor, 3);
  EXPECT_EQ(c.fixed.at("epoch"), Value(100));
  EXPECT_EQ(c.fixed.at("data_dir"), Value("/data"));  // a regular argument, passed as given
  EXPECT_EQ(Described(c, "batch_size"), "int_uniform [4.0, 16.0]");
  EXPECT_TRUE(Has(c.notes, "hpo runs each at 100 and prunes it"));
}

TEST(OrionVocabularyTest, HydraOrionIsFoundByItsKeysOrPriorsAndNotReadAsOptuna) {
  const SweepConfig tpe = Load(kOrion + "hydra_orion_tpe.yaml");
  EXPECT_EQ(tpe.vocabulary, "Hydra Orion sweeper (hydra.sweeper)");
  EXPECT_EQ(tpe.sampler.method, "tpe");
  EXPECT_EQ(tpe.objectives.metric, "val_loss");
  EXPECT_EQ(Described(tpe, "x"), "normal mu 0.0 sigma 2.0");
  const SweepConfig priors_only = Load(Written("hydra_orion_priors.yaml", R"yaml(hydra:
  sweeper:
    parametrization:
      lr: "loguniform(1e-4, 1e-1)"
      asha: "choices(['a', 'b'])"
)yaml"));
  EXPECT_EQ(priors_only.vocabulary, "Hydra Orion sweeper (hydra.sweeper)");
  EXPECT_EQ(Described(priors_only, "lr"), "loguniform [0.0001, 0.1]");
  EXPECT_EQ(Refusal("hydra:\n  sweeper:\n    algorithm: {type: asha}\n    params:\n"
                    "      lr: uniform(0, 1)\n"),
            ":3:16: Orion's asha needs a fidelity() dimension in hydra.sweeper.params "
            "(hyperband.py:487)");
  EXPECT_EQ(Refusal("hydra:\n  sweeper:\n    worker: {max_trials: 3}\n    params:\n"
                    "      lr: expon(1)\n"),
            ":5:11: lr: 'expon(1)' is not one of Orion's priors (uniform, loguniform, normal, "
            "choices, fidelity); Orion builds it if scipy.stats has that name, else passes the "
            "text to the task: write one of those priors over the range you mean, or set a plain "
            "value in the task's own config");
}

}  // namespace
}  // namespace hpo::config
