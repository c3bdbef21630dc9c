// Replays episodes in the native LunarLander with given random draws and actions, for
// scripts/replay-env (which records them from Gymnasium and compares the two runs step by step).
// Input on stdin, per episode: a line "episode MODE DRAWS ACTIONS" (MODE discrete|continuous),
// a line of DRAWS numbers, then ACTIONS lines of 1 (discrete) or 2 (continuous) numbers. Output,
// per step (step 0 is reset's observation): "EPISODE STEP o0 .. o7 REWARD TERMINATED TRUNCATED".
#include <fmt/format.h>

#include <iostream>
#include <string>
#include <vector>

#include "envs/lunar_lander/lunar_lander.h"

int main() {
  using hpo::envs::LunarLanderEnv;
  std::string word, mode;
  size_t draws = 0, actions = 0;
  for (int episode = 0; std::cin >> word >> mode >> draws >> actions; ++episode) {
    if (word != "episode" || (mode != "discrete" && mode != "continuous")) {
      fmt::print(stderr,
                 "env_replay: expected 'episode discrete|continuous DRAWS ACTIONS', got '{} {}'\n",
                 word, mode);
      return 2;
    }
    const bool continuous = mode == "continuous";
    std::vector<double> stream(draws);
    for (double& d : stream) std::cin >> d;
    LunarLanderEnv env(continuous, {});
    env.ReplayDraws(std::move(stream));
    std::vector<float> obs(8), action(continuous ? 2 : 1);
    env.Reset(0, obs);
    fmt::print("{} 0 {:.9g} 0 0 0\n", episode, fmt::join(obs, " "));
    for (size_t t = 1; t <= actions; ++t) {
      for (float& a : action) std::cin >> a;
      const hpo::envs::StepResult r = env.Step(action, obs);
      fmt::print("{} {} {:.9g} {:.9g} {} {}\n", episode, t, fmt::join(obs, " "), r.reward,
                 int(r.terminated), int(r.truncated));
      if (r.terminated || r.truncated) {
        for (size_t rest = t + 1; rest <= actions;
             ++rest) {  // the recorded episode went on: skip its actions
          for (float& a : action) std::cin >> a;
        }
        break;
      }
    }
  }
  return 0;
}
