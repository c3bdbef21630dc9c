#include "lib/trainer/checkpoint.h"

#include <fmt/format.h>
#include <torch/torch.h>
#include <unistd.h>

#include <string>

#include "lib/core/error.h"

namespace hpo::trainer {
namespace {

torch::Tensor TensorOf(const std::vector<float>& v) {
  return torch::from_blob(const_cast<float*>(v.data()), {static_cast<int64_t>(v.size())}).clone();
}

std::vector<float> VectorOf(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kFloat).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
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
  std::filesystem::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
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
  } catch (const c10::Error& e) {
    throw UserError(
        fmt::format("cannot read checkpoint {}: {}", path.string(), e.what_without_backtrace()));
  }
  return state;
}

std::filesystem::path LatestCheckpoint(const std::filesystem::path& run_dir) {
  const std::filesystem::path dir = run_dir / "checkpoints";
  if (std::filesystem::exists(dir / "final.pt")) return dir / "final.pt";
  std::filesystem::path latest;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("step_", 0) == 0 && entry.path().extension() == ".pt" &&
        (latest.empty() || name > latest.filename().string())) {
      latest = entry.path();  // zero-padded step numbers sort as text
    }
  }
  if (latest.empty()) throw UserError("no checkpoint in " + dir.string());
  return latest;
}

}  // namespace hpo::trainer
