// Port of Gymnasium 1.x LunarLander-v3 (gymnasium/envs/box2d/lunar_lander.py) to Box2D 2.4.1.
// Facts and their sources: docs/lunar_lander.md. Rendering and particles are left out
// (render-only upstream).
#include "envs/lunar_lander/lunar_lander.h"

#include <box2d/box2d.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <tuple>

#include "lib/core/error.h"

namespace hpo::envs {
namespace {

constexpr double kFps = 50.0;
constexpr double kScale = 30.0;  // pixels per metre
constexpr double kMainEnginePower = 13.0;
constexpr double kSideEnginePower = 0.6;
constexpr double kInitialRandom = 1000.0;  // N, initial push
constexpr double kLegAway = 20.0;
constexpr double kLegDown = 18.0;
constexpr double kLegW = 2.0;
constexpr double kLegH = 8.0;
constexpr double kLegSpringTorque = 40.0;
constexpr double kSideEngineHeight = 14.0;
constexpr double kSideEngineAway = 12.0;
constexpr double kMainEngineYLocation = 4.0;
constexpr double kViewportW = 600.0;
constexpr double kViewportH = 400.0;
constexpr double kW = kViewportW / kScale;            // 20 m
constexpr double kH = kViewportH / kScale;            // 13.333 m
constexpr double kInitialX = kW / 2, kInitialY = kH;  // where the lander and its legs start
constexpr int kChunks = 11;
constexpr double kHelipadY = kH / 4;
constexpr int kVelocityIterations = 6 * 30;
constexpr int kPositionIterations = 2 * 30;
constexpr uint16_t kLanderCategory = 0x0010;
constexpr uint16_t kLegCategory = 0x0020;
constexpr uint16_t kGroundMask = 0x0001;
constexpr double kLanderPolygon[][2] = {{-14, 17}, {-17, 0}, {-17, -10},
                                        {17, -10}, {17, 0},  {14, 17}};

b2Vec2 Vec(double x, double y) { return b2Vec2(static_cast<float>(x), static_cast<float>(y)); }

}  // namespace

// Begin contact with the lander ends the game; legs track their ground contact.
class LunarLanderPhysics::ContactDetector : public b2ContactListener {
 public:
  explicit ContactDetector(LunarLanderPhysics& env) : env_(env) {}

  void BeginContact(b2Contact* contact) override {
    const b2Body* a = contact->GetFixtureA()->GetBody();
    const b2Body* b = contact->GetFixtureB()->GetBody();
    if (a == env_.lander_ || b == env_.lander_) env_.game_over_ = true;
    for (int i = 0; i < 2; ++i) {
      if (a == env_.legs_[i] || b == env_.legs_[i]) env_.leg_contact_[i] = true;
    }
  }
  void EndContact(b2Contact* contact) override {
    const b2Body* a = contact->GetFixtureA()->GetBody();
    const b2Body* b = contact->GetFixtureB()->GetBody();
    for (int i = 0; i < 2; ++i) {
      if (a == env_.legs_[i] || b == env_.legs_[i]) env_.leg_contact_[i] = false;
    }
  }

