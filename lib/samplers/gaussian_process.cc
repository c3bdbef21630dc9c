#include "lib/samplers/gaussian_process.h"

#include <cmath>
#include <vector>

namespace hpo::samplers {
namespace {

constexpr double kSqrt3 = 1.7320508075688772;
constexpr double kNoisePriorMean = -4.605170185988091;  // ln 0.01
constexpr double kNoisePriorSd = 0.5;

}  // namespace

Eigen::MatrixXd GaussianProcess::Kernel(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const {
  const int d = static_cast<int>(a.cols());
  const Eigen::ArrayXd inv_l = (-theta_.head(d)).array().exp();
  const double signal = std::exp(theta_(d)), linear = std::exp(theta_(d + 2));
  const Eigen::MatrixXd as = a * inv_l.matrix().asDiagonal(), bs = b * inv_l.matrix().asDiagonal();
  // Squared scaled distances via the expansion |a|^2 + |b|^2 - 2 a.b.
  Eigen::MatrixXd r2 = (-2.0 * as * bs.transpose()).colwise() + as.rowwise().squaredNorm();
  r2.rowwise() += bs.rowwise().squaredNorm().transpose();
  const Eigen::ArrayXXd r = r2.array().max(0.0).sqrt();
  return (signal * (1.0 + kSqrt3 * r) * (-kSqrt3 * r).exp()).matrix() + linear * a * b.transpose();
}

void GaussianProcess::Factorise(Eigen::MatrixXd k) {
  const int n = static_cast<int>(x_.rows()), d = static_cast<int>(x_.cols());
  k.diagonal().array() += std::exp(theta_(d + 1)) + 1e-8;
  chol_.compute(k);
  alpha_ = chol_.solve(y_);
  const double log_det = 2.0 * chol_.matrixLLT().diagonal().array().log().sum();
  const double prior = -0.5 * std::pow((theta_(d + 1) - kNoisePriorMean) / kNoisePriorSd, 2);
  lml_ = -0.5 * y_.dot(alpha_) - 0.5 * log_det - 0.5 * n * std::log(2 * M_PI) + prior;
}

double GaussianProcess::EvaluateWithGradient(const std::vector<Eigen::ArrayXXd>& squared_differences,
                                             const Eigen::ArrayXXd& linear_gram, Eigen::VectorXd& gradient) {
  const int n = static_cast<int>(x_.rows()), d = static_cast<int>(x_.cols());
  const Eigen::ArrayXd inv_l2 = (-2.0 * theta_.head(d)).array().exp();
  const double signal = std::exp(theta_(d)), noise = std::exp(theta_(d + 1)), linear = std::exp(theta_(d + 2));
  // The kernel and its pieces from the cached per-dimension differences: no distance
  // expansion and one exponential per pair.
  Eigen::ArrayXXd r2 = Eigen::ArrayXXd::Zero(n, n);
  for (int j = 0; j < d; ++j) r2 += inv_l2(j) * squared_differences[static_cast<size_t>(j)];
  const Eigen::ArrayXXd r = r2.sqrt();
  const Eigen::ArrayXXd e = (-kSqrt3 * r).exp();
  const Eigen::ArrayXXd matern = signal * (1.0 + kSqrt3 * r) * e;
  Factorise((matern + linear * linear_gram).matrix());
  if (!std::isfinite(lml_)) return lml_;

  // dLML/dtheta = 0.5 tr((alpha alpha^T - K^-1) dK/dtheta)
  Eigen::MatrixXd k_inverse = Eigen::MatrixXd::Identity(n, n);
  chol_.solveInPlace(k_inverse);
  const Eigen::ArrayXXd w = (alpha_ * alpha_.transpose() - k_inverse).array();
  const Eigen::ArrayXXd we = w * (3.0 * signal) * e;
  gradient.resize(d + 3);
  for (int j = 0; j < d; ++j) {
    // d k / d log l_j = 3 s^2 exp(-sqrt3 r) (dx_j / l_j)^2
    gradient(j) = 0.5 * inv_l2(j) * (we * squared_differences[static_cast<size_t>(j)]).sum();
  }
  gradient(d) = 0.5 * (w * matern).sum();
  gradient(d + 1) = 0.5 * noise * w.matrix().trace() - (theta_(d + 1) - kNoisePriorMean) / (kNoisePriorSd * kNoisePriorSd);
  gradient(d + 2) = 0.5 * linear * (w * linear_gram).sum();
  return lml_;
}

void GaussianProcess::Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int steps) {
  const int d = static_cast<int>(x.cols());
  x_ = x;
  y_mean_ = y.mean();
  y_ = y.array() - y_mean_;
  theta_.resize(d + 3);
  theta_.head(d).setConstant(std::log(0.3));
  theta_(d) = std::log(std::max(y_.squaredNorm() / std::max<double>(1, y.size()), 1e-3));
  theta_(d + 1) = kNoisePriorMean;
  theta_(d + 2) = std::log(0.01);
  // Adam ascent on the log parameters, bounded to sane ranges.
  Eigen::VectorXd m = Eigen::VectorXd::Zero(d + 3), v = Eigen::VectorXd::Zero(d + 3), g;
  const double lr = 0.05, b1 = 0.9, b2 = 0.999;
  const int n = static_cast<int>(x.rows());
  std::vector<Eigen::ArrayXXd> squared_differences(static_cast<size_t>(d));
  for (int j = 0; j < d; ++j) {
    Eigen::ArrayXXd& diff2 = squared_differences[static_cast<size_t>(j)];
    diff2.resize(n, n);
    for (int a = 0; a < n; ++a) diff2.col(a) = (x.col(j).array() - x(a, j)).square();
  }
  const Eigen::ArrayXXd linear_gram = (x * x.transpose()).array();
  Eigen::VectorXd best_theta = theta_;
  double best = -INFINITY;
  for (int t = 1; t <= steps; ++t) {
    const double value = EvaluateWithGradient(squared_differences, linear_gram, g);
    if (!std::isfinite(value) || !g.allFinite()) break;  // a failed factorisation: keep the best so far
    if (value > best) best = value, best_theta = theta_;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g.cwiseProduct(g);
    const Eigen::VectorXd mh = m / (1 - std::pow(b1, t)), vh = v / (1 - std::pow(b2, t));
    theta_ += lr * mh.cwiseQuotient((vh.array().sqrt() + 1e-8).matrix());
    theta_.head(d) = theta_.head(d).cwiseMax(std::log(0.01)).cwiseMin(std::log(10.0));
    theta_.segment(d, 3) = theta_.segment(d, 3).cwiseMax(std::log(1e-6)).cwiseMin(std::log(100.0));
  }
  theta_ = best_theta;
  Factorise(Kernel(x_, x_));
}

void GaussianProcess::Condition(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  x_ = x;
  y_mean_ = y.mean();
  y_ = y.array() - y_mean_;
  Factorise(Kernel(x_, x_));
}

Eigen::VectorXd GaussianProcess::PredictMean(const Eigen::MatrixXd& points) const {
  return (Kernel(x_, points).transpose() * alpha_).array() + y_mean_;
}

void GaussianProcess::Predict(const Eigen::MatrixXd& points, Eigen::VectorXd& mean, Eigen::VectorXd& variance) const {
  const int d = static_cast<int>(points.cols());
  const Eigen::MatrixXd ks = Kernel(x_, points);  // n x m
  mean = (ks.transpose() * alpha_).array() + y_mean_;
  // k*^T K^-1 k* through the explicit inverse: one n^3 inverse plus a matrix product is several
  // times faster here than a triangular solve against the 512 candidate columns.
  Eigen::MatrixXd k_inverse = Eigen::MatrixXd::Identity(x_.rows(), x_.rows());
  chol_.solveInPlace(k_inverse);
  const Eigen::ArrayXd explained = (ks.array() * (k_inverse * ks).array()).colwise().sum().transpose();
  const double signal = std::exp(theta_(d)), linear = std::exp(theta_(d + 2));
  variance = ((signal + linear * points.rowwise().squaredNorm().array()) - explained)
                 .max(1e-12)
                 .matrix();
}

}  // namespace hpo::samplers
