#include "lib/report/fanova.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "lib/core/check.h"
#include "lib/core/random.h"

namespace hpo::report {
namespace {

// scikit-learn's tolerances: values closer than kSameValue are one value (FEATURE_THRESHOLD in
// sklearn/tree/_splitter.pyx), and a node whose impurity is at most kNoImpurity is a leaf
// (EPSILON in sklearn/tree/_tree.pyx).
constexpr double kSameValue = 1e-7;
constexpr double kNoImpurity = std::numeric_limits<double>::epsilon();

struct TreeNode {
  int column = -1;       // -1: a leaf
  double threshold = 0;  // a value <= threshold goes left
  int left = -1, right = -1;
  double value = 0;  // the weighted mean score of the node's samples
};

using Tree = std::vector<TreeNode>;  // the root first

// ---------------------------------------------------------------------------------------------
// Growing a tree
// ---------------------------------------------------------------------------------------------

// One regression tree on a bootstrap sample: trial i drawn weights[i] times. Trials not drawn
// take no part (scikit-learn drops zero-weight samples), so min_samples_* count distinct trials.
// Each column keeps the node's trials sorted by its values (ties by trial index): a node is the
// same range [begin, end) of every column's order, and a split partitions each order stably, so
// nothing is sorted again below the root.
class TreeGrower {
 public:
  TreeGrower(const FanovaInput& input, const ForestSettings& settings, std::vector<double> weights,
             Rng& rng)
      : input_(input), settings_(settings), weights_(std::move(weights)), rng_(rng) {}

  Tree Grow() {
    std::vector<size_t> drawn;
    for (size_t i = 0; i < weights_.size(); ++i)
      if (weights_[i] > 0) drawn.push_back(i);
    for (const std::vector<double>& x : input_.columns) {
      std::vector<size_t>& order = orders_.emplace_back(drawn);
      std::sort(order.begin(), order.end(),
                [&](size_t a, size_t b) { return x[a] < x[b] || (x[a] == x[b] && a < b); });
    }
    goes_left_.assign(weights_.size(), false);
    scratch_.resize(drawn.size());
    GrowNode(0, drawn.size(), 0);
    return std::move(tree_);
  }

 private:
  struct Split {
    int column = -1;
    size_t left_size = 0;  // trials that go left
    double threshold = 0;
    double proxy = -std::numeric_limits<double>::infinity();  // larger: a better split
  };

  struct Sums {
    double weight = 0, score = 0, squares = 0;
  };

  Sums SumsOf(size_t begin, size_t end) const {
    Sums s;
    for (size_t k = begin; k < end; ++k) {
      const size_t i = orders_[0][k];
      const double y = input_.scores[i];
      s.weight += weights_[i];
      s.score += weights_[i] * y;
      s.squares += weights_[i] * y * y;
    }
    return s;
  }

  int GrowNode(size_t begin, size_t end, int depth) {
    const int index = static_cast<int>(tree_.size());
    tree_.emplace_back();
    const Sums sums = SumsOf(begin, end);
    const double mean = sums.score / sums.weight;
    tree_[static_cast<size_t>(index)].value = mean;
    const auto n = static_cast<int>(end - begin);
    const double impurity = sums.squares / sums.weight - mean * mean;
    if (depth >= settings_.max_depth || n < settings_.min_samples_split ||
        n < 2 * settings_.min_samples_leaf || impurity <= kNoImpurity)
      return index;
    const Split split = BestSplit(begin, end, sums);
    if (split.column < 0) return index;  // every column constant here
    const size_t mid = begin + split.left_size;
    PartitionOrders(begin, end, split);
    const int left = GrowNode(begin, mid, depth + 1);
    const int right = GrowNode(mid, end, depth + 1);
    TreeNode& node = tree_[static_cast<size_t>(index)];
    node.column = split.column;
    node.threshold = split.threshold;
    node.left = left;
    node.right = right;
    return index;
  }

