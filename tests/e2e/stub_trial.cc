// A fast stand-in for a training run, for sweep tests: takes --name=value arguments (the
// ${args} macro), reports a learning curve as JSON lines and writes sweep_eval_results.yaml
// into $HPO_RUN_DIR. `--fault=` selects a way to fail.
//
//   --x=<float>          the score is 100 - 100 * (x - 0.3)^2; without --x, x is a hash in [0, 1)
//                        of the arguments that are not the stub's own (so that another program's
//                        parameters still give each trial its own score), or 0 when there are none
//   --metric_name=<name> the name the score is reported under (default "score")
//   --steps=<int>        intermediate reports (default 5), curve value = score * step / steps
//   --report_x=1         each intermediate report also carries "x": x (the results file always
//                        has x)
//   --step_seconds=<f>   sleep between reports (default 0)
//   --fault=<kind>       segfault | abort | hang | nan | exit3 | garbled | none
//   --final_only=1       print only the final metric, W&B-style {"score": <value>}: no step, no
//   file
//   --noise=<sd>         adds normal noise of this standard deviation to the score, drawn from
//                        $HPO_SEED (so each training seed has its own luck, reproducibly)
//   --checkpoints=1      also write checkpoints/step_1000.pt and checkpoints/final.pt (dummy bytes)
//   --linger_once=<path> after writing the results file, if <path> does not exist: create it and
//                        sleep 60 s (a trial that has finished its work but not yet exited)
// In $HPO_RUN_DIR it also writes argv.txt: its arguments, one per line, as it received them.
// With $HPO_CHECKPOINT_DIR set (a PBT member, docs/trial_protocol.md) it trains a "skill" instead:
// see RunPbtMember.
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>

