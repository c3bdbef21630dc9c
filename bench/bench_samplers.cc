// Sampler benchmark: simple regret after 20/40/TRIALS trials on standard functions, SEEDS seeds
// each, and time per suggest with 100/1000/5000 finished trials. Prints one JSON object.
//   bench_samplers [seeds] [trials]      (seeds 0: only the time per suggest)
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "lib/samplers/sampler_factory.h"
#include "lib/space/distribution.h"

namespace {

using hpo::Origin;
using hpo::ParamSet;
using hpo::Value;
using namespace hpo::samplers;

struct Problem {
  std::string name;
  std::function<hpo::space::SearchSpace()> space;
  std::function<double(const ParamSet&)> f;  // minimised
  double optimum;
  double noise = 0;  // standard deviation of the noise the sampler sees (not the regret)
};

// lr 3e-4, gamma 0.995, 10 epochs, batch 64, clip 0.2 is the optimum (0).
double MixedRl(double lr, double gamma, int64_t n_epochs, int64_t batch, double clip) {
  const double batch_penalty = batch == 32 ? 0.5 : batch == 64 ? 0.0 : batch == 128 ? 0.2 : 0.6;
  return std::pow(std::log10(lr) - std::log10(3e-4), 2) +
         0.5 * std::pow(std::log10(1 - gamma) - std::log10(0.005), 2) +
         std::pow((static_cast<double>(n_epochs) - 10) / 5, 2) + batch_penalty +
         10 * std::pow(clip - 0.2, 2);
}

hpo::space::SearchSpace Uniforms(const std::string& prefix, int n, double lo, double hi,
                                 const std::string& kind = "uniform") {
  hpo::space::SearchSpace s;
  for (int i = 0; i < n; ++i)
    s.AddParameter(fmt::format("{}{}", prefix, i),
                   hpo::space::MakeNumeric({kind, lo, hi, {}, {}, 1}, Origin{}));
  return s;
}

std::vector<Problem> Problems() {
  std::vector<Problem> problems;
  problems.push_back(
      {"branin",
       [] {
         hpo::space::SearchSpace s;
         s.AddParameter("x0", hpo::space::MakeNumeric({"uniform", -5, 10, {}, {}, 1}, Origin{}));
         s.AddParameter("x1", hpo::space::MakeNumeric({"uniform", 0, 15, {}, {}, 1}, Origin{}));
         return s;
       },
       [](const ParamSet& p) {
         const double pi = std::numbers::pi, x1 = p.at("x0").as_double(),
                      x2 = p.at("x1").as_double();
         return std::pow(x2 - 5.1 / (4 * pi * pi) * x1 * x1 + 5 / pi * x1 - 6, 2) +
                10 * (1 - 1 / (8 * pi)) * std::cos(x1) + 10;
       },
       0.397887});
  problems.push_back({"hartmann6", [] { return Uniforms("x", 6, 0, 1); },
                      [](const ParamSet& p) {
                        static const double a[4] = {1.0, 1.2, 3.0, 3.2};
                        static const double A[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                                       {0.05, 10, 17, 0.1, 8, 14},
                                                       {3, 3.5, 1.7, 10, 17, 8},
                                                       {17, 8, 0.05, 10, 0.1, 14}};
                        static const double P[4][6] = {{1312, 1696, 5569, 124, 8283, 5886},
                                                       {2329, 4135, 8307, 3736, 1004, 9991},
                                                       {2348, 1451, 3522, 2883, 3047, 6650},
                                                       {4047, 8828, 8732, 5743, 1091, 381}};
                        double sum = 0;
                        for (int i = 0; i < 4; ++i) {
                          double inner = 0;
                          for (int j = 0; j < 6; ++j) {
                            const double x = p.at(fmt::format("x{}", j)).as_double();
                            inner += A[i][j] * std::pow(x - P[i][j] * 1e-4, 2);
                          }
                          sum += a[i] * std::exp(-inner);
                        }
                        return -sum;
                      },
                      -3.32237});
  problems.push_back({"rosenbrock10_log", [] { return Uniforms("v", 10, 1e-2, 1e2, "loguniform"); },
                      [](const ParamSet& p) {
                        double sum = 0;
                        for (int i = 0; i < 9; ++i) {
                          const double z = std::log10(p.at(fmt::format("v{}", i)).as_double());
                          const double z1 = std::log10(p.at(fmt::format("v{}", i + 1)).as_double());
                          sum += 100 * std::pow(z1 - z * z, 2) + std::pow(1 - z, 2);
                        }
                        return sum;
                      },
                      0.0});
  problems.push_back(
      {"mixed",
       [] {
         hpo::space::SearchSpace s;
         s.AddParameter("n", hpo::space::MakeNumeric({"int_uniform", 1, 20, {}, {}, 1}, Origin{}));
         s.AddParameter(
             "c", hpo::space::MakeCategorical({Value("a"), Value("b"), Value("c"), Value("d")},
                                              std::nullopt, Origin{}));
         s.AddParameter("x", hpo::space::MakeNumeric({"uniform", 0, 1, {}, {}, 1}, Origin{}));
         return s;
       },
       [](const ParamSet& p) {
         const std::string& c = p.at("c").as_string();
         const double offset = c == "a" ? 1.0 : c == "b" ? 0.0 : c == "c" ? 2.0 : 0.5;
         return std::pow(static_cast<double>(p.at("n").as_int()) - 7, 2) / 10 + offset +
                10 * std::pow(p.at("x").as_double() - 0.3, 2);
       },
       0.0});
  // Conditional: each optimizer has its own parameters (hpo's `when:`); b with x_b 0.2 and lr
  // 3e-4 is the optimum (0). scripts/bench/optuna_peer.py's `conditional` is the same function
  // written define-by-run.
  problems.push_back(
      {"conditional",
       [] {
         hpo::space::SearchSpace s;
         s.AddParameter("optimizer",
                        hpo::space::MakeCategorical({Value("a"), Value("b"), Value("c")},
                                                    std::nullopt, Origin{}));
         s.AddParameter("lr",
                        hpo::space::MakeNumeric({"loguniform", 1e-5, 1e-1, {}, {}, 1}, Origin{}));
         for (const char* name : {"x_a", "x_b", "y_c", "z_c"})
           s.AddParameter(name, hpo::space::MakeNumeric({"uniform", 0, 1, {}, {}, 1}, Origin{}));
         s.SetCondition("x_a", "optimizer", {Value("a")});
         s.SetCondition("x_b", "optimizer", {Value("b")});
         s.SetCondition("y_c", "optimizer", {Value("c")});
         s.SetCondition("z_c", "optimizer", {Value("c")});
         return s;
       },
       [](const ParamSet& p) {
         const double shared = std::pow(std::log10(p.at("lr").as_double()) - std::log10(3e-4), 2);
         const std::string& o = p.at("optimizer").as_string();
         auto sq = [&](const char* name, double at) {
           return 4 * std::pow(p.at(name).as_double() - at, 2);
         };
         if (o == "a") return shared + sq("x_a", 0.8) + 0.3;
         if (o == "b") return shared + sq("x_b", 0.2);
         return shared + sq("y_c", 0.5) + sq("z_c", 0.5) + 0.1;
       },
       0.0});
  // Optimum off the centre of the box (the search centre is no head start here).
  problems.push_back({"offcentre_ellipsoid4", [] { return Uniforms("x", 4, -5, 5); },
                      [](const ParamSet& p) {
                        const double optimum[4] = {3.7, -4.1, 2.9, -1.3};
                        double sum = 0;
                        for (int i = 0; i < 4; ++i)
                          sum += std::pow(10.0, i / 3.0) *
                                 std::pow(p.at(fmt::format("x{}", i)).as_double() - optimum[i], 2);
                        return sum;
                      },
                      0.0});
  // An RL-like space: a log learning rate, a logit discount, an int, a categorical, a linear clip.
  problems.push_back(
      {"mixed_rl",
       [] {
         hpo::space::SearchSpace s;
         s.AddParameter("lr",
                        hpo::space::MakeNumeric({"loguniform", 1e-5, 1e-2, {}, {}, 1}, Origin{}));
         s.AddParameter("gamma", hpo::space::MakeNumeric({"logit_normal", 0.9, 0.9999, 0.99, {}, 1},
                                                         Origin{}));
         s.AddParameter("n_epochs",
                        hpo::space::MakeNumeric({"int_uniform", 1, 20, {}, {}, 1}, Origin{}));
         s.AddParameter("batch",
                        hpo::space::MakeCategorical({Value(32), Value(64), Value(128), Value(256)},
                                                    std::nullopt, Origin{}));
         s.AddParameter("clip",
                        hpo::space::MakeNumeric({"uniform", 0.1, 0.4, {}, {}, 1}, Origin{}));
         return s;
       },
       [](const ParamSet& p) {
         return MixedRl(p.at("lr").as_double(), p.at("gamma").as_double(),
                        p.at("n_epochs").as_int(), p.at("batch").as_int(),
                        p.at("clip").as_double());
       },
       0.0});
  // 10-D, observed with N(0, 0.1) noise; regret is the true value of the best point tried.
  problems.push_back({"noisy_sphere10", [] { return Uniforms("x", 10, 0, 1); },
                      [](const ParamSet& p) {
                        double sum = 0;
                        for (int i = 0; i < 10; ++i)
                          sum +=
                              std::pow(p.at(fmt::format("x{}", i)).as_double() - 0.2 - 0.06 * i, 2);
                        return sum;
                      },
                      0.0, 0.1});
  return problems;
}

// Best-so-far regret after each trial of one seeded run.
std::vector<double> Run(const Problem& problem, const std::string& method, uint64_t seed,
                        int trials) {
  const hpo::space::SearchSpace space = problem.space();
  SamplerSettings settings;
  settings.method = method;
  auto sampler = MakeSampler(settings);
  std::vector<Observation> history;
  std::vector<double> regret;
  double best = INFINITY;
  const bool conditional = std::any_of(space.dimensions().begin(), space.dimensions().end(),
                                       [](const auto& d) { return d.conditional; });
  for (int t = 0; t < trials; ++t) {
    hpo::Rng rng(hpo::DeriveSeed(seed, static_cast<uint64_t>(t), "sampler"));
    const Suggestion s = *sampler->Suggest(space, history, rng);
    const ParamSet params = space.ToParams(s.point);
    const double f = problem.f(params);
    best = std::min(best, f);
    regret.push_back(best - problem.optimum);
    hpo::Rng noise_rng(hpo::DeriveSeed(seed, static_cast<uint64_t>(t), "noise"));
    const double observed = f + problem.noise * hpo::StandardNormal(noise_rng);
    // As the runner stores a trial: a conditional parameter it did not have is NaN (ToUnit).
    history.push_back(
        {conditional ? space.ToUnit(params) : s.point, TrialState::kComplete, -observed, 1.0});
  }
  return regret;
}

double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double rank = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(rank));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (rank - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

// Mean seconds per Suggest with `finished` complete trials of random points (Hartmann-6 space).
double SuggestSeconds(const std::string& method, int finished) {
  const Problem problem = Problems()[1];
  const hpo::space::SearchSpace space = problem.space();
  SamplerSettings settings;
  settings.method = method;
  auto sampler = MakeSampler(settings);
  std::vector<Observation> history;
  hpo::Rng rng(1);
  for (int i = 0; i < finished; ++i) {
    const hpo::space::UnitPoint x = space.SamplePrior(rng);
    // Costs that vary (1 to 11, with x0), so protein models them as in a real sweep.
    history.push_back({x, TrialState::kComplete, -problem.f(space.ToParams(x)), 1.0 + 10.0 * x[0]});
  }
  const int calls = finished >= 5000 ? 5 : 20;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) sampler->Suggest(space, history, rng);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / calls;
}

}  // namespace

