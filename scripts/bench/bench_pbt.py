"""PBT against TPE with the median pruner at equal env steps on LunarLander-v3 (issue 39, item 7).

Each repetition r runs, in fresh folders:
  - PBT: configs/examples/lunar_pbt.yaml (8 PPO members of 1M steps, judged every 100k), seed r;
  - TPE: the same search space and fixed values, 8 trials of at most 1M steps, median pruning
    (4 startup trials, no pruning before 250k steps), seed r: at most the PBT run's env steps.
Then, for the first repetition: `hpo pbt-replay` of PBT's best member on 5 seeds, and `hpo validate` of
TPE's best trial on 5 seeds. Prints one JSON object: per run the best final value (the 50-episode
final evaluation), the env steps used, the wall time, and the wall seconds and env steps until a
periodic evaluation first reached 200 and 250 (from the events file).
  /usr/bin/python3 scripts/bench/bench_pbt.py [--reps 5] [--first-rep 0] [--quick]
--quick: CartPole-v1, 4 members of 20000 steps, for trying the script.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HPO = os.path.join(ROOT, os.environ.get("HPO_BUILD_DIR", "build"), "apps", "hpo", "hpo")


def pbt_config(name, seed, quick):
    with open(os.path.join(ROOT, "configs/examples/lunar_pbt.yaml")) as f:
        c = yaml.safe_load(f)
    c["name"], c["seed"] = name, seed
    if quick:
        c["pbt"].update(population_size=4, perturbation_interval=5000)
        c["fixed"].update(env_id="CartPole-v1", total_timesteps=20000, eval_interval=2500,
                          final_eval_episodes=10, n_steps=256)
    return c


def tpe_config(name, seed, pbt):
    fixed = dict(pbt["fixed"])
    return {"name": name, "seed": seed, "metric": "final_mean_reward", "goal": "maximize",
            "method": "tpe", "n_trials": pbt["pbt"]["population_size"], "n_jobs": pbt["n_jobs"],
            "cost": "steps", "tpe": {"n_startup_trials": 4},
            "pruner": {"type": "median", "n_startup_trials": 4,
                       "n_warmup_steps": fixed["total_timesteps"] // 4},
            "fixed": fixed, "parameters": pbt["parameters"]}


def first_reaching(events, threshold):
    """Wall seconds since the first event, and the step, of the first report >= threshold."""
    start = events[0]["time_ms"] if events else 0
    for e in events:
        if e["event"] == "reported" and e.get("value", -1e300) >= threshold:
            return (e["time_ms"] - start) / 1000.0, e.get("step")
    return None, None


def trial_steps(trial):
    """Env steps a trial trained: its last reported step, less the step of the checkpoint it
    started from (a PBT trial's restore_from/step_<N>.pt)."""
    steps = [step for step, _ in trial.get("intermediate_values") or []]
    if not steps:
        return 0
    start = 0
    restore = os.path.join(trial.get("run_dir") or "", "restore_from")
    if os.path.isdir(restore):
        for name in os.listdir(restore):
            digits = name[len("step_"):].split(".")[0]
            if name.startswith("step_") and digits.isdigit():
                start = int(digits)
    return max(steps) - start


def sweep(config, work, thresholds):
    path = os.path.join(work, config["name"] + ".yaml")
    with open(path, "w") as f:
        yaml.safe_dump(config, f)
    events = os.path.join(work, config["name"] + ".events.jsonl")
    env = dict(os.environ, HPO_TRAIN_DIR=os.path.join(work, "train_dir"))
    started = time.monotonic()
    subprocess.run([HPO, "sweep", path, "--events", events, "--no-report", "--no-progress"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - started
    with open(events) as f:
        lines = [json.loads(l) for l in f if l.strip()]
    out = subprocess.run([HPO, "export", config["name"], "--format", "json", "--out", "-"],
                         env=env, check=True, capture_output=True, text=True).stdout
    trials = json.loads(out)["trials"]
    result = {"wall_s": round(wall, 1), "env_steps": sum(trial_steps(t) for t in trials)}
    for threshold in thresholds:
        seconds, step = first_reaching(lines, threshold)
        result[f"first_{threshold}_s"] = seconds
        result[f"first_{threshold}_step"] = step
    return result, env


def best_member(env, name):
    out = subprocess.run([HPO, "status", name], env=env, check=True, capture_output=True,
                         text=True).stdout
    best = None
    for line in out.splitlines():
        words = line.split()
        if len(words) > 5 and words[1] == "finished" and words[0].isdigit():
            value = float(words[4])
            if best is None or value > best[1]:
                best = (int(words[0]), value)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--first-rep", type=int, default=0,
                        help="seed of the first repetition (to go on after an interrupted run)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    thresholds = [200, 250] if not args.quick else [200, 400]
    reps = []
    replay = validate = None
    for r in range(args.first_rep, args.first_rep + args.reps):
        work = tempfile.mkdtemp(prefix=f"bench-pbt-{r}-")
        pbt = pbt_config(f"pbt_r{r}", r, args.quick)
        pbt_result, env = sweep(pbt, work, thresholds)
        member, value = best_member(env, pbt["name"])
        pbt_result.update(best_member=member, best_final=value)
        tpe = tpe_config(f"tpe_r{r}", r, pbt)
        tpe_result, _ = sweep(tpe, work, thresholds)
        ranked = json.loads(subprocess.run(
            [HPO, "export", tpe["name"], "--format", "json", "--out", "-"], env=env, check=True,
            capture_output=True, text=True).stdout)["trials"]
        values = [t["value"] for t in ranked if t.get("state") == "COMPLETE" and t.get("value") is not None]
        tpe_result["best_final"] = max(values) if values else None
        reps.append({"rep": r, "pbt": pbt_result, "tpe": tpe_result})
        print(json.dumps(reps[-1]), file=sys.stderr)
        if r == args.first_rep:
            replay = []
            for seed in range(5):
                out = subprocess.run([HPO, "pbt-replay", pbt["name"], "--member", str(member),
                                      "--seed", str(100 + seed)], env=env, check=True,
                                     capture_output=True, text=True).stdout
                replay.append(float(out.strip().splitlines()[-1].split(": ")[1].split()[1]))
            subprocess.run([HPO, "validate", tpe["name"], "--top-n", "1", "--seeds", "5"],
                           env=env, check=True, stdout=subprocess.DEVNULL)
            with open(os.path.join(work, "train_dir", "sweep", tpe["name"], "analysis",
                                   "validation.yaml")) as f:
                validate = yaml.safe_load(f)

    def median(side, key):
        xs = [x[side][key] for x in reps if x[side][key] is not None]
        return statistics.median(xs) if xs else None

    summary = {side: {key: median(side, key) for key in reps[0][side]
                      if key != "best_member"} for side in ("pbt", "tpe")}
    print(json.dumps({"date": datetime.date.today().isoformat(),
                      "command": " ".join(["scripts/bench-pbt"] + sys.argv[1:]),
                      "reps": reps, "medians": summary,
                      "pbt_replay_of_first_rep_best_member_5_seeds": replay,
                      "tpe_validate_of_first_rep_best_trial_5_seeds": validate}, indent=1))


if __name__ == "__main__":
    main()
