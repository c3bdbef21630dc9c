// A sweep that starts from a patch (`hpo sweep CONFIG --from-patch FILE`; the fine-tune profile
// of configs/lunar.yaml): the patch's values become the search's centre, and with `narrow: W`
// each of their numeric ranges shrinks to W of its width around them. Also the one reader of
// patch files for every command that takes one (hpo enqueue --from-patch).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "lib/config/queued_trial.h"
#include "lib/config/sweep_config.h"

namespace hpo::config {

/// The values of a patch file (hpo best-params writes them; any YAML mapping of keys works) for
/// `config`'s sweep, flattened: for hpo train (no `command:`), nested sections such as
/// `trainer:` count by their last name, resolved to trainer keys (`lr` is learning_rate); for
/// another program, nested sections make the dotted names the sweep searches, except under a
/// name the sweep gives mapping values, whose mapping is its value. Each value says where it
/// came from (file:line:col). Throws UserError for a file that is not a mapping or an unknown
/// trainer key.
std::vector<GivenValue> ReadPatchValues(const std::filesystem::path& path,
                                        const SweepConfig& config);

/// Starts `config` from the patch at `patch` (empty: none):
/// - each searched parameter the patch gives is centred on its value (its `mean:`, or a
///   categorical's `prior:`), so the patch is the study's first trial and TPE's prior kernel;
///   a value outside the parameter's range or choices is an error at the patch's line;
/// - the patch's other keys join `fixed:` (a key `fixed:` gives keeps the file's value);
/// - with `narrow: W`, each centred numeric range shrinks to W of its width on its own axis
///   (log for log ranges), around the value and inside the old bounds; `narrow` is then 0.
/// `narrow:` without a patch is an error at its line. Adds a note saying what was taken.
void ApplyFromPatch(SweepConfig& config, const std::string& patch);

}  // namespace hpo::config