int main(int argc, char** argv) {
  const int seeds = argc > 1 ? std::atoi(argv[1]) : 20;
  const int trials = argc > 2 ? std::atoi(argv[2]) : 100;
  std::vector<std::string> methods = {"random", "tpe", "protein", "cmaes"};
  // One sampler only (profiling, tuning): HPO_BENCH_SAMPLER=tpe.
  if (const char* only = std::getenv("HPO_BENCH_SAMPLER")) methods = {only};
  // Some functions only (tuning): HPO_BENCH_PROBLEMS=mixed,mixed_rl.
  const std::string problems_wanted =
      std::getenv("HPO_BENCH_PROBLEMS") ? std::getenv("HPO_BENCH_PROBLEMS") : "";
  std::string out = "{\"regret\": {";
  bool first_problem = true;
  for (const Problem& problem : Problems()) {
    if (seeds <= 0) break;  // timing only
    if (!problems_wanted.empty() &&
        ("," + problems_wanted + ",").find("," + problem.name + ",") == std::string::npos)
      continue;
    out += fmt::format("{}\"{}\": {{", first_problem ? "" : ", ", problem.name);
    first_problem = false;
    for (size_t m = 0; m < methods.size(); ++m) {
      std::vector<std::vector<double>> at(3);
      for (int seed = 0; seed < seeds; ++seed) {
        const std::vector<double> r = Run(problem, methods[m], static_cast<uint64_t>(seed), trials);
        at[0].push_back(r[std::min(19, trials - 1)]);
        at[1].push_back(r[std::min(39, trials - 1)]);
        at[2].push_back(r[static_cast<size_t>(trials - 1)]);
      }
      out += fmt::format("{}\"{}\": {{", m ? ", " : "", methods[m]);
      const int checkpoints[3] = {20, 40, trials};
      for (int k = 0; k < 3; ++k) {
        out += fmt::format("{}\"{}\": [{:.6g}, {:.6g}, {:.6g}]", k ? ", " : "", checkpoints[k],
                           Quantile(at[k], 0.25), Quantile(at[k], 0.5), Quantile(at[k], 0.75));
      }
      out += "}";
    }
    out += "}";
  }
  out += "}, \"suggest_seconds\": {";
  for (size_t m = 0; m < methods.size(); ++m) {
    out += fmt::format("{}\"{}\": {{", out.back() == '{' ? "" : ", ", methods[m]);
    const int sizes[3] = {100, 1000, 5000};
    for (int k = 0; k < 3; ++k)
      out += fmt::format("{}\"{}\": {:.6g}", k ? ", " : "", sizes[k],
                         SuggestSeconds(methods[m], sizes[k]));
    out += "}";
  }
  out += "}}";
  fmt::print("{}\n", out);
  return 0;
}
