"""Time-to-solve driver for scripts/bench-solve: `hpo train` with the defaults of each (env,
algorithm) pair, once per seed, each run pinned to one core with one thread; two runs at a time
on cores 0 and 1 (HPO_BENCH_CORES). A run solves when a periodic deterministic evaluation
(eval_episodes episodes) reaches the env's threshold; its time to solve is the training time then
(evaluations included). The Python peer runs next, on the same core, when Gymnasium and PyTorch
import (PYTHONPATH as ../shared/pyref/README.md says): for PPO ppo_peer_solve.py (CleanRL-style
PPO), for SAC sac_peer_solve.py (CleanRL's SAC); each reads the hpo run's resolved_config.yaml, so
it trains with the same hyperparameters, and evaluates with the same protocol. Prints one JSON
object: per pair and seed the final mean reward, the step and time of solving (null: never), the
wall time of the whole run, and for SAC gradient steps/s (gradient steps over the time spent in
them) and env steps/s (env steps over the training time); per pair how many seeds solved, the
medians, and the peer's over hpo's median time to solve and hpo's over the peer's median speeds.
"""
import concurrent.futures
import csv
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HPO = os.path.join(ROOT, os.environ.get("HPO_BUILD_DIR", "build"), "apps", "hpo", "hpo")
CORES = os.environ.get("HPO_BENCH_CORES", "0,1").split(",")
PAIRS = {"cartpole_ppo": ("CartPole-v1", "ppo"), "acrobot_ppo": ("Acrobot-v1", "ppo"),
         "pendulum_sac": ("Pendulum-v1", "sac"), "cartpole_a2c": ("CartPole-v1", "a2c"),
         "lunarlandercontinuous_sac": ("LunarLanderContinuous-v3", "sac")}
THRESHOLDS = {"CartPole-v1": 475, "Acrobot-v1": -100, "Pendulum-v1": -200, "LunarLanderContinuous-v3": 200}
PEERS = {algorithm: os.path.join(os.path.dirname(os.path.abspath(__file__)), f"{algorithm}_peer_solve.py")
         for algorithm in ("ppo", "sac")}  # A2C has none
SPEEDS = ("gradient_steps_per_s", "env_steps_per_s")


def peer_available():
    if os.environ.get("HPO_BENCH_PEER", "1") == "0":
        return False
    probe = subprocess.run(["/usr/bin/python3", "-c", "import gymnasium, torch, yaml"], capture_output=True)
    return probe.returncode == 0


def read_yaml(path):
    import yaml
    with open(path) as f:
        return yaml.safe_load(f)


