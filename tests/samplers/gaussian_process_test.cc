#include "lib/samplers/gaussian_process.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace hpo::samplers {
namespace {

// y = sin(6 x0) + 0.5 x1 on random points of the unit square.
void SmoothData(int n, uint64_t seed, Eigen::MatrixXd& x, Eigen::VectorXd& y) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  x.resize(n, 2);
  y.resize(n);
  for (int i = 0; i < n; ++i) {
    x(i, 0) = unit(rng);
    x(i, 1) = unit(rng);
    y(i) = std::sin(6 * x(i, 0)) + 0.5 * x(i, 1);
  }
}

TEST(GaussianProcessTest, FittingRaisesTheMarginalLikelihood) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  SmoothData(40, 1, x, y);
  GaussianProcess unfitted, fitted;
  unfitted.Fit(x, y, 0);
  fitted.Fit(x, y, 30);
  EXPECT_GT(fitted.log_marginal_likelihood(), unfitted.log_marginal_likelihood() + 1.0);
}

TEST(GaussianProcessTest, PredictsHeldOutPointsAndIsUnsureOnlyFarFromData) {
  Eigen::MatrixXd x, test_x;
  Eigen::VectorXd y, test_y;
  SmoothData(60, 2, x, y);
  SmoothData(50, 3, test_x, test_y);
  GaussianProcess gp;
  gp.Fit(x, y, 30);
  Eigen::VectorXd mean, variance;
  gp.Predict(test_x, mean, variance);
  const double rmse = std::sqrt((mean - test_y).squaredNorm() / test_y.size());
  const double spread = std::sqrt((test_y.array() - test_y.mean()).square().mean());
  EXPECT_LT(rmse, 0.1 * spread);
  EXPECT_TRUE(mean.isApprox(gp.PredictMean(test_x), 1e-9));

  // Far outside the data (the unit square) the variance is larger than anywhere inside it.
  Eigen::MatrixXd far(1, 2);
  far << 3.0, 3.0;
  Eigen::VectorXd far_mean, far_variance;
  gp.Predict(far, far_mean, far_variance);
  EXPECT_GT(far_variance(0), 10 * variance.maxCoeff());
}

TEST(GaussianProcessTest, ConditioningOnMoreDataKeepsHyperparametersAndUsesTheData) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  SmoothData(80, 4, x, y);
  GaussianProcess gp;
  gp.Fit(x.topRows(20), y.head(20), 30);
  Eigen::VectorXd before_mean, before_variance, after_mean, after_variance;
  gp.Predict(x.bottomRows(60), before_mean, before_variance);
  gp.Condition(x, y);
  gp.Predict(x.bottomRows(60), after_mean, after_variance);
  EXPECT_LT((after_mean - y.tail(60)).norm(), 0.5 * (before_mean - y.tail(60)).norm());
  EXPECT_LT(after_variance.mean(), before_variance.mean());
}

// y depends on a 4-level category as 0, 1, 0, 1 (no order a line through the indices could
// follow) plus a small smooth term in a numeric column.
void CategoricalData(int n, uint64_t seed, const std::vector<int>& relabel, Eigen::MatrixXd& x,
                     Eigen::VectorXd& y) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  x.resize(n, 2);
  y.resize(n);
  for (int i = 0; i < n; ++i) {
    const int level = i % 4;
    x(i, 0) = unit(rng);
    x(i, 1) = relabel[static_cast<size_t>(level)];
    y(i) = (level % 2) + 0.2 * x(i, 0);
  }
}

TEST(GaussianProcessTest, ACategoricalColumnLearnsEachLevelAndIgnoresTheirOrder) {
  Eigen::MatrixXd x, relabelled_x;
  Eigen::VectorXd y, relabelled_y;
  const std::vector<int> identity = {0, 1, 2, 3}, shuffled = {2, 0, 3, 1};
  CategoricalData(40, 5, identity, x, y);
  CategoricalData(40, 5, shuffled, relabelled_x, relabelled_y);
  GaussianProcess gp({false, true}), relabelled({false, true});
  gp.Fit(x, y, 30);
  relabelled.Fit(relabelled_x, relabelled_y, 30);
  for (int level = 0; level < 4; ++level) {
    Eigen::MatrixXd at(1, 2), relabelled_at(1, 2);
    at << 0.5, level;
    relabelled_at << 0.5, shuffled[static_cast<size_t>(level)];
    const double mean = gp.PredictMean(at)(0);
    EXPECT_NEAR(mean, (level % 2) + 0.1, 0.15) << "level " << level;
    EXPECT_NEAR(relabelled.PredictMean(relabelled_at)(0), mean, 1e-9) << "level " << level;
  }
}

}  // namespace
}  // namespace hpo::samplers