  // Every column is a candidate (max_features = 1.0); they are tried in a random order and
  // only a strictly better split replaces the best, so the order breaks ties, as in
  // scikit-learn's BestSplitter (the two columns of a two-choice categorical always tie).
  Split BestSplit(size_t begin, size_t end, const Sums& total) {
    Split best;
    const auto min_leaf = static_cast<size_t>(settings_.min_samples_leaf);
    for (const size_t c : ShuffledColumns()) {
      const std::vector<double>& x = input_.columns[c];
      const std::vector<size_t>& order = orders_[c];
      if (x[order[end - 1]] <= x[order[begin]] + kSameValue) continue;
      double weight_left = 0, score_left = 0;
      for (size_t p = begin + 1; p < end; ++p) {
        const size_t i = order[p - 1];
        weight_left += weights_[i];
        score_left += weights_[i] * input_.scores[i];
        if (x[order[p]] <= x[i] + kSameValue) continue;
        if (p - begin < min_leaf || end - p < min_leaf) continue;
        // Squared error's proxy improvement: the weighted sum of squares the split explains,
        // up to terms every split shares.
        const double weight_right = total.weight - weight_left;
        const double score_right = total.score - score_left;
        const double proxy =
            score_left * score_left / weight_left + score_right * score_right / weight_right;
        if (proxy > best.proxy)
          best = {static_cast<int>(c), p - begin, Midpoint(x[i], x[order[p]]), proxy};
      }
    }
    return best;
  }

  // Splits every column's order of [begin, end) into the trials that go left, then the rest,
  // each part still sorted.
  void PartitionOrders(size_t begin, size_t end, const Split& split) {
    const std::vector<size_t>& chosen = orders_[static_cast<size_t>(split.column)];
    for (size_t k = begin; k < end; ++k) goes_left_[chosen[k]] = k < begin + split.left_size;
    for (std::vector<size_t>& order : orders_) {
      size_t left = begin, right = 0;
      for (size_t k = begin; k < end; ++k) {
        if (goes_left_[order[k]]) {
          order[left++] = order[k];
        } else {
          scratch_[right++] = order[k];
        }
      }
      std::copy(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(right),
                order.begin() + static_cast<std::ptrdiff_t>(left));
    }
  }

  static double Midpoint(double below, double above) {
    const double middle = below / 2.0 + above / 2.0;
    return middle == above ? below : middle;  // rounding must not send `above` left
  }

  std::vector<size_t> ShuffledColumns() {
    std::vector<size_t> order(input_.columns.size());
    for (size_t c = 0; c < order.size(); ++c) order[c] = c;
    for (size_t k = order.size(); k > 1; --k)  // Fisher-Yates with our portable draws
      std::swap(order[k - 1],
                order[static_cast<size_t>(UniformInt(rng_, 0, static_cast<int64_t>(k)))]);
    return order;
  }