def run_peer(algorithm, env_id, run_dir, seed, core):
    """The Python peer with the hpo run's resolved hyperparameters, on the same core."""
    out = subprocess.run(["taskset", "-c", core, "/usr/bin/python3", PEERS[algorithm], os.path.join(run_dir, "resolved_config.yaml"),
                          str(seed), str(THRESHOLDS[env_id])], capture_output=True, text=True,
                         env=dict(os.environ, OMP_NUM_THREADS="1"))
    if out.returncode != 0:
        return {"exit_code": out.returncode, "stderr": out.stderr[-500:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(pair, seed, core, workdir, with_peer):
    env_id, algorithm = PAIRS[pair]
    run_dir = os.path.join(workdir, f"{pair}_{seed}")
    argv = ["taskset", "-c", core, HPO, "train", "--override", f"env_id={env_id}", "--override",
            f"algorithm={algorithm}", "--seed", str(seed), "--run-dir", run_dir, "--no-progress"]
    argv += [a for o in os.environ.get("HPO_BENCH_OVERRIDES", "").split() for a in ("--override", o)]
    with open(run_dir + ".log", "w") as log:
        code = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT).returncode
    if code != 0:
        return {"seed": seed, "exit_code": code}
    r = read_yaml(os.path.join(run_dir, "sweep_eval_results.yaml"))
    result = {"seed": seed, "final_mean_reward": r["final_mean_reward"], "steps_to_solve": r["steps_to_solve"],
              "time_to_solve": r["time_to_solve"], "training_time": r["training_time"],
              "total_timesteps": r["total_timesteps"]}
    if algorithm == "sac":
        result.update(sac_speeds(run_dir, r))
    if with_peer and algorithm in PEERS:
        result["peer"] = run_peer(algorithm, env_id, run_dir, seed, core)
    return result


def sac_speeds(run_dir, r):
    """Gradient steps (progress.csv's last `update`) over time_update, and hpo's sps."""
    with open(os.path.join(run_dir, "progress.csv")) as f:
        gradient_steps = int(list(csv.DictReader(f))[-1]["update"])
    return {"gradient_steps": gradient_steps, "time_update": r["time_update"],
            "gradient_steps_per_s": gradient_steps / r["time_update"] if r["time_update"] else None,
            "env_steps_per_s": r["sps"]}


def median_of(values):
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def compare_peer(runs, hpo_times):
    """The peer's seeds solved and medians next to hpo's, and their ratios."""
    peers = [r["peer"] for r in runs if "peer" in r]
    if not peers:
        return {}
    out = {}
    solved = [p["time_to_solve"] for p in peers if p.get("time_to_solve") is not None]
    out["peer_seeds_solved"] = len(solved)
    out["peer_median_time_to_solve"] = median_of(solved)
    if solved and hpo_times:
        out["peer_over_hpo_median_time_to_solve"] = statistics.median(solved) / statistics.median(hpo_times)
    for speed in SPEEDS:
        hpo, peer = median_of([r.get(speed) for r in runs]), median_of([p.get(speed) for p in peers])
        if hpo is None or peer is None:
            continue
        out[f"median_{speed}"], out[f"peer_median_{speed}"] = hpo, peer
        out[f"hpo_over_peer_median_{speed}"] = hpo / peer
    return out


def main():
    pairs = [a for a in sys.argv[1:] if not a.isdigit()] or ["cartpole_ppo", "acrobot_ppo", "pendulum_sac"]
    seeds = [int(a) for a in sys.argv[1:] if a.isdigit()] or [1, 2, 3, 4, 5]
    for pair in pairs:
        if pair not in PAIRS:
            sys.exit(f"bench-solve: unknown pair '{pair}' (known: {', '.join(PAIRS)})")
    jobs = [(pair, seed) for pair in pairs for seed in seeds]
    with_peer = peer_available()
    results = {pair: [] for pair in pairs}
    with tempfile.TemporaryDirectory(prefix="hpo_bench_solve_") as workdir, \
            concurrent.futures.ThreadPoolExecutor(len(CORES)) as pool:
        free = list(CORES)
        futures = {}
        for pair, seed in jobs:
            if len(futures) == len(CORES):
                done = next(concurrent.futures.as_completed(futures))
                pair_done, core = futures.pop(done)
                results[pair_done].append(done.result())
                free.append(core)
            core = free.pop()
            futures[pool.submit(run, pair, seed, core, workdir, with_peer)] = (pair, core)
        for done in concurrent.futures.as_completed(futures):
            results[futures[done][0]].append(done.result())
    summary = {}
    for pair, runs in results.items():
        runs.sort(key=lambda r: r["seed"])
        times = [r["time_to_solve"] for r in runs if r.get("time_to_solve") is not None]
        summary[pair] = {"env_id": PAIRS[pair][0], "algorithm": PAIRS[pair][1], "seeds_solved": len(times),
                         "seeds": len(runs), "median_time_to_solve": statistics.median(times) if times else None,
                         "runs": runs}
        summary[pair].update(compare_peer(runs, times))
    print(json.dumps({"date": datetime.date.today().isoformat(), "command": "scripts/bench-solve " + " ".join(sys.argv[1:]),
                      "cores": CORES, "peer": "scripts/bench/{ppo,sac}_peer_solve.py" if with_peer else "not run (HPO_BENCH_PEER=0, "
                      "or gymnasium/torch not importable: ../shared/pyref/README.md)", "pairs": summary}, indent=1))


if __name__ == "__main__":
    main()
