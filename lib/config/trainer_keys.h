// The table of `hpo train` keys (declared once, in trainer_keys.inc): each key's type, default,
// unit, meaning, and the names other tools give it. Overrides, patches, trainer config files and
// sweep files all find keys here.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "lib/config/trainer_config.h"
#include "lib/core/error.h"
#include "lib/core/value.h"

namespace hpo::config {

enum class KeyType { kInt, kFloat, kBool, kString, kIntList };

/// Whose meaning a name has where tools disagree. CleanRL, PufferLib and Metta call the whole
/// rollout `batch_size` (hpo's rollout_size) and the PPO minibatch `minibatch_size` (hpo's
/// batch_size); SB3, and hpo, call the minibatch `batch_size`.
enum class TrainerDialect { kSb3, kPufferLib };

struct TrainerKey {
  std::string_view name;  ///< canonical snake_case name, equal to the TrainerConfig field
  KeyType type;
  std::string_view unit;     ///< "" when the value has none
  std::string_view meaning;  ///< one line
  // Each tool's name for exactly this quantity ("" when it has none); `others` is space-separated.
  std::string_view sb3, cleanrl, pufferlib, skrl, others;
  std::string_view algorithms;  ///< space-separated algorithms reading this key ("" = all)
  Value (*get)(const TrainerConfig&);
  void (*set)(TrainerConfig&, const Value&, const Origin&);  ///< type-checked; throws UserError
};

/// The algorithms `hpo train` runs, as the `algorithm` key names them.
inline constexpr std::string_view kAlgorithms[] = {"ppo", "a2c", "sac"};

/// Whether `algorithm` reads `key`.
bool AppliesTo(const TrainerKey& key, std::string_view algorithm);

/// The whole table, in documentation order.
std::span<const TrainerKey> TrainerKeys();

/// The table entry of a canonical name, or nullptr.
const TrainerKey* FindTrainerKey(std::string_view canonical);

/// The canonical key for a name as any supported tool writes it: "learning_rate", "lr",
/// "trainer.optimizer.learning_rate", "policy_kwargs.net_arch". Dotted names resolve by their
/// last component; `dialect` settles the names tools disagree on. std::nullopt if nothing matches.
std::optional<std::string> CanonicalTrainerKey(std::string_view name,
                                               TrainerDialect dialect = TrainerDialect::kSb3);

/// The known name (canonical or alias) closest to `name` by edit distance, for "did you mean".
std::string ClosestTrainerKey(std::string_view name);

/// The key reference of docs/config.md: one Markdown table row per key, with its default under
/// each algorithm ("-" where the algorithm does not read it).
std::string TrainerKeysMarkdown();

}  // namespace hpo::config
