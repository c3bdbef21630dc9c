#include "lib/trainer/checkpoint.h"

#include <fmt/format.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <string>

#include "lib/core/error.h"
#include "lib/protocol/run_folder.h"

namespace hpo::trainer {
namespace {

torch::Tensor TensorOf(const std::vector<float>& v) {
  return torch::from_blob(const_cast<float*>(v.data()), {static_cast<int64_t>(v.size())}).clone();
}

std::vector<float> VectorOf(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kFloat).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

// A string entry, or "" when the checkpoint predates it.
std::string TryReadString(torch::serialize::InputArchive& archive, const std::string& key) {
  c10::IValue value;
  return archive.try_read(key, value) && value.isString() ? value.toStringRef() : "";
}

// N of a run's checkpoint file step_<N>.pt (protocol::CheckpointStep; .pt files only: the
// trainer loads nothing else).
std::optional<int64_t> StepOfName(const std::filesystem::path& path) {
  const std::string stem = path.stem().string();
  if (path.extension() != ".pt" || stem.find('.') != std::string::npos) return std::nullopt;
  return protocol::CheckpointStep(stem);  // step_100.bak.pt is no checkpoint of step 100
}

}  // namespace

void SaveCheckpointFile(const std::filesystem::path& path, const CheckpointState& state) {
  torch::serialize::OutputArchive archive;
  archive.write("params", TensorOf(state.params));
  archive.write("adam_m", TensorOf(state.adam_m));
  archive.write("adam_v", TensorOf(state.adam_v));
  archive.write("counters", torch::tensor({state.adam_step, state.global_step, state.updates,
                                           state.solved_step},
                                          torch::kLong));
  archive.write("training_seconds",
                torch::tensor({state.training_seconds, state.solved_seconds}, torch::kDouble));
  archive.write("network", c10::IValue(state.network));
  archive.write("policy_rng", c10::IValue(state.policy_rng));
  archive.write("replay_transitions", TensorOf(state.replay_transitions));
  const std::filesystem::path tmp =
      path.parent_path() / ("." + path.filename().string() + ".tmp." + std::to_string(::getpid()));
  archive.save_to(tmp.string());
  std::filesystem::rename(tmp, path);
}

CheckpointState LoadCheckpointFile(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw UserError("no checkpoint " + path.string());
  torch::serialize::InputArchive archive;
  CheckpointState state;
  try {
    archive.load_from(path.string());
    torch::Tensor params, m, v, counters, seconds;
    archive.read("params", params);
    archive.read("adam_m", m);
    archive.read("adam_v", v);
    archive.read("counters", counters);
    archive.read("training_seconds", seconds);
    state.params = VectorOf(params);
    state.adam_m = VectorOf(m);
    state.adam_v = VectorOf(v);
    state.adam_step = counters[0].item<int64_t>();
    state.global_step = counters[1].item<int64_t>();
    state.updates = counters[2].item<int64_t>();
    state.training_seconds = seconds[0].item<double>();
    // older checkpoints lack the solve step and time
    if (counters.numel() > 3) state.solved_step = counters[3].item<int64_t>();
    if (seconds.numel() > 1) state.solved_seconds = seconds[1].item<double>();
    state.network = TryReadString(archive, "network");
    state.policy_rng = TryReadString(archive, "policy_rng");
    torch::Tensor replay;
    if (archive.try_read("replay_transitions", replay)) state.replay_transitions = VectorOf(replay);
  } catch (const c10::Error& e) {
    throw UserError(
        fmt::format("cannot read checkpoint {}: {}", path.string(), e.what_without_backtrace()));
  }
  return state;
}

std::filesystem::path LatestCheckpoint(const std::filesystem::path& run_dir) {
  return LatestCheckpointIn(run_dir / protocol::kCheckpointsDir);
}

std::filesystem::path LatestCheckpointIn(const std::filesystem::path& folder) {
  if (std::filesystem::exists(folder / protocol::kFinalCheckpoint))
    return folder / protocol::kFinalCheckpoint;
  std::filesystem::path latest;
  int64_t latest_step = -1;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::optional<int64_t> step = StepOfName(entry.path());
    if (step && *step > latest_step) {
      latest_step = *step;
      latest = entry.path();
    }
  }
  if (latest.empty()) throw UserError("no checkpoint in " + folder.string());
  return latest;
}

}  // namespace hpo::trainer