 private:
  LunarLanderPhysics& env_;
};

LunarLanderPhysics::LunarLanderPhysics(const EnvOptions& options)
    : options_(options), contacts_(std::make_unique<ContactDetector>(*this)) {}

LunarLanderPhysics::~LunarLanderPhysics() = default;

LunarLanderPhysics::Observation LunarLanderPhysics::Reset(uint64_t seed) {
  rng_.seed(seed);
  BuildWorld();
  has_prev_shaping_ = false;
  // Gymnasium's reset returns the observation of one no-op step; its reward is discarded.
  return Step(EngineCommand{}).observation;
}

void LunarLanderPhysics::ReplayDraws(std::vector<double> draws) {
  replayed_draws_.assign(draws.begin(), draws.end());
}

double LunarLanderPhysics::Draw(double low, double high) {
  if (replayed_draws_.empty()) return Uniform(rng_, low, high);
  const double draw = replayed_draws_.front();
  replayed_draws_.pop_front();
  return draw;
}

void LunarLanderPhysics::BuildWorld() {
  world_.reset();  // a brand-new world every episode, as upstream
  world_ = std::make_unique<b2World>(Vec(0, options_.gravity));
  world_->SetContactListener(contacts_.get());
  game_over_ = false;
  leg_contact_ = {false, false};
  BuildMoon();
  BuildLander();
  BuildLegs();
}

void LunarLanderPhysics::BuildMoon() {
  // terrain: 12 random heights, flattened under the helipad, smoothed over neighbours
  std::array<double, kChunks + 1> height;
  for (double& h : height) h = Draw(0.0, kH / 2);
  std::array<double, kChunks> chunk_x;
  for (int i = 0; i < kChunks; ++i) chunk_x[i] = kW / (kChunks - 1) * i;
  for (int i = kChunks / 2 - 2; i <= kChunks / 2 + 2; ++i) height[i] = kHelipadY;
  std::array<double, kChunks> smooth_y;
  for (int i = 0; i < kChunks; ++i) {
    const double previous = i == 0 ? height[kChunks] : height[i - 1];  // Python's height[-1]
    smooth_y[i] = 0.33 * (previous + height[i] + height[i + 1]);       // 0.33, as upstream
  }

  // moon: a flat bottom edge (default friction 0.2), then the terrain edges (friction 0.1)
  b2BodyDef moon_def;
  moon_ = world_->CreateBody(&moon_def);
  b2EdgeShape bottom;
  bottom.SetTwoSided(Vec(0, 0), Vec(kW, 0));
  b2FixtureDef bottom_fixture;
  bottom_fixture.shape = &bottom;
  moon_->CreateFixture(&bottom_fixture);
  for (int i = 0; i < kChunks - 1; ++i) {
    b2EdgeShape edge;
    edge.SetTwoSided(Vec(chunk_x[i], smooth_y[i]), Vec(chunk_x[i + 1], smooth_y[i + 1]));
    b2FixtureDef fixture;
    fixture.shape = &edge;
    fixture.density = 0;
    fixture.friction = 0.1f;
    moon_->CreateFixture(&fixture);
  }
}

void LunarLanderPhysics::BuildLander() {
  b2BodyDef lander_def;
  lander_def.type = b2_dynamicBody;
  lander_def.position = Vec(kInitialX, kInitialY);
  lander_def.angle = 0;
  lander_ = world_->CreateBody(&lander_def);
  b2Vec2 vertices[std::size(kLanderPolygon)];
  for (size_t i = 0; i < std::size(kLanderPolygon); ++i) {
    vertices[i] = Vec(kLanderPolygon[i][0] / kScale, kLanderPolygon[i][1] / kScale);
  }
  b2PolygonShape hull;
  hull.Set(vertices, static_cast<int32>(std::size(kLanderPolygon)));
  b2FixtureDef hull_fixture;
  hull_fixture.shape = &hull;
  hull_fixture.density = 5.0f;
  hull_fixture.friction = 0.1f;
  hull_fixture.restitution = 0.0f;
  hull_fixture.filter.categoryBits = kLanderCategory;
  hull_fixture.filter.maskBits = kGroundMask;
  lander_->CreateFixture(&hull_fixture);
  const double push_x = Draw(-kInitialRandom, kInitialRandom);
  const double push_y = Draw(-kInitialRandom, kInitialRandom);
  lander_->ApplyForceToCenter(Vec(push_x, push_y), true);

  // wind: random phase of the wind and turbulence functions
  if (options_.enable_wind) {
    wind_idx_ = UniformInt(rng_, -9999, 9999);
    torque_idx_ = UniformInt(rng_, -9999, 9999);
  }
}

void LunarLanderPhysics::BuildLegs() {
  // legs: i = -1 (left, legs_[0]) then +1, each on a motorised revolute joint with limits
  for (int k = 0; k < 2; ++k) {
    const int i = k == 0 ? -1 : 1;
    b2BodyDef leg_def;
    leg_def.type = b2_dynamicBody;
    leg_def.position = Vec(kInitialX - i * kLegAway / kScale, kInitialY);
    leg_def.angle = static_cast<float>(i * 0.05);
    b2Body* leg = world_->CreateBody(&leg_def);
    b2PolygonShape box;
    box.SetAsBox(static_cast<float>(kLegW / kScale), static_cast<float>(kLegH / kScale));
    b2FixtureDef leg_fixture;
    leg_fixture.shape = &box;
    leg_fixture.density = 1.0f;
    leg_fixture.restitution = 0.0f;
    leg_fixture.filter.categoryBits = kLegCategory;
    leg_fixture.filter.maskBits = kGroundMask;
    leg->CreateFixture(&leg_fixture);

    b2RevoluteJointDef joint;
    joint.bodyA = lander_;
    joint.bodyB = leg;
    joint.localAnchorA = Vec(0, 0);
    joint.localAnchorB = Vec(i * kLegAway / kScale, kLegDown / kScale);
    // pybox2d fills referenceAngle from the bodies' angles; the C++ default is 0.
    joint.referenceAngle = static_cast<float>(i * 0.05);
    joint.enableMotor = true;
    joint.enableLimit = true;
    joint.maxMotorTorque = static_cast<float>(kLegSpringTorque);
    joint.motorSpeed = static_cast<float>(0.3 * i);
    joint.lowerAngle = i == -1 ? 0.9f - 0.5f : -0.9f;
    joint.upperAngle = i == -1 ? 0.9f : -0.9f + 0.5f;
    world_->CreateJoint(&joint);
    legs_[k] = leg;
  }
}

LunarLanderPhysics::Outcome LunarLanderPhysics::Step(const EngineCommand& command) {
  // wind and turbulence, only while airborne
  if (options_.enable_wind && !(leg_contact_[0] || leg_contact_[1])) {
    const auto wave = [](int64_t idx) {
      return std::tanh(std::sin(0.02 * idx) + std::sin(M_PI * 0.01 * idx));
    };
    lander_->ApplyForceToCenter(Vec(wave(wind_idx_++) * options_.wind_power, 0), true);
    lander_->ApplyTorque(static_cast<float>(wave(torque_idx_++) * options_.turbulence_power), true);
  }

  const double angle = lander_->GetAngle();
  const double tip_x = std::sin(angle), tip_y = std::cos(angle);
  const double side_x = -tip_y, side_y = tip_x;
  // two dispersion draws every step, whatever the action (keeps the RNG stream aligned)
  const double d0 = Draw(-1.0, 1.0) / kScale;
  const double d1 = Draw(-1.0, 1.0) / kScale;
  const b2Vec2 position = lander_->GetPosition();

  // main engine: impulse at the body origin offset by the nozzle position and dispersion
  if (command.main_power > 0) {
    const double ox = tip_x * (kMainEngineYLocation / kScale + 2 * d0) + side_x * d1;
    const double oy = -tip_y * (kMainEngineYLocation / kScale + 2 * d0) - side_y * d1;
    const double p = kMainEnginePower * command.main_power;
    lander_->ApplyLinearImpulse(Vec(-ox * p, -oy * p), Vec(position.x + ox, position.y + oy), true);
  }

  // side engines
  if (command.side_power > 0) {
    const double lateral = 3 * d1 + command.side_direction * kSideEngineAway / kScale;
    const double ox = tip_x * d0 + side_x * lateral;
    const double oy = -tip_y * d0 - side_y * lateral;
    const double p = kSideEnginePower * command.side_power;
    // 17 (not SIDE_ENGINE_AWAY) is upstream's constant; kept for parity.
    lander_->ApplyLinearImpulse(Vec(-ox * p, -oy * p),
                                Vec(position.x + ox - tip_x * 17 / kScale,
                                    position.y + oy + tip_y * kSideEngineHeight / kScale),
                                true);
  }

  world_->Step(static_cast<float>(1.0 / kFps), kVelocityIterations, kPositionIterations);

  // reward: change of the shaping potential, minus fuel
  Outcome out;
  out.observation = Observe();
  const double shaping = Shaping(out.observation);
  if (has_prev_shaping_) out.reward = shaping - prev_shaping_;
  prev_shaping_ = shaping;
  has_prev_shaping_ = true;
  out.reward -= command.main_power * 0.30;
  out.reward -= command.side_power * 0.03;
  std::tie(out.reward, out.terminated) =
      ApplyTermination(out.reward, game_over_, out.observation[0], lander_->IsAwake());
  return out;
}

void LunarLanderPhysics::StepWorldOnly() {
  world_->Step(static_cast<float>(1.0 / kFps), kVelocityIterations, kPositionIterations);
}

LunarLanderPhysics::Observation LunarLanderPhysics::Observe() const {
  const b2Vec2 pos = lander_->GetPosition();
  const b2Vec2 vel = lander_->GetLinearVelocity();
  return Normalise(pos.x, pos.y, vel.x, vel.y, lander_->GetAngle(), lander_->GetAngularVelocity(),
                   leg_contact_[0], leg_contact_[1]);
}

LunarLanderPhysics::Observation LunarLanderPhysics::Normalise(double x, double y, double vx,
                                                              double vy, double angle, double omega,
                                                              bool left_contact,
                                                              bool right_contact) {
  return {(x - kW / 2) / (kW / 2),
          (y - (kHelipadY + kLegDown / kScale)) / (kH / 2),
          vx * (kW / 2) / kFps,
          vy * (kH / 2) / kFps,
          angle,
          20.0 * omega / kFps,
          left_contact ? 1.0 : 0.0,
          right_contact ? 1.0 : 0.0};
}

double LunarLanderPhysics::Shaping(const Observation& s) {
  return -100 * std::sqrt(s[0] * s[0] + s[1] * s[1]) - 100 * std::sqrt(s[2] * s[2] + s[3] * s[3]) -
         100 * std::fabs(s[4]) + 10 * s[6] + 10 * s[7];
}

std::pair<double, bool> LunarLanderPhysics::ApplyTermination(double reward, bool game_over,
                                                             double x, bool awake) {
  bool terminated = false;
  if (game_over || std::fabs(x) >= 1.0) {
    terminated = true;
    reward = -100;
  }
  if (!awake) {
    terminated = true;
    reward = +100;
  }
  return {reward, terminated};
}

// ---------------------------------------------------------------------------------------------
// The Env adapter
// ---------------------------------------------------------------------------------------------

LunarLanderEnv::LunarLanderEnv(bool continuous, const EnvOptions& options)
    : continuous_(continuous),
      max_episode_steps_(
          TimeLimit(options, 1000, continuous ? "LunarLanderContinuous-v3" : "LunarLander-v3")),
      physics_(options) {
  if (!(options.gravity > -12.0 && options.gravity < 0.0)) {
    throw UserError("gravity must be in (-12, 0), got " + std::to_string(options.gravity));
  }
}

ActionSpace LunarLanderEnv::action_space() const {
  return continuous_ ? ActionSpace{false, 2, -1.0f, 1.0f} : ActionSpace{true, 4, 0.0f, 3.0f};
}

void LunarLanderEnv::Reset(uint64_t seed, std::span<float> observation) {
  elapsed_steps_ = 0;
  const LunarLanderPhysics::Observation obs = physics_.Reset(seed);
  std::copy(obs.begin(), obs.end(), observation.begin());
}

EngineCommand LunarLanderEnv::Decode(std::span<const float> action) const {
  EngineCommand command;
  if (continuous_) {
    if (!std::isfinite(action[0]) || !std::isfinite(action[1])) {
      throw std::invalid_argument("LunarLanderContinuous: action must be finite, got (" +
                                  std::to_string(action[0]) + ", " + std::to_string(action[1]) +
                                  ")");
    }
    const double main = std::clamp<double>(action[0], -1.0, 1.0);
    const double lateral = std::clamp<double>(action[1], -1.0, 1.0);
    if (main > 0.0) command.main_power = (std::clamp(main, 0.0, 1.0) + 1.0) * 0.5;
    if (std::fabs(lateral) > 0.5) {
      command.side_direction = lateral > 0 ? 1 : -1;
      command.side_power = std::clamp(std::fabs(lateral), 0.5, 1.0);
    }
    return command;
  }
  const float a = action[0];
  if (!(a == 0.0f || a == 1.0f || a == 2.0f || a == 3.0f)) {
    throw std::invalid_argument("LunarLander: discrete action must be 0, 1, 2 or 3, got " +
                                std::to_string(a));
  }
  const int index = static_cast<int>(a);
  if (index == 2) command.main_power = 1.0;
  if (index == 1 || index == 3) {
    command.side_direction = index - 2;
    command.side_power = 1.0;
  }
  return command;
}

StepResult LunarLanderEnv::Step(std::span<const float> action, std::span<float> observation) {
  const LunarLanderPhysics::Outcome out = physics_.Step(Decode(action));
  std::copy(out.observation.begin(), out.observation.end(), observation.begin());
  ++elapsed_steps_;
  return {static_cast<float>(out.reward), out.terminated, elapsed_steps_ >= max_episode_steps_};
}

void LunarLanderEnv::HeuristicAction(bool continuous, std::span<const float> s,
                                     std::span<float> action) {
  double angle_target = std::clamp(s[0] * 0.5 + s[2] * 1.0, -0.4, 0.4);
  const double hover_target = 0.55 * std::fabs(s[0]);
  double angle_todo = (angle_target - s[4]) * 0.5 - s[5] * 1.0;
  double hover_todo = (hover_target - s[1]) * 0.5 - s[3] * 0.5;
  if (s[6] != 0.0f || s[7] != 0.0f) {  // legs touching: just land
    angle_todo = 0;
    hover_todo = -s[3] * 0.5;
  }
  if (continuous) {
    action[0] = static_cast<float>(std::clamp(hover_todo * 20 - 1, -1.0, 1.0));
    action[1] = static_cast<float>(std::clamp(-angle_todo * 20, -1.0, 1.0));
    return;
  }
  float a = 0;
  if (hover_todo > std::fabs(angle_todo) && hover_todo > 0.05) {
    a = 2;
  } else if (angle_todo < -0.05) {
    a = 3;
  } else if (angle_todo > +0.05) {
    a = 1;
  }
  action[0] = a;
}

}  // namespace hpo::envs
