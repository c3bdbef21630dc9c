// A small Gaussian process on Eigen, float64: Matern-3/2 kernel with one lengthscale per
// dimension (ARD) plus a linear term, Gaussian noise with a LogNormal(ln 0.01, 0.5) prior,
// hyperparameters fitted to the log marginal likelihood by Adam with analytic gradients.
#pragma once

#include <Eigen/Dense>
#include <vector>

namespace hpo::samplers {

class GaussianProcess {
 public:
  /// Fits to inputs X (n x d, unit box) and targets y (n). `steps` Adam steps on the
  /// hyperparameters; y is centred internally.
  void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int steps);

  /// Keeps the fitted hyperparameters and conditions on new data (one factorisation). Fitting
  /// on a subset and conditioning on the whole set keeps suggest fast on long histories.
  void Condition(const Eigen::MatrixXd& x, const Eigen::VectorXd& y);

  /// Predictive mean and variance (without observation noise) at each row of `points`.
  void Predict(const Eigen::MatrixXd& points, Eigen::VectorXd& mean, Eigen::VectorXd& variance) const;

  /// Predictive mean only (no triangular solve: much cheaper).
  Eigen::VectorXd PredictMean(const Eigen::MatrixXd& points) const;

  double log_marginal_likelihood() const { return lml_; }

 private:
  Eigen::MatrixXd Kernel(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const;
  // Adds the noise to the kernel matrix `k` of the training inputs, factorises it and sets the
  // weights for prediction and the log marginal likelihood (plus the noise prior).
  void Factorise(Eigen::MatrixXd k);
  // Log marginal likelihood and its gradient at the current parameters. The per-dimension
  // squared differences and the linear Gram matrix of the inputs are fixed during a fit.
  double EvaluateWithGradient(const std::vector<Eigen::ArrayXXd>& squared_differences, const Eigen::ArrayXXd& linear_gram,
                              Eigen::VectorXd& gradient);

  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;
  double y_mean_ = 0;
  // log parameters: [0, d) lengthscales, d signal variance, d+1 noise variance, d+2 linear weight
  Eigen::VectorXd theta_;
  Eigen::LLT<Eigen::MatrixXd> chol_;
  Eigen::VectorXd alpha_;
  double lml_ = 0;
};

}  // namespace hpo::samplers
