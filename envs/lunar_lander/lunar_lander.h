// LunarLander-v3 (Gymnasium 1.x, gymnasium/envs/box2d/lunar_lander.py) on Box2D 2.4.1.
//
// The physics class owns the Box2D world and knows engines, not actions; the env adapter maps
// discrete or continuous actions onto engine commands and adds the time limit. Parity with
// Gymnasium is statistical (Box2D 2.4 vs pybox2d's 2.3 runtime), checked by the heuristic tests.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <utility>
#include <vector>

#include "envs/env.h"
#include "lib/core/random.h"

class b2Body;
class b2World;

namespace hpo::envs {

/// Engine commands for one step, already decoded from the action.
struct EngineCommand {
  double main_power = 0.0;  ///< 0 = off, else in [0.5, 1]
  double side_power = 0.0;  ///< 0 = off, else in [0.5, 1]
  int side_direction = 0;   ///< -1 left engine, +1 right engine
};

class LunarLanderPhysics {
 public:
  static constexpr int kObservationSize = 8;
  using Observation = std::array<double, kObservationSize>;

  explicit LunarLanderPhysics(const EnvOptions& options);
  ~LunarLanderPhysics();
  LunarLanderPhysics(const LunarLanderPhysics&) = delete;
  LunarLanderPhysics& operator=(const LunarLanderPhysics&) = delete;

  /// Builds a new world (terrain, lander, legs) from `seed` and performs Gymnasium's no-op
  /// step, whose reward is discarded. Returns its observation.
  Observation Reset(uint64_t seed);

  struct Outcome {
    Observation observation;
    double reward = 0.0;
    bool terminated = false;
  };
  Outcome Step(const EngineCommand& command);

  /// Box2D world step alone (for the benchmark of the bare physics cost).
  void StepWorldOnly();

  /// The next uniform draws (terrain heights, initial push, per-step dispersion, in Gymnasium's
  /// order), taken in turn instead of the env's own stream: a replay of Gymnasium's draws
  /// (scripts/replay-env). The own stream resumes when they run out.
  void ReplayDraws(std::vector<double> draws);

  // The formulas, as pure functions so tests can check them on hand-computed states.
  /// Observation from the lander's origin position (m), velocity (m/s), angle (rad), angular
  /// velocity (rad/s) and leg contacts.
  static Observation Normalise(double x, double y, double vx, double vy, double angle, double omega,
                               bool left_contact, bool right_contact);
  /// The shaping potential whose change is the reward.
  static double Shaping(const Observation& s);
  /// Termination rules in upstream's order: a crash or |x| >= 1 sets -100, then coming to rest
  /// (body asleep) sets +100 and wins. Returns (reward, terminated).
  static std::pair<double, bool> ApplyTermination(double reward, bool game_over, double x,
                                                  bool awake);

 private:
  class ContactDetector;
  void BuildWorld();   // a new episode's world: BuildMoon, BuildLander, BuildLegs, in that order
  void BuildMoon();    // draws the terrain's heights
  void BuildLander();  // draws the initial push, and the wind's phases when wind is on
  void BuildLegs();
  Observation Observe() const;
  double Draw(double low, double high);  // the next replayed draw, or Uniform(rng_, low, high)

  EnvOptions options_;
  Rng rng_{0};
  std::deque<double> replayed_draws_;
  std::unique_ptr<ContactDetector> contacts_;
  std::unique_ptr<b2World> world_;
  b2Body* moon_ = nullptr;
  b2Body* lander_ = nullptr;
  std::array<b2Body*, 2> legs_{};
  std::array<bool, 2> leg_contact_{};
  bool game_over_ = false;
  double prev_shaping_ = 0.0;
  bool has_prev_shaping_ = false;
  int64_t wind_idx_ = 0;
  int64_t torque_idx_ = 0;
};

/// The Env adapter: discrete (4 actions) or continuous (2 actions in [-1, 1]) plus the time limit.
class LunarLanderEnv : public Env {
 public:
  LunarLanderEnv(bool continuous, const EnvOptions& options);

  int observation_size() const override { return LunarLanderPhysics::kObservationSize; }
  ActionSpace action_space() const override;
  double reward_threshold() const override { return 200.0; }
  void Reset(uint64_t seed, std::span<float> observation) override;
  StepResult Step(std::span<const float> action, std::span<float> observation) override;

  /// Gymnasium's heuristic controller (lunar_lander.py `heuristic`): the action it takes for
  /// an observation, in this env's action format (1 float discrete, 2 floats continuous).
  static void HeuristicAction(bool continuous, std::span<const float> observation,
                              std::span<float> action);

  /// See LunarLanderPhysics::ReplayDraws.
  void ReplayDraws(std::vector<double> draws) { physics_.ReplayDraws(std::move(draws)); }

 private:
  EngineCommand Decode(std::span<const float> action) const;

  bool continuous_;
  int max_episode_steps_;
  int elapsed_steps_ = 0;
  LunarLanderPhysics physics_;
};

}  // namespace hpo::envs
