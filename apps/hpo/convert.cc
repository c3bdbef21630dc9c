// hpo convert FILE [--to hpo|wandb|optuna]: a sweep file, in any vocabulary hpo reads, written
// out in hpo's own vocabulary (how hpo read it), as a W&B sweep or as an Optuna-style search
// space (issue 13). Only the YAML goes to stdout.
#include <fmt/core.h>

#include <optional>
#include <string>

#include "apps/hpo/commands.h"
#include "lib/config/sweep_config.h"
#include "lib/config/sweep_convert.h"
#include "lib/core/error.h"
#include "lib/store/storage_url.h"

namespace hpo::cli {
namespace {

struct ConvertOptions {
  std::string file;
  std::string to = "hpo";
  std::string preset;
  std::optional<std::string> command;
};

int RunConvert(const ConvertOptions& o) {
  const config::ConvertFormat format = config::ParseConvertFormat(o.to, Origin{"--to"});
  const std::vector<std::string> command =
      o.command ? config::CommandOption(*o.command) : std::vector<std::string>{};
  config::SweepConfig c = config::LoadSweepConfig(o.file, o.preset, command);
  // Passwords never leave lib/store unmasked, not even back to their owner's terminal.
  if (const std::string masked = store::MaskPassword(c.storage); masked != c.storage) {
    c.storage = masked;
    c.notes.push_back(
        "the storage URL's password is not printed (***): put it back, or use PGPASSWORD / "
        "~/.pgpass");
  }
  fmt::print("{}", config::ConvertSweepConfig(c, format));
  return kExitOk;
}

}  // namespace

void RegisterConvertCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ConvertOptions>();
  CLI::App* cmd =
      app.add_subcommand("convert",
                         "Print a sweep file as hpo read it (--to hpo), as a W&B sweep (--to "
                         "wandb) or as an Optuna-style search space "
                         "(--to optuna); what the target cannot express is a comment on its line. "
                         "Every form loads back into hpo: "
                         "the hpo form as the same sweep, the others as their nearest one");
  cmd->add_option("file", o->file, "Sweep YAML file (any vocabulary hpo sweep reads)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--to", o->to, "Output vocabulary: hpo, wandb or optuna")->capture_default_str();
  cmd->add_option("--preset", o->preset, "Apply a preset from the file's presets: first");
  cmd->add_option("--command", o->command,
                  "Trial program, replacing the file's, as for hpo sweep: files whose parameters "
                  "belong to another "
                  "trainer need one to load ('python train.py ${args}')");
  cmd->callback([o, &exit_code] { exit_code = RunConvert(*o); });
}

}  // namespace hpo::cli
