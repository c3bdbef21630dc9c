#include "lib/samplers/gaussian_process.h"

#include <cmath>
#include <vector>

namespace hpo::samplers {
namespace {

constexpr double kSqrt3 = 1.7320508075688772;
constexpr double kNoisePriorMean = -4.605170185988091;  // ln 0.01
constexpr double kNoisePriorSd = 0.5;
// Predictions run over blocks of this many points, so the n x block temporaries stay small
// (in cache, and below malloc's mmap threshold).
constexpr Eigen::Index kPredictionBlock = 128;

// The inverse of a lower-triangular matrix, one column at a time by forward substitution on
// the identity's column (column-wise updates: contiguous, and the zeros are skipped).
Eigen::MatrixXd LowerTriangularInverse(const Eigen::MatrixXd& l) {
  const Eigen::Index n = l.rows();
  Eigen::MatrixXd inverse = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    auto column = inverse.col(j);
    column(j) = 1.0;
    for (Eigen::Index k = j; k < n; ++k) {
      column(k) /= l(k, k);
      column.tail(n - k - 1) -= column(k) * l.col(k).tail(n - k - 1);
    }
  }
  return inverse;
}

// K^-1 = L^-T L^-1 from K's Cholesky factor L.
template <typename Lower>
Eigen::MatrixXd InverseFromCholesky(const Lower& l) {
  const Eigen::MatrixXd l_inverse = LowerTriangularInverse(l);
  Eigen::MatrixXd inverse = Eigen::MatrixXd::Zero(l_inverse.rows(), l_inverse.cols());
  inverse.selfadjointView<Eigen::Lower>().rankUpdate(l_inverse.transpose());
  return inverse.selfadjointView<Eigen::Lower>();
}

}  // namespace

bool GaussianProcess::IsCategorical(Eigen::Index column) const {
  return static_cast<size_t>(column) < categorical_.size() &&
         categorical_[static_cast<size_t>(column)];
}

void GaussianProcess::AddSquaredDifference(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                                           Eigen::Index j, double weight,
                                           Eigen::ArrayXXd& sum) const {
  const bool categorical = IsCategorical(j);
  for (Eigen::Index c = 0; c < b.rows(); ++c) {
    if (categorical) {
      sum.col(c) += weight * (a.col(j).array() != b(c, j)).cast<double>();
    } else {
      sum.col(c) += weight * (a.col(j).array() - b(c, j)).square();
    }
  }
}

Eigen::MatrixXd GaussianProcess::LinearPart(const Eigen::MatrixXd& a) const {
  Eigen::MatrixXd numeric = a;
  for (Eigen::Index j = 0; j < a.cols(); ++j) {
    if (IsCategorical(j)) numeric.col(j).setZero();
  }
  return numeric;
}

