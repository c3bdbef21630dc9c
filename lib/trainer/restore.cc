#include "lib/trainer/restore.h"

#include <fmt/format.h>

#include <sstream>
#include <string_view>
#include <vector>

#include "lib/config/trainer_keys.h"
#include "lib/core/atomic_file.h"
#include "lib/core/error.h"
#include "lib/core/value.h"
#include "lib/protocol/run_folder.h"
#include "lib/trainer/checkpoint.h"

namespace hpo::trainer {
namespace {

// Keys a checkpoint must share with the run that loads it (NetworkOf says why each).
constexpr std::string_view kNetworkKeys[] = {"env_id",         "algorithm",     "net_arch",
                                             "shared_network", "activation_fn", "use_rms_prop"};

// The "key: value" lines of NetworkOf's text, in order.
std::vector<std::pair<std::string, std::string>> Lines(const std::string& network) {
  std::vector<std::pair<std::string, std::string>> lines;
  std::istringstream in(network);
  for (std::string line; std::getline(in, line);) {
    const size_t colon = line.find(": ");
    if (colon != std::string::npos)
      lines.emplace_back(line.substr(0, colon), line.substr(colon + 2));
  }
  return lines;
}

}  // namespace

std::string NetworkOf(const config::TrainerConfig& config) {
  std::string text;
  for (std::string_view key : kNetworkKeys) {
    const config::TrainerKey* known = config::FindTrainerKey(key);
    if (known && config::AppliesTo(*known, config.algorithm))
      text += fmt::format("{}: {}\n", key, config.Get(std::string(key)).ToYaml());
  }
  return text;
}

std::string NetworkMismatch(const std::string& network, const config::TrainerConfig& config) {
  const auto theirs = Lines(network), ours = Lines(NetworkOf(config));
  std::string differences;
  for (const auto& [key, value] : theirs) {
    std::string here = "not read by this config's algorithm";
    for (const auto& [our_key, our_value] : ours) {
      if (our_key == key) here = our_value;
    }
    if (here == value) continue;
    if (!differences.empty()) differences += "; ";
    differences += fmt::format("{} is {} in the checkpoint and {} here", key, value, here);
    if (key == "algorithm") break;  // the other keys' differences follow from it
  }
  return differences;
}

std::filesystem::path CheckpointNamedBy(const std::filesystem::path& file_or_dir) {
  if (!std::filesystem::is_directory(file_or_dir)) {
    if (!std::filesystem::exists(file_or_dir))
      throw UserError("no checkpoint " + file_or_dir.string());
    return file_or_dir;
  }
  if (std::filesystem::is_directory(file_or_dir / protocol::kCheckpointsDir))
    return LatestCheckpoint(file_or_dir);
  return LatestCheckpointIn(file_or_dir);
}

void KeepStartingPoint(const std::filesystem::path& run_dir,
                       const std::filesystem::path& checkpoint, int64_t global_step) {
  const std::filesystem::path folder = run_dir / protocol::kCheckpointsDir;
  const std::string copy = protocol::StepCheckpointName(global_step);
  std::filesystem::create_directories(folder);
  const std::filesystem::path tmp = folder / ("." + copy + ".tmp");
  std::filesystem::copy_file(checkpoint, tmp, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::rename(tmp, folder / copy);
  WriteFileAtomic(run_dir / protocol::kInitFromRecord,
                  fmt::format("# The checkpoint this run started from (hpo train --init-from or "
                              "HPO_RESTORE_FROM), and its copy\n"
                              "checkpoint: {}\nstep: {}\ncopy: {}\n",
                              Value(std::filesystem::absolute(checkpoint).string()).ToYaml(),
                              global_step, Value("checkpoints/" + copy).ToYaml()));
}

std::string RngText(const Rng& rng) {
  std::ostringstream out;
  out << rng;
  return out.str();
}

void RestoreRng(Rng& rng, const std::string& text, const std::filesystem::path& checkpoint) {
  std::istringstream in(text);
  in >> rng;
  if (in.fail()) {
    throw UserError(fmt::format("checkpoint {}: its random stream is not an mt19937_64 state",
                                checkpoint.string()));
  }
}

}  // namespace hpo::trainer
