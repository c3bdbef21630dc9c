"""Optuna's TPE and random samplers on the functions of bench/bench_samplers.cc, for
scripts/bench-samplers. Prints one JSON object in the same shape. Needs python3-optuna."""
import json
import math
import os
import random
import sys
import time
import warnings

import optuna

warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)

PI = math.pi


def branin(t):
    x1 = t.suggest_float("x0", -5, 10)
    x2 = t.suggest_float("x1", 0, 15)
    return (x2 - 5.1 / (4 * PI * PI) * x1 * x1 + 5 / PI * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * PI)) * math.cos(x1) + 10


A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
     [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
ALPHA = [1.0, 1.2, 3.0, 3.2]


def hartmann6(t):
    x = [t.suggest_float(f"x{j}", 0, 1) for j in range(6)]
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2 for j in range(6))) for i in range(4))


def rosenbrock10_log(t):
    z = [math.log10(t.suggest_float(f"v{i}", 1e-2, 1e2, log=True)) for i in range(10)]
    return sum(100 * (z[i + 1] - z[i] ** 2) ** 2 + (1 - z[i]) ** 2 for i in range(9))


def mixed(t):
    n = t.suggest_int("n", 1, 20)
    c = t.suggest_categorical("c", ["a", "b", "c", "d"])
    x = t.suggest_float("x", 0, 1)
    return (n - 7) ** 2 / 10 + {"a": 1.0, "b": 0.0, "c": 2.0, "d": 0.5}[c] + 10 * (x - 0.3) ** 2


def offcentre_ellipsoid4(t):
    optimum = [3.7, -4.1, 2.9, -1.3]
    return sum(10 ** (i / 3) * (t.suggest_float(f"x{i}", -5, 5) - optimum[i]) ** 2 for i in range(4))


def mixed_rl(t):
    lr = t.suggest_float("lr", 1e-5, 1e-2, log=True)
    # hpo's logit_normal searches log10(1 - gamma); Optuna's idiom is the same axis.
    gamma = 1 - t.suggest_float("one_minus_gamma", 1e-4, 0.1, log=True)
    n_epochs = t.suggest_int("n_epochs", 1, 20)
    batch = t.suggest_categorical("batch", [32, 64, 128, 256])
    clip = t.suggest_float("clip", 0.1, 0.4)
    return ((math.log10(lr) - math.log10(3e-4)) ** 2 + 0.5 * (math.log10(1 - gamma) - math.log10(0.005)) ** 2
            + ((n_epochs - 10) / 5) ** 2 + {32: 0.5, 64: 0.0, 128: 0.2, 256: 0.6}[batch] + 10 * (clip - 0.2) ** 2)


def noisy_sphere10(t):
    return sum((t.suggest_float(f"x{i}", 0, 1) - 0.2 - 0.06 * i) ** 2 for i in range(10))


def conditional(t):
    """bench_samplers.cc's `conditional`: each optimizer has its own parameters."""
    opt = t.suggest_categorical("optimizer", ["a", "b", "c"])
    shared = (math.log10(t.suggest_float("lr", 1e-5, 1e-1, log=True)) - math.log10(3e-4)) ** 2
    if opt == "a":
        return shared + 4 * (t.suggest_float("x_a", 0, 1) - 0.8) ** 2 + 0.3
    if opt == "b":
        return shared + 4 * (t.suggest_float("x_b", 0, 1) - 0.2) ** 2
    return (shared + 4 * (t.suggest_float("y_c", 0, 1) - 0.5) ** 2
            + 4 * (t.suggest_float("z_c", 0, 1) - 0.5) ** 2 + 0.1)


PROBLEMS = {"branin": (branin, 0.397887), "hartmann6": (hartmann6, -3.32237),
            "rosenbrock10_log": (rosenbrock10_log, 0.0), "mixed": (mixed, 0.0),
            "offcentre_ellipsoid4": (offcentre_ellipsoid4, 0.0), "mixed_rl": (mixed_rl, 0.0),
            "noisy_sphere10": (noisy_sphere10, 0.0), "conditional": (conditional, 0.0)}
NOISE = {"noisy_sphere10": 0.1}  # standard deviation the sampler sees; regret is the true value
SAMPLERS = {
    "optuna_tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
    "optuna_tpe_multivariate": lambda seed: optuna.samplers.TPESampler(seed=seed, multivariate=True),
    "optuna_random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
    "optuna_cmaes": lambda seed: optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False),
}


def quantiles(values):
    v = sorted(values)
    def q(p):
        rank = p * (len(v) - 1)
        lo = math.floor(rank)
        hi = min(lo + 1, len(v) - 1)
        return v[lo] + (rank - lo) * (v[hi] - v[lo])
    return [q(0.25), q(0.5), q(0.75)]


def regret(seeds, trials):
    # OPTUNA_PEER_SAMPLERS=optuna_tpe_multivariate,optuna_cmaes runs those only (tuning runs).
    only = os.environ.get("OPTUNA_PEER_SAMPLERS", "").split(",")
    # OPTUNA_PEER_SEED_OFFSET=100 runs seeds 100.. instead of 0..: Optuna against itself on other
    # seeds is the noise floor of a median comparison.
    offset = int(os.environ.get("OPTUNA_PEER_SEED_OFFSET", "0"))
    # OPTUNA_PEER_PROBLEMS=conditional runs those functions only (as HPO_BENCH_PROBLEMS does ours).
    wanted = os.environ.get("OPTUNA_PEER_PROBLEMS", "").split(",")
    out = {}
    for name, (f, optimum) in PROBLEMS.items():
        if wanted != [""] and name not in wanted:
            continue
        out[name] = {}
        for sampler_name, make in SAMPLERS.items():
            if only != [""] and sampler_name not in only:
                continue
            at = {20: [], 40: [], trials: []}
            for seed in range(offset, offset + seeds):
                noise = random.Random(seed)
                study = optuna.create_study(sampler=make(seed))
                best = math.inf
                for n in range(trials):
                    trial = study.ask()
                    value = f(trial)
                    study.tell(trial, value + noise.gauss(0, NOISE.get(name, 0.0)))
                    best = min(best, value)
                    if n + 1 in at:
                        at[n + 1].append(best - optimum)
            out[name][sampler_name] = {str(k): quantiles(v) for k, v in at.items() if v}
    return out


def suggest_seconds(finished):
    """Mean seconds of one ask() plus its six suggest calls on Hartmann-6 after `finished` trials."""
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(hartmann6, n_trials=finished)
    study.sampler = optuna.samplers.TPESampler(seed=1)
    calls = 3 if finished >= 5000 else 10
    start = time.perf_counter()
    for _ in range(calls):
        trial = study.ask()
        for j in range(6):
            trial.suggest_float(f"x{j}", 0, 1)
        study.tell(trial, state=optuna.trial.TrialState.FAIL)
    return (time.perf_counter() - start) / calls


def main():
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    sizes = [int(s) for s in (sys.argv[3].split(",") if len(sys.argv) > 3 else ["100", "1000", "5000"])]
    print(json.dumps({"optuna_version": optuna.__version__, "regret": regret(seeds, trials),
                      "suggest_seconds": {"optuna_tpe": {str(n): suggest_seconds(n) for n in sizes}}}))


if __name__ == "__main__":
    main()
