"""Trainer benchmark driver for scripts/bench-train: runs `hpo train` per seed, then the Python
peer (../shared/pyref/ppo_peer.py, a lean CleanRL-style PyTorch PPO on Gymnasium's LunarLander)
with the same hyperparameters for the same number of updates, both pinned to one core with one
thread, in this run. Prints one JSON object.

Peak RSS comes from wait4() of each child. Our steps/s is the trainer's own (env steps over the
whole training time, periodic evaluations included); the peer's is its sps_total (no
evaluations), so the ratio is conservative for hpo.
"""
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HPO = os.path.join(ROOT, os.environ.get("HPO_BUILD_DIR", "build"), "apps", "hpo", "hpo")
PYREF = os.path.normpath(os.path.join(ROOT, "..", "shared", "pyref"))
CORE = os.environ.get("HPO_BENCH_CORE", "0")


def run_pinned(argv, stdout_path, env=None):
    """Runs argv pinned to CORE; returns (wall seconds, peak RSS in MiB, exit code)."""
    start = time.perf_counter()
    with open(stdout_path, "w") as out, open(stdout_path + ".err", "w") as err:
        proc = subprocess.Popen(["taskset", "-c", CORE] + argv, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def read_yaml(path):
    import yaml  # python3-yaml: a dependency of python3-optuna, installed by scripts/setup.sh
    with open(path) as f:
        return yaml.safe_load(f)


def run_ours(seeds, overrides, out):
    runs = []
    for seed in seeds:
        run_dir = os.path.join(out, f"seed{seed}")
        argv = [HPO, "train", "--seed", str(seed), "--override", "threads=1", "--run-dir", run_dir]
        for o in overrides:
            argv += ["--override", o]
        wall, rss, code = run_pinned(argv, run_dir + ".jsonl")
        if code != 0:
            sys.exit(f"bench-train: hpo train (seed {seed}) exited {code}; see {run_dir}.jsonl.err")
        r = read_yaml(os.path.join(run_dir, "sweep_eval_results.yaml"))
        runs.append({
            "seed": seed,
            "wall_seconds": round(wall, 2),
            "training_seconds": round(r["training_time"], 2),
            "steps": int(r["total_timesteps"]),
            "sps": round(r["sps"]),
            "peak_rss_mib": round(rss, 1),
            "final_eval_mean": round(r["final_mean_reward"], 2),
            "final_eval_std": round(r["std"], 2),
            "time_to_solve": None if r["time_to_solve"] is None else round(r["time_to_solve"], 2),
            "steps_to_solve": None if r["steps_to_solve"] is None else int(r["steps_to_solve"]),
            "time_env_step": round(r["time_env_step"], 2),
            "time_policy_rollout": round(r["time_policy_rollout"], 2),
            "time_update": round(r["time_update"], 2),
            "time_eval": round(r["time_eval"], 2),
        })
    return runs


def peer_pythonpath():
    """PYTHONPATH for the peer: $HPO_PYREF (the $PYREF folder of ../shared/pyref/README.md), else
    the environment's own. None when gymnasium, Box2D and torch do not import with it."""
    path = os.environ.get("PYTHONPATH", "")
    pyref = os.environ.get("HPO_PYREF")
    if pyref:
        path = ":".join([os.path.join(pyref, "src", "pybox2d", "build", "lib.linux-x86_64-cpython-311"),
                         os.path.join(pyref, "src", "gymnasium"), os.path.join(PYREF, "stubs")])
    env = dict(os.environ, PYTHONPATH=path)
    check = subprocess.run(["/usr/bin/python3", "-c", "import gymnasium, Box2D, torch"], env=env,
                           capture_output=True, text=True)
    return path if check.returncode == 0 else None


def run_peer(config, updates, out):
    if not os.path.exists(os.path.join(PYREF, "ppo_peer.py")):
        return {"skipped": f"{PYREF}/ppo_peer.py not found (../shared is absent)"}
    path = peer_pythonpath()
    if path is None:
        return {"skipped": "the Python reference stack does not import; build it as ../shared/pyref/README.md "
                           "says and set HPO_PYREF to its folder"}
    if config["net_arch"] != [64, 64] or config["activation_fn"] != "tanh" or config["shared_network"]:
        return {"skipped": "the peer's network is separate 64-64 tanh; this config's differs"}
    updates = int(os.environ.get("HPO_BENCH_PEER_UPDATES", updates))
    argv = ["/usr/bin/python3", os.path.join(PYREF, "ppo_peer.py"), "--env-id", config["env_id"],
            "--num-envs", str(config["n_envs"]), "--num-steps", str(config["n_steps"]),
            "--num-iterations", str(updates), "--learning-rate", str(config["learning_rate"]),
            "--anneal-lr", str(int(config["anneal_lr"])), "--gamma", str(config["gamma"]),
            "--gae-lambda", str(config["gae_lambda"]), "--minibatch-size", str(config["batch_size"]),
            "--update-epochs", str(config["n_epochs"]), "--norm-adv", str(int(config["normalize_advantage"])),
            "--clip-coef", str(config["clip_range"]), "--ent-coef", str(config["ent_coef"]),
            "--vf-coef", str(config["vf_coef"]), "--max-grad-norm", str(config["max_grad_norm"]),
            "--torch-threads", "1"]
    env = dict(os.environ, PYTHONPATH=path, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    wall, rss, code = run_pinned(argv, os.path.join(out, "peer.jsonl"), env)
    if code != 0:
        return {"skipped": f"the peer exited {code}; see {out}/peer.jsonl.err"}
    summary = None
    for line in open(os.path.join(out, "peer.jsonl")):
        if line.startswith("SUMMARY "):
            summary = json.loads(line[len("SUMMARY "):])
    return {
        "updates": updates,
        "steps": summary["total_steps"],
        "wall_seconds": round(wall, 2),
        "sps": round(summary["sps_total"]),
        "peak_rss_mib": round(rss, 1),
        "time_env_step": round(summary["t_env_step_sum"], 2),
        "time_policy_rollout": round(summary["t_policy_fwd_sum"], 2),
        "time_update": round(summary["t_update_sum"], 2),
    }


def main():
    seeds = [int(s) for s in sys.argv[1:]] or [0, 1, 2]
    overrides = os.environ.get("HPO_BENCH_OVERRIDES", "").split()
    out = tempfile.mkdtemp(prefix="hpo-bench-train-")
    runs = run_ours(seeds, overrides, out)
    config = read_yaml(os.path.join(out, f"seed{seeds[0]}", "resolved_config.yaml"))
    rollout = config["n_envs"] * config["n_steps"]
    updates = -(-config["total_timesteps"] // rollout)
    peer = run_peer(config, updates, out) if os.environ.get("HPO_BENCH_PEER", "1") != "0" else {"skipped": "HPO_BENCH_PEER=0"}
    median_sps = statistics.median(r["sps"] for r in runs)
    result = {
        "date": datetime.date.today().isoformat(),
        "command": "scripts/bench-train " + " ".join(map(str, seeds)),
        "pinned_core": int(CORE),
        "overrides": overrides,
        "median_wall_seconds": statistics.median(r["wall_seconds"] for r in runs),
        "median_training_seconds": statistics.median(r["training_seconds"] for r in runs),
        "median_sps": median_sps,
        "seeds_with_final_eval_at_least_200": sum(r["final_eval_mean"] >= 200 for r in runs),
        "seeds": len(runs),
        "runs": runs,
        "peer": peer,
    }
    if "sps" in peer:
        result["sps_ratio_hpo_over_peer"] = round(median_sps / peer["sps"], 2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
