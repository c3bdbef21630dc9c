#!/usr/bin/python3
"""A trial program that takes part in population-based training (docs/trial_protocol.md).

It learns one number w towards 3 with step size --lr and reports {"step", "score"} every 100
steps up to --steps. HPO_CHECKPOINT_DIR: step_<N>.json is written there, whole, before the line
that reports step N. HPO_RESTORE_FROM: a checkpoint to go on from, with this run's --lr.
"""
import argparse, json, os, random

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.01)
parser.add_argument("--steps", type=int, default=1000)
args = parser.parse_args()

step, w, rng = 0, 0.0, random.Random(int(os.environ.get("HPO_SEED", "0")))
if os.environ.get("HPO_RESTORE_FROM"):  # the step, the weight and the random stream go on
    with open(os.environ["HPO_RESTORE_FROM"]) as f:
        saved = json.load(f)
    step, w = saved["step"], saved["w"]
    rng.setstate((saved["rng"][0], tuple(saved["rng"][1]), saved["rng"][2]))

folder = os.environ.get("HPO_CHECKPOINT_DIR")
while step < args.steps:
    step += 1
    w += args.lr * (3.0 - w) + rng.gauss(0.0, 0.01)  # one noisy training step
    if step % 100 == 0:
        if folder:  # whole or not at all: a hidden temporary name, then a rename
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, f".step_{step}.json.tmp"), "w") as f:
                json.dump({"step": step, "w": w, "rng": rng.getstate()}, f)
            os.replace(f.name, os.path.join(folder, f"step_{step}.json"))
        print(json.dumps({"step": step, "score": -abs(3.0 - w)}), flush=True)
