#include "lib/protocol/trial_command.h"

#include "lib/core/command_macros.h"
#include "lib/protocol/run_folder.h"

namespace hpo::protocol {

std::vector<std::string> TrialCommand(const std::vector<std::string>& command,
                                      const std::filesystem::path& hpo_binary,
                                      const ParamSet& params, const std::filesystem::path& run_dir,
                                      uint64_t seed, const std::string& gpus) {
  if (command.empty()) {
    return {hpo_binary.string(),
            "train",
            "--run-dir",
            run_dir.string(),
            "--config",
            (run_dir / kTrialInput).string(),
            "--seed",
            std::to_string(seed)};
  }
  return ExpandMacros(command, MacroValues{&params, run_dir, {{"gpus", gpus}}});
}

}  // namespace hpo::protocol