// A PBT member: its skill grows by 1 - (x - 0.3)^2 every 1000 steps (x = 0.3 grows fastest), from
// the skill and step of the checkpoint in $HPO_RESTORE_FROM ("<step> <skill>"), up to
// steps * 1000 steps. Before it reports step N it writes $HPO_CHECKPOINT_DIR/step_<N>.ckpt (by a
// rename, whole or not at all); it reports {"step": N, "<metric>": skill} and writes the final
// skill into the results file, the checkpoint it started from into restored_from.txt, and its
// member ($HPO_PBT_MEMBER) into member.txt.
int RunPbtMember(double x, int steps, double step_seconds, const std::string& metric,
                 const std::string& run_dir) {
  const std::string checkpoints = std::getenv("HPO_CHECKPOINT_DIR");
  long long step = 0;
  double skill = 0;
  if (const char* from = std::getenv("HPO_RESTORE_FROM")) {
    std::ifstream in(from);
    if (!(in >> step >> skill)) {
      std::fprintf(stderr, "stub_trial: cannot read checkpoint %s\n", from);
      return 4;
    }
    std::ofstream(run_dir + "/restored_from.txt") << from << "\n" << step << " " << skill << "\n";
  }
  if (const char* member = std::getenv("HPO_PBT_MEMBER"))
    std::ofstream(run_dir + "/member.txt") << member << "\n";
  const double gain = 1.0 - (x - 0.3) * (x - 0.3);
  while (step < steps * 1000LL) {
    std::this_thread::sleep_for(std::chrono::duration<double>(step_seconds));
    step += 1000;
    skill += gain;
    const std::string path = checkpoints + "/step_" + std::to_string(step) + ".ckpt";
    {
      std::ofstream out(path + ".tmp");
      out.precision(17);
      out << step << " " << skill << "\n";
    }
    std::filesystem::rename(path + ".tmp", path);
    std::printf("{\"step\": %lld, \"%s\": %.17g}\n", step, metric.c_str(), skill);
    std::fflush(stdout);
  }
  std::ofstream out(run_dir + "/sweep_eval_results.yaml");
  out.precision(17);
  out << "\"" << metric << "\": " << skill << "\nx: " << x << "\n";
  return 0;
}

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || a.find('=') == std::string::npos) continue;
    args[a.substr(2, a.find('=') - 2)] = a.substr(a.find('=') + 1);
  }
  auto get = [&](const std::string& k, const std::string& d) {
    return args.count(k) ? args[k] : d;
  };
  double x = std::atof(get("x", "0").c_str());
  if (!args.count("x")) {
    uint64_t hash = 14695981039346656037ull;  // FNV-1a over the other program's arguments
    bool any = false;
    const std::set<std::string> own = {"steps",       "step_seconds", "fault",  "final_only",
                                       "linger_once", "metric_name",  "marker", "checkpoints",
                                       "report_x",    "noise"};
    for (const auto& [name, value] : args) {
      if (own.count(name)) continue;
      any = true;
      for (unsigned char ch : name + "=" + value) hash = (hash ^ ch) * 1099511628211ull;
    }
    if (any) x = static_cast<double>(hash % 1000003) / 1000003.0;
  }
  const std::string metric = get("metric_name", "score");
  const int steps = std::atoi(get("steps", "5").c_str());
  const double step_seconds = std::atof(get("step_seconds", "0").c_str());
  const std::string fault = get("fault", "none");
  const char* run_dir = std::getenv("HPO_RUN_DIR");
  double score = 100.0 - 100.0 * (x - 0.3) * (x - 0.3);
  if (args.count("noise")) {
    const char* seed = std::getenv("HPO_SEED");
    std::mt19937_64 engine(std::strtoull(seed ? seed : "0", nullptr, 10));
    score += std::normal_distribution<double>(0.0, std::atof(args["noise"].c_str()))(engine);
  }

  if (std::getenv("HPO_CHECKPOINT_DIR") && run_dir)
    return RunPbtMember(x, steps, step_seconds, metric, run_dir);
  if (fault == "segfault") std::raise(SIGSEGV);
  if (fault == "abort") std::abort();
  if (fault == "exit3") return 3;
  if (fault == "hang") {
    while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  if (get("final_only", "0") == "1") {
    std::printf("{\"%s\": %.17g}\n", metric.c_str(), score);
    return 0;
  }
  for (int s = 1; s <= steps; ++s) {
    std::this_thread::sleep_for(std::chrono::duration<double>(step_seconds));
    if (get("report_x", "0") == "1") {
      std::printf("{\"step\": %d, \"%s\": %.17g, \"x\": %.17g}\n", s * 1000, metric.c_str(),
                  score * s / steps, x);
    } else {
      std::printf("{\"step\": %d, \"%s\": %.17g}\n", s * 1000, metric.c_str(), score * s / steps);
    }
    std::fflush(stdout);
  }
  if (!run_dir) return 0;  // nothing to write: the last JSON report is the result
  {
    std::ofstream argv_file(std::string(run_dir) + "/argv.txt");
    for (int i = 1; i < argc; ++i) argv_file << argv[i] << "\n";
  }
  if (get("checkpoints", "0") == "1") {
    std::filesystem::create_directories(std::string(run_dir) + "/checkpoints");
    std::ofstream(std::string(run_dir) + "/checkpoints/step_1000.pt") << "stub";
    std::ofstream(std::string(run_dir) + "/checkpoints/final.pt") << "stub";
  }
  std::ofstream out(std::string(run_dir) + "/sweep_eval_results.yaml");
  if (fault == "nan") {
    out << metric << ": .nan\n";
  } else if (fault == "garbled") {
    out << metric << ": [unclosed\n";
  } else {
    out << "\"" << metric << "\": " << score << "\nx: " << x << "\n";
  }
  out.close();
  const std::string linger = get("linger_once", "");
  if (!linger.empty() && !std::ifstream(linger)) {
    std::ofstream(linger) << "lingered\n";
    std::this_thread::sleep_for(std::chrono::seconds(60));
  }
  return 0;
}
