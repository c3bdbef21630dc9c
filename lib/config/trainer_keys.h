// Every trainer hyperparameter by its canonical name (Stable-Baselines3 vocabulary) and the
// names other tools use for it. One table, used by overrides, patches and sweep configs.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hpo::config {

enum class KeyType { kInt, kFloat, kBool, kString, kIntList };

struct TrainerKey {
  std::string_view name;                  ///< canonical snake_case name, equal to the struct field
  KeyType type;
  std::string_view doc;                   ///< one line: meaning and unit
  std::vector<std::string_view> aliases;  ///< other tools' names that mean exactly this key
};

/// The whole table, in documentation order.
std::span<const TrainerKey> TrainerKeys();

/// The table entry of a canonical name, or nullptr.
const TrainerKey* FindTrainerKey(std::string_view canonical);

/// The canonical key for a name as any supported tool writes it: "learning_rate", "lr",
/// "trainer.optimizer.learning_rate", "policy_kwargs.net_arch". Dotted names resolve by their
/// last component. std::nullopt if nothing matches.
std::optional<std::string> CanonicalTrainerKey(std::string_view name);

/// The known name (canonical or alias) closest to `name` by edit distance, for "did you mean".
std::string ClosestTrainerKey(std::string_view name);

}  // namespace hpo::config
