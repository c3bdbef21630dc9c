// PBT's explore: the values a member that copies a leader goes on with. Ray Tune's _explore
// (ray python/ray/tune/schedulers/pbt.py:66-157), parameter by parameter:
//   - a categorical (Ray's list or tuple case, pbt.py:106-125): with resample_probability, or
//     when the leader's value is not one of the choices, a draw from the prior; otherwise one
//     index left or right with equal odds, staying put at either end of the list;
//   - a numeric parameter (Ray's Domain or callable case, pbt.py:126-147): with
//     resample_probability a draw from the prior; otherwise the leader's value times one of
//     perturbation_factors, chosen with equal odds; a whole-number (integer) value is truncated
//     towards zero after that, as Python's int() does. Log-scale parameters are multiplied as any
//     other: Ray's explore does not look at the scale (a factor is already a step on a log axis).
// And one difference from Ray (issue 39, #11936 "perturbed values leaving the declared range"):
// the numeric result is clipped into the parameter's declared range and rounded to its step and
// kind (int, power of two, multiple of q) as a draw is (space::SearchSpace::Clip). So 0.99 * 1.2
// is 0.999 where logit_normal's max is 0.999, not Ray's 1.188; a power of two 64 times 1.2 (76)
// rounds back to 64, as does 64 * 0.8 (51), since the nearest power of two in log2 is 64: a
// uniform_pow2 value from 4 up never moves by a factor, only by a resample (write the values as
// a list of choices to shift them instead).
// hpo's additions for what Ray's spaces have not: a numeric leader value that is not a finite
// number is resampled (Ray multiplies whatever it finds); conditional parameters that the new
// values make active are drawn from the prior (as Ray's on_trial_add fills a missing key,
// pbt.py:501-512), those they make inactive are dropped; and a combination a constraint rejects
// is explored again.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/random.h"
#include "lib/core/value.h"
#include "lib/pbt/pbt_settings.h"
#include "lib/space/search_space.h"

namespace hpo::pbt {

/// Where explore's randomness comes from, in Ray's order of draws: one random.random() per
/// parameter, then one random.choice() of a factor or a shift, or a draw from the prior.
class ExploreDraws {
 public:
  virtual ~ExploreDraws() = default;
  /// random.random(): uniform in [0, 1).
  virtual double Unit() = 0;
  /// random.choice()'s pick among `size` (> 0) items.
  virtual size_t Index(size_t size) = 0;
  /// A draw from the prior of `dimension` (Ray: Domain.sample(), or random.choice of a list).
  virtual Value Prior(const space::SearchSpace& space, size_t dimension) = 0;
};

/// ExploreDraws from one Rng: what a sweep uses.
class RngDraws : public ExploreDraws {
 public:
  explicit RngDraws(Rng& rng) : rng_(rng) {}
  double Unit() override;
  size_t Index(size_t size) override;
  Value Prior(const space::SearchSpace& space, size_t dimension) override;

 private:
  Rng& rng_;
};

/// What explore does to one parameter.
struct Move {
  enum class Kind { kResample, kScale, kShift };
  Kind kind = Kind::kScale;
  double factor = 1.0;  ///< kScale: the factor drawn from perturbation_factors
  int shift = 0;        ///< kShift: -1 (left) or +1 (right)
  Value resampled{};    ///< kResample: the prior's draw
};

/// One parameter's new value, and how it came (for the member's lineage).
struct ParameterChange {
  std::string name;
  std::optional<Value> before;  ///< the leader's value; none for a parameter that became active
  std::optional<Value> after;   ///< none for a parameter that became inactive
  /// Ray's words for the operation (pbt.py:114-143): "resample", "* 1.2", "shift left",
  /// "shift right (noop)"; hpo's: "resample (now active)", "dropped (now inactive)".
  std::string operation;
  /// Ray's value where hpo clipped it into the declared range or onto the step grid.
  std::optional<Value> unclipped;
};

struct Exploration {
  ParamSet values;                       ///< the member's new values: every active parameter
  std::vector<ParameterChange> changes;  ///< in dimension order
  int attempts = 1;                      ///< explorations drawn until the constraints held
  /// false when no exploration in kMaxExploreAttempts passed the constraints: `values` are then
  /// the leader's own, and `changes` is empty.
  bool explored = true;
};

inline constexpr int kMaxExploreAttempts = 100;

/// Ray's hyperparam_mutations must not be empty (pbt.py:391): throws hpo::UserError when the
/// space has no searched parameter.
void CheckExplorable(const space::SearchSpace& space);

/// The move for one parameter, drawing as Ray does (pbt.py:108-141): a resample when
/// Unit() < resample_probability (or, for a categorical, when `leader_value` is not a choice;
/// for a numeric one, when it is not a finite number), else a shift (Index(2): 0 left, 1 right)
/// or a factor (Index(number of factors)).
Move DrawMove(const space::SearchSpace& space, size_t dimension, const Value& leader_value,
              const PbtSettings& settings, ExploreDraws& draws);

/// The parameter's value after `move`, with hpo's clipping (see the file comment).
ParameterChange ApplyMove(const space::SearchSpace& space, size_t dimension,
                          const Value& leader_value, const Move& move);

/// The values a member goes on with after copying a leader whose values are `leader` (those
/// of the space's active parameters; others are ignored).
Exploration Explore(const space::SearchSpace& space, const ParamSet& leader,
                    const PbtSettings& settings, ExploreDraws& draws);

}  // namespace hpo::pbt