Eigen::MatrixXd GaussianProcess::Kernel(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const {
  const Eigen::Index d = a.cols();
  const double signal = std::exp(theta_(d)), linear = std::exp(theta_(d + 2));
  Eigen::ArrayXXd r = Eigen::ArrayXXd::Zero(a.rows(), b.rows());
  for (Eigen::Index j = 0; j < d; ++j) AddSquaredDifference(a, b, j, std::exp(-2.0 * theta_(j)), r);
  r = r.sqrt();
  Eigen::MatrixXd k = (signal * (1.0 + kSqrt3 * r) * (-kSqrt3 * r).exp()).matrix();
  k.noalias() += linear * LinearPart(a) * LinearPart(b).transpose();
  return k;
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

GaussianProcess::PairTerms GaussianProcess::MakePairTerms(const Eigen::MatrixXd& x) const {
  const Eigen::Index n = x.rows(), d = x.cols();
  PairTerms terms;
  terms.squared_differences.reserve(static_cast<size_t>(n * (n + 1) / 2 * d));
  terms.linear_gram.reserve(static_cast<size_t>(n * (n + 1) / 2));
  const Eigen::MatrixXd numeric = LinearPart(x);
  for (Eigen::Index c = 0; c < n; ++c) {
    for (Eigen::Index r = c; r < n; ++r) {
      for (Eigen::Index j = 0; j < d; ++j) {
        const double delta = x(r, j) - x(c, j);
        terms.squared_differences.push_back(IsCategorical(j) ? (delta != 0 ? 1.0 : 0.0)
                                                             : delta * delta);
      }
      terms.linear_gram.push_back(numeric.row(r).dot(numeric.row(c)));
    }
  }
  return terms;
}

double GaussianProcess::EvaluateWithGradient(const PairTerms& terms, Eigen::VectorXd& gradient) {
  const int n = static_cast<int>(x_.rows()), d = static_cast<int>(x_.cols());
  const Eigen::ArrayXd inv_l2 = (-2.0 * theta_.head(d)).array().exp();
  const double signal = std::exp(theta_(d)), noise = std::exp(theta_(d + 1)),
               linear = std::exp(theta_(d + 2));
  // The kernel's lower triangle in one pass over the pairs: one exponential per pair, kept
  // (with the Matern value) for the gradient.
  const size_t pairs = terms.linear_gram.size();
  std::vector<double> decay(pairs), matern(pairs);
  Eigen::MatrixXd k(n, n);
  const double* sq = terms.squared_differences.data();
  for (int c = 0, p = 0; c < n; ++c) {
    for (int r = c; r < n; ++r, ++p, sq += d) {
      double r2 = 0;
      for (int j = 0; j < d; ++j) r2 += inv_l2(j) * sq[j];
      const double dist = std::sqrt(r2);
      decay[static_cast<size_t>(p)] = std::exp(-kSqrt3 * dist);
      matern[static_cast<size_t>(p)] =
          signal * (1.0 + kSqrt3 * dist) * decay[static_cast<size_t>(p)];
      k(r, c) = matern[static_cast<size_t>(p)] + linear * terms.linear_gram[static_cast<size_t>(p)];
    }
  }
  Factorise(std::move(k));  // LLT reads the lower triangle only
  if (!std::isfinite(lml_)) return lml_;

  // dLML/dtheta = 0.5 tr(W dK/dtheta) with W = alpha alpha^T - K^-1, summed over the lower
  // triangle (off-diagonal pairs twice).
  const Eigen::MatrixXd k_inverse = InverseFromCholesky(chol_.matrixL());
  Eigen::ArrayXd lengthscale_sums = Eigen::ArrayXd::Zero(d);
  double signal_sum = 0, linear_sum = 0, trace = 0;
  sq = terms.squared_differences.data();
  for (int c = 0, p = 0; c < n; ++c) {
    for (int r = c; r < n; ++r, ++p, sq += d) {
      const double w = alpha_(r) * alpha_(c) - k_inverse(r, c);
      const double weighted = r == c ? w : 2 * w;
      // d k / d log l_j = 3 s^2 exp(-sqrt3 r) (dx_j / l_j)^2
      const double we = weighted * 3.0 * signal * decay[static_cast<size_t>(p)];
      for (int j = 0; j < d; ++j) lengthscale_sums(j) += we * sq[j];
      signal_sum += weighted * matern[static_cast<size_t>(p)];
      linear_sum += weighted * terms.linear_gram[static_cast<size_t>(p)];
      if (r == c) trace += w;
    }
  }
  gradient.resize(d + 3);
  gradient.head(d) = 0.5 * inv_l2 * lengthscale_sums;
  gradient(d) = 0.5 * signal_sum;
  gradient(d + 1) =
      0.5 * noise * trace - (theta_(d + 1) - kNoisePriorMean) / (kNoisePriorSd * kNoisePriorSd);
  gradient(d + 2) = 0.5 * linear * linear_sum;
  return lml_;
}

void GaussianProcess::Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int steps) {
  const int d = static_cast<int>(x.cols());
  x_ = x;
  y_mean_ = y.mean();
  y_ = y.array() - y_mean_;
  theta_.resize(d + 3);
  // Numeric lengthscales start at 0.3 of the box; a categorical one at 1, where levels still
  // share half their covariance, so what the other columns do is learned across levels.
  for (int j = 0; j < d; ++j) theta_(j) = std::log(IsCategorical(j) ? 1.0 : 0.3);
  theta_(d) = std::log(std::max(y_.squaredNorm() / std::max<double>(1, y.size()), 1e-3));
  theta_(d + 1) = kNoisePriorMean;
  theta_(d + 2) = std::log(0.01);
  // Adam ascent on the log parameters, bounded to sane ranges.
  Eigen::VectorXd m = Eigen::VectorXd::Zero(d + 3), v = Eigen::VectorXd::Zero(d + 3), g;
  const double lr = 0.05, b1 = 0.9, b2 = 0.999;
  const PairTerms terms = MakePairTerms(x);
  Eigen::VectorXd best_theta = theta_;
  double best = -INFINITY;
  for (int t = 1; t <= steps; ++t) {
    const double value = EvaluateWithGradient(terms, g);
    if (!std::isfinite(value) || !g.allFinite())
      break;  // a failed factorisation: keep the best so far
    if (value > best) best = value, best_theta = theta_;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g.cwiseProduct(g);
    const Eigen::VectorXd mh = m / (1 - std::pow(b1, t)), vh = v / (1 - std::pow(b2, t));
    theta_ += lr * mh.cwiseQuotient((vh.array().sqrt() + 1e-8).matrix());
    theta_.head(d) = theta_.head(d).cwiseMax(std::log(0.01)).cwiseMin(std::log(10.0));
    theta_.segment(d, 3) = theta_.segment(d, 3).cwiseMax(std::log(1e-6)).cwiseMin(std::log(100.0));
  }
  theta_ = best_theta;
  FactoriseForPrediction();
}

void GaussianProcess::FactoriseForPrediction() {
  Factorise(Kernel(x_, x_));
  l_inverse_ = LowerTriangularInverse(chol_.matrixL());
}

void GaussianProcess::Condition(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  x_ = x;
  y_mean_ = y.mean();
  y_ = y.array() - y_mean_;
  FactoriseForPrediction();
}

Eigen::VectorXd GaussianProcess::PredictMean(const Eigen::MatrixXd& points) const {
  Eigen::VectorXd mean(points.rows());
  for (Eigen::Index start = 0; start < points.rows(); start += kPredictionBlock) {
    const Eigen::Index rows = std::min(kPredictionBlock, points.rows() - start);
    mean.segment(start, rows) =
        (Kernel(x_, points.middleRows(start, rows)).transpose() * alpha_).array() + y_mean_;
  }
  return mean;
}

void GaussianProcess::Predict(const Eigen::MatrixXd& points, Eigen::VectorXd& mean,
                              Eigen::VectorXd& variance) const {
  const Eigen::Index d = points.cols();
  const double signal = std::exp(theta_(d)), linear = std::exp(theta_(d + 2));
  mean.resize(points.rows());
  variance.resize(points.rows());
  for (Eigen::Index start = 0; start < points.rows(); start += kPredictionBlock) {
    const Eigen::Index rows = std::min(kPredictionBlock, points.rows() - start);
    const auto block = points.middleRows(start, rows);
    const Eigen::MatrixXd ks = Kernel(x_, block);  // n x rows
    mean.segment(start, rows) = (ks.transpose() * alpha_).array() + y_mean_;
    // k*^T K^-1 k* = |L^-1 k*|^2, with L^-1 kept from the factorisation. A dense product (the
    // zeros above the diagonal included) is faster here than a triangular one.
    Eigen::MatrixXd v(ks.rows(), ks.cols());
    v.noalias() = l_inverse_ * ks;
    variance.segment(start, rows) =
        ((signal + linear * LinearPart(block).rowwise().squaredNorm().array()) -
         v.colwise().squaredNorm().transpose().array())
            .max(1e-12)
            .matrix();
  }
}

}  // namespace hpo::samplers