  const FanovaInput& input_;
  const ForestSettings& settings_;
  const std::vector<double> weights_;
  Rng& rng_;
  std::vector<std::vector<size_t>> orders_;  // per column: the trials, sorted by its values
  std::vector<bool> goes_left_;              // per trial, during a split
  std::vector<size_t> scratch_;
  Tree tree_;
};

// How many times each of n trials is drawn in n draws with replacement.
std::vector<double> BootstrapWeights(size_t n, Rng& rng) {
  std::vector<double> weights(n, 0.0);
  for (size_t draw = 0; draw < n; ++draw)
    weights[static_cast<size_t>(UniformInt(rng, 0, static_cast<int64_t>(n)))] += 1.0;
  return weights;
}

// ---------------------------------------------------------------------------------------------
// The tree's variance decomposition
// ---------------------------------------------------------------------------------------------

// A leaf and its box: the part of the parameter ranges whose points it predicts. Widths are
// fractions of each column's range (a constant factor per column, which cancels in every
// ratio below, and keeps products of many widths away from underflow).
struct Leaf {
  double value = 0;
  std::vector<double> low, high;  // in the columns' own values
  std::vector<double> width;      // (high - low) / (column high - column low)
  double volume = 1;              // the product of the widths
};

std::vector<Leaf> LeavesOf(const Tree& tree, const FanovaInput& input) {
  std::vector<Leaf> leaves;
  Leaf root;
  root.low = input.low;
  root.high = input.high;
  std::vector<std::pair<int, Leaf>> open = {{0, std::move(root)}};
  while (!open.empty()) {
    auto [index, box] = std::move(open.back());
    open.pop_back();
    const TreeNode& node = tree[static_cast<size_t>(index)];
    if (node.column < 0) {
      box.value = node.value;
      box.width.resize(box.low.size());
      for (size_t c = 0; c < box.low.size(); ++c) {
        box.width[c] = (box.high[c] - box.low[c]) / (input.high[c] - input.low[c]);
        box.volume *= box.width[c];
      }
      leaves.push_back(std::move(box));
      continue;
    }
    Leaf left = box;
    left.high[static_cast<size_t>(node.column)] = node.threshold;
    box.low[static_cast<size_t>(node.column)] = node.threshold;
    open.emplace_back(node.left, std::move(left));
    open.emplace_back(node.right, std::move(box));
  }
  return leaves;
}

double WeightedVariance(const std::vector<double>& values, const std::vector<double>& weights) {
  double total = 0, mean = 0, squares = 0;
  for (size_t k = 0; k < values.size(); ++k) total += weights[k], mean += weights[k] * values[k];
  mean /= total;
  for (size_t k = 0; k < values.size(); ++k)
    squares += weights[k] * (values[k] - mean) * (values[k] - mean);
  return squares / total;
}

// The tree's variance over the box: its leaves' values weighted by their volumes
// (_tree.py:34-46).
double TreeVariance(const std::vector<Leaf>& leaves) {
  std::vector<double> values, volumes;
  for (const Leaf& leaf : leaves) values.push_back(leaf.value), volumes.push_back(leaf.volume);
  return WeightedVariance(values, volumes);
}

// Each column's cell edges: its range's ends and every threshold the tree splits it at
// (_tree.py:182-221).
std::vector<std::vector<double>> CellEdges(const Tree& tree, const FanovaInput& input) {
  std::vector<std::vector<double>> edges(input.columns.size());
  for (const TreeNode& node : tree)
    if (node.column >= 0) edges[static_cast<size_t>(node.column)].push_back(node.threshold);
  for (size_t c = 0; c < edges.size(); ++c) {
    std::vector<double>& e = edges[c];
    e.push_back(input.low[c]);
    e.push_back(input.high[c]);
    std::sort(e.begin(), e.end());
    e.erase(std::unique(e.begin(), e.end()), e.end());
  }
  return edges;
}

// The grid that the tree's thresholds on one parameter's columns make. Cells are numbered with
// the first column fastest: a row holds the cells along the first column (plus one slot, for
// the difference array) at one cell of the other columns.
struct CellGrid {
  std::vector<size_t> group;   // the parameter's columns
  size_t span = 0;             // cells along the first column, plus one
  std::vector<size_t> stride;  // of each other column, in rows
  size_t rows = 1;
};

CellGrid GridOf(const std::vector<size_t>& group, const std::vector<std::vector<double>>& edges) {
  CellGrid grid{group, edges[group[0]].size(), std::vector<size_t>(group.size(), 0), 1};
  for (size_t g = 1; g < group.size(); ++g) {
    grid.stride[g] = grid.rows;
    grid.rows *= edges[group[g]].size() - 1;
  }
  return grid;
}

// Adds each leaf to the cells it covers: its value times its volume outside the group's
// columns (`sums`), and that volume (`weights`). A leaf covers a block of cells; along the
// first column a difference array adds it to a row in one step.
void AddLeaves(const std::vector<Leaf>& leaves, const std::vector<std::vector<double>>& edges,
               const CellGrid& grid, std::vector<double>& sums, std::vector<double>& weights) {
  const std::vector<size_t>& group = grid.group;
  std::vector<size_t> from(group.size()), to(group.size()), at(group.size());
  for (const Leaf& leaf : leaves) {
    double other_volume = 1;
    for (size_t c = 0; c < leaf.width.size(); ++c)
      if (std::find(group.begin(), group.end(), c) == group.end()) other_volume *= leaf.width[c];
    for (size_t g = 0; g < group.size(); ++g) {  // a leaf's bounds are edges of the grid
      const std::vector<double>& e = edges[group[g]];
      from[g] =
          static_cast<size_t>(std::lower_bound(e.begin(), e.end(), leaf.low[group[g]]) - e.begin());
      to[g] = static_cast<size_t>(std::lower_bound(e.begin(), e.end(), leaf.high[group[g]]) -
                                  e.begin());
      at[g] = from[g];
    }
    while (true) {  // every row the leaf covers
      size_t row = 0;
      for (size_t g = 1; g < group.size(); ++g) row += at[g] * grid.stride[g];
      sums[row * grid.span + from[0]] += leaf.value * other_volume;
      sums[row * grid.span + to[0]] -= leaf.value * other_volume;
      weights[row * grid.span + from[0]] += other_volume;
      weights[row * grid.span + to[0]] -= other_volume;
      size_t g = 1;
      while (g < group.size() && ++at[g] == to[g]) at[g] = from[g], ++g;
      if (g == group.size()) break;
    }
  }
}

// The variance of the tree's marginal prediction over one parameter's columns (_tree.py:48-141).
// Within a cell of the grid, the marginal prediction is constant: the mean of the leaves the
// cell lies in, each weighted by its volume in the other columns. Its variance is taken over
// the cells, weighted by their size.
double MarginalVariance(const std::vector<Leaf>& leaves,
                        const std::vector<std::vector<double>>& edges,
                        const std::vector<size_t>& group, const FanovaInput& input) {
  const CellGrid grid = GridOf(group, edges);
  std::vector<double> sums(grid.rows * grid.span, 0.0), weights(grid.rows * grid.span, 0.0);
  AddLeaves(leaves, edges, grid, sums, weights);
  const auto relative_width = [&](size_t column, size_t k) {
    return (edges[column][k + 1] - edges[column][k]) / (input.high[column] - input.low[column]);
  };
  std::vector<double> marginal, size;
  for (size_t row = 0; row < grid.rows; ++row) {
    double row_size = 1;  // the cell's size in the other columns of the group
    for (size_t g = 1, rest = row; g < group.size(); ++g) {
      const size_t cells = edges[group[g]].size() - 1;
      row_size *= relative_width(group[g], rest % cells);
      rest /= cells;
    }
    double running_sum = 0, running_weight = 0;
    for (size_t k = 0; k + 1 < grid.span; ++k) {
      running_sum += sums[row * grid.span + k];
      running_weight += weights[row * grid.span + k];
      marginal.push_back(running_sum / running_weight);
      size.push_back(row_size * relative_width(group[0], k));
    }
  }
  return std::max(0.0, WeightedVariance(marginal, size));  // clipped at 0 (_fanova.py:111)
}

}  // namespace

std::vector<double> FanovaShares(const FanovaInput& input, const ForestSettings& settings,
                                 uint64_t seed) {
  HPO_CHECK(!input.scores.empty() && !input.groups.empty(), "fANOVA needs trials and parameters");
  std::vector<double> fraction_sums(input.groups.size(), 0.0);
  int varying_trees = 0;
  for (int t = 0; t < settings.n_trees; ++t) {
    Rng rng(DeriveSeed(seed, static_cast<uint64_t>(t), "fanova-tree"));
    const Tree tree =
        TreeGrower(input, settings, BootstrapWeights(input.scores.size(), rng), rng).Grow();
    const std::vector<Leaf> leaves = LeavesOf(tree, input);
    const double variance = TreeVariance(leaves);
    if (!(variance > 0)) continue;  // a tree that predicts one value explains nothing
    ++varying_trees;
    const std::vector<std::vector<double>> edges = CellEdges(tree, input);
    for (size_t g = 0; g < input.groups.size(); ++g)
      fraction_sums[g] += MarginalVariance(leaves, edges, input.groups[g], input) / variance;
  }
  // The mean fraction over the varying trees (_fanova.py:86-96), normalised (_evaluator.py:130).
  double total = 0;
  for (const double f : fraction_sums) total += f;
  std::vector<double> shares(input.groups.size(), 0.0);
  if (varying_trees == 0 || !(total > 0)) return shares;
  for (size_t g = 0; g < shares.size(); ++g) shares[g] = fraction_sums[g] / total;
  return shares;
}

}  // namespace hpo::report
