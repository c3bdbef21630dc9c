// The table of a sweep file's own keys (declared once, in sweep_keys.inc): each key's section,
// the names tools give it, how it is read and stored, whether it defines the study, and its
// documentation. The hpo reader's dispatch, the sampler and pruner readers, SweepConfig::ToYaml,
// `hpo convert`, StudyChanges and docs/config.md's key tables all walk it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace YAML {
class Emitter;
class Node;
}  // namespace YAML

namespace hpo::config {

struct SweepConfig;
class SweepReading;

/// Where a key is written: the top level, a sampler section (sampler:, protein:, tpe:,
/// PufferLib's [sweep]), pruner:, or W&B's early_terminate: (whose keys pruner: takes too).
enum class SweepSection { kTop, kSampler, kPruner, kEarlyTerminate };

/// How a key's value is read. kOwn: by the reader's own code (a section, a list, the metric);
/// the others by the table, into the key's field.
enum class SweepReadingKind {
  kOwn,
  kDescriptive,  ///< accepted, and nothing changes
  kIgnored,      ///< another tool's setting hpo does not have: listed as ignored
  kCount,        ///< a whole number >= the key's least
  kWandbCount,   ///< kCount written without a point (W&B's range() fails on 2.0)
  kResource,     ///< kCount >= 1, or auto (0)
  kNumber,
  kNumbers,  ///< a list of numbers
  kSeconds,  ///< a duration (45s, 30m, 1h30m) or seconds
  kJobs,     ///< >= 1, or auto / -1 for every core
  kFlag,
  kWord,
  kWordOrNone,  ///< a word, or null for none
  kWords,       ///< a list of words, or one word of them comma-separated (`0,1,2,3`)
};

/// Whether ToYaml writes the key: always, only when it differs from the default, or never
/// (a setting of the run that the study does not keep, or a spelling of another key).
enum class Stored { kAlways, kUnlessDefault, kNever };

struct SweepKey {
  SweepSection section;
  std::string_view name;  ///< canonical, as ToYaml writes it
  /// Other names read here, space-separated; "Tool:name" is that tool's name.
  std::string_view aliases;
  /// Other tools' names for it that are read elsewhere (docs only), as aliases.
  std::string_view elsewhere;
  SweepReadingKind reading;
  int64_t least;  ///< kCount: the smallest value
  Stored stored;
  bool study;  ///< part of what the study is: a change makes another study (StudyChanges)
  /// The samplers or pruners a setting applies to, space-separated ("" = every one).
  std::string_view methods;
  std::string_view type, range, default_text, unit;
  std::string_view meaning;  ///< one line
  // The key's field, for every reading but kOwn (nullptr for keys without one).
  void (*read)(SweepReading&, const SweepKey&, const YAML::Node&, const std::string& path);
  void (*emit)(YAML::Emitter&, const SweepKey&, const SweepConfig&);  ///< the value only
  bool (*is_default)(const SweepConfig&);
  std::string (*text)(const SweepConfig&);  ///< the value as one word, for comments
  /// Checks beyond the type (cost's words, narrow's range) and what follows from the value.
  void (*check)(SweepReading&, const YAML::Node&, const std::string& path);

  bool has_field() const { return emit != nullptr; }
  /// Whether the setting applies to sampler or pruner `method`.
  bool AppliesTo(std::string_view method) const;
  /// `tool`'s own name of the setting ("W&B" -> "run_cap"), from its aliases and elsewhere;
  /// empty when the tool has none.
  std::string_view NameIn(std::string_view tool) const;
};

/// The keys of one section, in the order ToYaml writes them.
std::vector<const SweepKey*> SweepKeys(SweepSection section);

/// The key `written` names in `section` (its canonical name or an alias), or nullptr.
const SweepKey* FindSweepKey(SweepSection section, std::string_view written);

/// Every name (canonical and aliases) of `section`'s keys, in table order.
std::vector<std::string_view> SweepKeyNames(SweepSection section);

/// Reads `value` into the key's field with its checks. False for a kOwn key (the caller's
/// code reads it).
bool ReadSweepKey(SweepReading& reading, const SweepKey& key, const YAML::Node& value,
                  const std::string& path);

/// One Markdown table row per key of `section`, as docs/config.md shows them.
std::string SweepKeysMarkdown(SweepSection section);

}  // namespace hpo::config
