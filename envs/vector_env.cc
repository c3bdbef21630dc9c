#include "envs/vector_env.h"

#include <algorithm>

#include "lib/core/random.h"

namespace hpo::envs {

struct VectorEnv::State {
  std::vector<std::unique_ptr<Env>> envs;
  std::vector<Rng> episode_seeds;  ///< copy i's stream of episode seeds
  std::vector<double> returns;     ///< running return of each copy's episode
  std::vector<int> lengths;
  std::vector<float> final_observations;
  std::vector<EpisodeStats> finished;
  int observation_size = 0;
  ActionSpace action_space;
};

VectorEnv::VectorEnv(const std::string& env_id, int num_envs, uint64_t seed,
                     const EnvOptions& options)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  for (int i = 0; i < num_envs; ++i) {
    s.envs.push_back(MakeEnv(env_id, options));
    s.episode_seeds.emplace_back(DeriveSeed(seed, static_cast<uint64_t>(i), "env"));
  }
  s.observation_size = s.envs.front()->observation_size();
  s.action_space = s.envs.front()->action_space();
  s.returns.assign(static_cast<size_t>(num_envs), 0.0);
  s.lengths.assign(static_cast<size_t>(num_envs), 0);
  s.final_observations.assign(static_cast<size_t>(num_envs * s.observation_size), 0.0f);
  s.finished.reserve(static_cast<size_t>(num_envs) * 4);
}

VectorEnv::~VectorEnv() = default;
VectorEnv::VectorEnv(VectorEnv&&) noexcept = default;
VectorEnv& VectorEnv::operator=(VectorEnv&&) noexcept = default;

int VectorEnv::num_envs() const { return static_cast<int>(state_->envs.size()); }
int VectorEnv::observation_size() const { return state_->observation_size; }
ActionSpace VectorEnv::action_space() const { return state_->action_space; }
double VectorEnv::reward_threshold() const { return state_->envs.front()->reward_threshold(); }

void VectorEnv::Reset(std::span<float> observations) {
  State& s = *state_;
  const size_t n = static_cast<size_t>(s.observation_size);
  for (size_t i = 0; i < s.envs.size(); ++i) {
    s.envs[i]->Reset(s.episode_seeds[i](), observations.subspan(i * n, n));
    s.returns[i] = 0.0;
    s.lengths[i] = 0;
  }
}

void VectorEnv::Step(std::span<const float> actions, std::span<float> observations,
                     std::span<float> rewards, std::span<uint8_t> terminated,
                     std::span<uint8_t> truncated) {
  State& s = *state_;
  const size_t n = static_cast<size_t>(s.observation_size);
  const size_t width = static_cast<size_t>(s.action_space.width());
  for (size_t i = 0; i < s.envs.size(); ++i) {
    std::span<float> obs = observations.subspan(i * n, n);
    const StepResult r = s.envs[i]->Step(actions.subspan(i * width, width), obs);
    rewards[i] = r.reward;
    terminated[i] = r.terminated;
    truncated[i] = r.truncated;
    s.returns[i] += r.reward;
    s.lengths[i] += 1;
    if (r.terminated || r.truncated) {
      std::copy(obs.begin(), obs.end(),
                s.final_observations.begin() + static_cast<std::ptrdiff_t>(i * n));
      s.finished.push_back(
          {static_cast<int>(i), s.returns[i], s.lengths[i], r.terminated, r.truncated});
      s.envs[i]->Reset(s.episode_seeds[i](), obs);
      s.returns[i] = 0.0;
      s.lengths[i] = 0;
    }
  }
}

std::span<const float> VectorEnv::final_observations() const { return state_->final_observations; }

const std::vector<EpisodeStats>& VectorEnv::finished_episodes() const { return state_->finished; }

void VectorEnv::ClearFinishedEpisodes() { state_->finished.clear(); }

}  // namespace hpo::envs
