#include "lib/samplers/gaussian_process.h"

#include <cmath>

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

double GaussianProcess::Evaluate(Eigen::VectorXd* gradient) {
  const int n = static_cast<int>(x_.rows()), d = static_cast<int>(x_.cols());
  const double noise = std::exp(theta_(d + 1));
  Eigen::MatrixXd k = Kernel(x_, x_);
  k.diagonal().array() += noise + 1e-8;
  chol_.compute(k);
  alpha_ = chol_.solve(y_);
  const Eigen::MatrixXd l = chol_.matrixL();
  const double log_det = 2.0 * l.diagonal().array().log().sum();
  const double prior = -0.5 * std::pow((theta_(d + 1) - kNoisePriorMean) / kNoisePriorSd, 2);
  lml_ = -0.5 * y_.dot(alpha_) - 0.5 * log_det - 0.5 * n * std::log(2 * M_PI) + prior;
  if (!gradient) return lml_;

  // dLML/dtheta = 0.5 tr((alpha alpha^T - K^-1) dK/dtheta)
  const Eigen::MatrixXd w = alpha_ * alpha_.transpose() - chol_.solve(Eigen::MatrixXd::Identity(n, n));
  const Eigen::ArrayXd inv_l = (-theta_.head(d)).array().exp();
  const double signal = std::exp(theta_(d)), linear = std::exp(theta_(d + 2));
  const Eigen::MatrixXd xs = x_ * inv_l.matrix().asDiagonal();
  Eigen::MatrixXd r2 = (-2.0 * xs * xs.transpose()).colwise() + xs.rowwise().squaredNorm();
  r2.rowwise() += xs.rowwise().squaredNorm().transpose();
  const Eigen::ArrayXXd r = r2.array().max(0.0).sqrt();
  const Eigen::ArrayXXd e = (-kSqrt3 * r).exp();
  const Eigen::ArrayXXd matern = signal * (1.0 + kSqrt3 * r) * e;
  gradient->resize(d + 3);
  for (int j = 0; j < d; ++j) {
    // d k / d log l_j = 3 s^2 exp(-sqrt3 r) (dx_j / l_j)^2
    const Eigen::ArrayXd c = xs.col(j).array();
    Eigen::ArrayXXd diff2(n, n);
    for (int a = 0; a < n; ++a) diff2.row(a) = (c(a) - c).square().transpose();
    (*gradient)(j) = 0.5 * (w.array() * (3.0 * signal * e * diff2)).sum();
  }
  (*gradient)(d) = 0.5 * (w.array() * matern).sum();
  (*gradient)(d + 1) = 0.5 * noise * w.trace() - (theta_(d + 1) - kNoisePriorMean) / (kNoisePriorSd * kNoisePriorSd);
  (*gradient)(d + 2) = 0.5 * (w.array() * (linear * x_ * x_.transpose()).array()).sum();
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
  Eigen::VectorXd best_theta = theta_;
  double best = -INFINITY;
  for (int t = 1; t <= steps; ++t) {
    const double value = Evaluate(&g);
    if (std::isfinite(value) && value > best) best = value, best_theta = theta_;
    if (!g.allFinite()) break;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g.cwiseProduct(g);
    const Eigen::VectorXd mh = m / (1 - std::pow(b1, t)), vh = v / (1 - std::pow(b2, t));
    theta_ += lr * mh.cwiseQuotient((vh.array().sqrt() + 1e-8).matrix());
    theta_.head(d) = theta_.head(d).cwiseMax(std::log(0.01)).cwiseMin(std::log(10.0));
    theta_.segment(d, 3) = theta_.segment(d, 3).cwiseMax(std::log(1e-6)).cwiseMin(std::log(100.0));
  }
  theta_ = best_theta;
  Evaluate(nullptr);
}

void GaussianProcess::Condition(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  x_ = x;
  y_mean_ = y.mean();
  y_ = y.array() - y_mean_;
  Evaluate(nullptr);
}

Eigen::VectorXd GaussianProcess::PredictMean(const Eigen::MatrixXd& points) const {
  return (Kernel(x_, points).transpose() * alpha_).array() + y_mean_;
}

void GaussianProcess::Predict(const Eigen::MatrixXd& points, Eigen::VectorXd& mean, Eigen::VectorXd& variance) const {
  const int d = static_cast<int>(points.cols());
  const Eigen::MatrixXd ks = Kernel(x_, points);  // n x m
  mean = (ks.transpose() * alpha_).array() + y_mean_;
  const Eigen::MatrixXd v = chol_.matrixL().solve(ks);
  const double signal = std::exp(theta_(d)), linear = std::exp(theta_(d + 2));
  variance = ((signal + linear * points.rowwise().squaredNorm().array()) - v.colwise().squaredNorm().transpose().array())
                 .max(1e-12)
                 .matrix();
}

}  // namespace hpo::samplers
