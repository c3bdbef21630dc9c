// A small Gaussian process on Eigen, float64: Matern-3/2 kernel with one lengthscale per
// dimension (ARD) plus a linear term, Gaussian noise with a LogNormal(ln 0.01, 0.5) prior,
// hyperparameters fitted to the log marginal likelihood by Adam with analytic gradients.
//
// Columns can be categorical (a category index): their distance is Hamming (0 when equal, 1
// otherwise, scaled by the column's lengthscale) and they stay out of the linear term, so the
// order of the categories means nothing to the model.
#pragma once

#include <Eigen/Dense>
#include <vector>

namespace hpo::samplers {

class GaussianProcess {
 public:
  /// `categorical[j]` marks column j as a category index; empty = every column numeric.
  explicit GaussianProcess(std::vector<bool> categorical = {})
      : categorical_(std::move(categorical)) {}

  /// Fits to inputs X (n x d; numeric columns in the unit box) and targets y (n). `steps` Adam
  /// steps on the hyperparameters; y is centred internally.
  void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int steps);

  /// Keeps the fitted hyperparameters and conditions on new data (one factorisation). Fitting
  /// on a subset and conditioning on the whole set keeps suggest fast on long histories.
  void Condition(const Eigen::MatrixXd& x, const Eigen::VectorXd& y);

  /// Predictive mean and variance (without observation noise) at each row of `points`.
  void Predict(const Eigen::MatrixXd& points, Eigen::VectorXd& mean,
               Eigen::VectorXd& variance) const;

  /// Predictive mean only (no triangular solve: much cheaper).
  Eigen::VectorXd PredictMean(const Eigen::MatrixXd& points) const;

  double log_marginal_likelihood() const { return lml_; }

 private:
  bool IsCategorical(Eigen::Index column) const;
  // Adds `weight` times column j's squared difference between every row of `a` and every row
  // of `b` to `sum` (a.rows() x b.rows()): (a - b)^2, or [a != b] for a categorical column.
  void AddSquaredDifference(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, Eigen::Index j,
                            double weight, Eigen::ArrayXXd& sum) const;
  // The inputs as the linear term sees them: categorical columns zeroed.
  Eigen::MatrixXd LinearPart(const Eigen::MatrixXd& a) const;
  Eigen::MatrixXd Kernel(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const;
  // Adds the noise to the kernel matrix `k` of the training inputs, factorises it and sets the
  // weights for prediction and the log marginal likelihood (plus the noise prior).
  void Factorise(Eigen::MatrixXd k);
  // Factorise, plus the inverse Cholesky factor that Predict's variance needs.
  void FactoriseForPrediction();
  // What a fit needs of each pair of training inputs (r >= c, column by column): the squared
  // difference in each dimension and the linear term's dot product. Fixed during a fit.
  struct PairTerms {
    std::vector<double> squared_differences;  // pairs x d
    std::vector<double> linear_gram;          // pairs
  };
  PairTerms MakePairTerms(const Eigen::MatrixXd& x) const;
  // Log marginal likelihood and its gradient at the current parameters.
  double EvaluateWithGradient(const PairTerms& terms, Eigen::VectorXd& gradient);

  std::vector<bool> categorical_;
  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;
  double y_mean_ = 0;
  // log parameters: [0, d) lengthscales, d signal variance, d+1 noise variance, d+2 linear weight
  Eigen::VectorXd theta_;
  Eigen::LLT<Eigen::MatrixXd> chol_;
  Eigen::MatrixXd l_inverse_;  // L^-1 of K = L L^T (lower triangular)
  Eigen::VectorXd alpha_;
  double lml_ = 0;
};

}  // namespace hpo::samplers
