#!/usr/bin/python3
"""Regenerate tests/conformance/cases/pufferlib/space.yaml from PufferLib's own code.

Usage (from anywhere, with Debian's python):

    /usr/bin/python3 scripts/conformance/pufferlib_space_verdicts.py PUFFERLIB_GIT_DIR \
        [--commit SHA] [--check]

PUFFERLIB_GIT_DIR is a git directory holding PufferLib's history (the fetched snapshot of
github.com/PufferAI/PufferLib ends in 2024-10; github.com/elevatorguy/tmp holds PufferLib's
history to 2025-07, PufferLib 3.0: pufferlib/__init__.py has __version__ = 3.0). The commit's
pufferlib/sweep.py and pufferlib/pufferlib.py are exported to a temporary directory and run
there (nothing of them is copied here); torch and pyro, which sweep.py imports for its Protein
GP only, are stood in for by empty modules, and the `pufferlib` package by a module holding
PufferLib's own unroll_nested_dict (read from pufferlib/pufferlib.py), so that PufferLib's
package __init__ (which symlinks resources and silences stdout) is not run.

The cases are written by this script, whole, from its own small INI files (none of PufferLib's
configs is copied: the real ones are in the real-file corpus, tests/fixtures/corpus), each
naming the line of sweep.py it is about. For each `file:` the peer's verdict is:
  valid       PufferLib's load_config (pufferlib/pufferl.py) reading: configparser's
              ConfigParser() with its defaults, each value through ast.literal_eval (the text
              when that fails), [section] key -> section.key split on dots into a nested dict;
              then sweep.py's Hyperparameters(args['sweep']) (which Random, ParetoGenetic and
              Protein all build first) does not raise; `error:` is what raised;
  goal        args['sweep']['goal'];
  parameters  each space of Hyperparameters.flat_spaces, named with dots: Linear is uniform
              (int_uniform when is_integer), Pow2 uniform_pow2, Log log_normal, Logit
              logit_normal, with the space's min and max;
  support     for int_uniform and uniform_pow2: the distinct values of space.unnormalize(x)
              for x at 2**16 + 1 evenly spaced points of [-1, 1] (Hyperparameters.sample clips
              every draw into [norm_min, norm_max] = [-1, 1]);
  center      space.unnormalize(space.norm_mean) for each: the centre Protein suggests first
              (Protein.suggest with seed_with_search_center, its default).
--check writes nothing and exits 1 when the file would change.
"""

import argparse
import ast
import configparser
import os
import subprocess
import sys
import tempfile
import types

import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from yaml_numbers import number_text  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
CASE_FILE = os.path.join(REPO, "tests/conformance/cases/pufferlib/space.yaml")
SCRIPT_REL = "scripts/conformance/pufferlib_space_verdicts.py"
DEFAULT_COMMIT = "bce45caafc8bdb621c2c174989294cbf11d766bf"
SUPPORT_POINTS = (1 << 16) + 1

HEAD = "[sweep]\nmethod = Protein\nmetric = score\ngoal = maximize\n\n"

# The script's own files, each about one line of sweep.py (its spaces, mean, scale and settings).
OWN_CASES = [
    ("int-uniform-centre-rounds-half-to-even", "pufferlib/sweep.py:40 unnormalize",
     HEAD + "[sweep.train.update_epochs]\ndistribution = int_uniform\nmin = 1\nmax = 8\n"
     "mean = 4\nscale = auto\n"),
    ("mean-below-min-is-the-centre", "pufferlib/sweep.py:25 Space.__init__",
     HEAD + "[sweep.train.minibatch_size]\ndistribution = uniform_pow2\nmin = 16384\n"
     "max = 131072\nmean = 8192\nscale = auto\n"),
    ("logit-centre-at-its-mean", "pufferlib/sweep.py:93 Logit",
     HEAD + "[sweep.train.gamma]\ndistribution = logit_normal\nmin = 0.8\nmean = 0.98\n"
     "max = 0.9999\nscale = auto\n"),
    ("log-scale-time", "pufferlib/sweep.py:67 Log",
     HEAD + "[sweep.train.total_timesteps]\ndistribution = log_normal\nmin = 5e7\nmax = 1e10\n"
     "mean = 1e8\nscale = time\n"),
    ("no-mean-is-a-key-error", "pufferlib/sweep.py:127 _params_from_puffer_sweep",
     HEAD + "[sweep.train.gamma]\ndistribution = logit_normal\nmin = 0.8\nmax = 0.999\n"
     "scale = auto\n"),
    ("no-scale-is-a-key-error", "pufferlib/sweep.py:131 _params_from_puffer_sweep",
     HEAD + "[sweep.train.gamma]\ndistribution = logit_normal\nmin = 0.8\nmax = 0.999\n"
     "mean = 0.95\n"),
    ("normal-is-invalid", "pufferlib/sweep.py:145 _params_from_puffer_sweep",
     HEAD + "[sweep.train.gamma]\ndistribution = normal\nmin = 0.8\nmax = 0.999\n"
     "mean = 0.95\nscale = auto\n"),
    ("no-goal-is-a-key-error", "pufferlib/sweep.py:158 Hyperparameters.__init__",
     "[sweep]\nmethod = Protein\nmetric = score\n\n[sweep.train.gamma]\n"
     "distribution = logit_normal\nmin = 0.8\nmax = 0.999\nmean = 0.95\nscale = auto\n"),
    ("pow2-support", "pufferlib/sweep.py:61 Pow2.unnormalize",
     HEAD + "[sweep.train.horizon]\ndistribution = uniform_pow2\nmin = 8\nmax = 1024\n"
     "mean = 64\nscale = auto\n"),
    ("int-uniform-mean-is-the-centre", "pufferlib/sweep.py:44 Linear.unnormalize",
     HEAD + "[sweep.train.update_epochs]\ndistribution = int_uniform\nmin = 1\nmax = 6\n"
     "mean = 2\nscale = auto\n"),
    ("mean-above-max-is-the-centre", "pufferlib/sweep.py:25 Space.__init__",
     HEAD + "[sweep.train.vf_coef]\ndistribution = uniform\nmin = 0.0\nmax = 2.0\n"
     "mean = 3.0\nscale = auto\n"),
    ("log-mean-is-the-centre", "pufferlib/sweep.py:67 Log",
     HEAD + "[sweep.train.learning_rate]\ndistribution = log_normal\nmin = 0.0001\n"
     "mean = 0.003\nmax = 0.1\nscale = 0.5\n"),
    ("linear-numeric-scale", "pufferlib/sweep.py:30 Linear",
     HEAD + "[sweep.train.clip_coef]\ndistribution = uniform\nmin = 0.05\nmax = 0.45\n"
     "mean = 0.2\nscale = 0.25\n"),
    ("goal-minimize", "pufferlib/sweep.py:159 Hyperparameters.__init__",
     "[sweep]\nmethod = Protein\nmetric = loss\ngoal = minimize\n\n"
     "[sweep.train.ent_coef]\ndistribution = log_normal\nmin = 1e-5\nmax = 0.05\n"
     "mean = 0.001\nscale = auto\n"),
    ("setting-outside-the-skip-list", "pufferlib/sweep.py:120 _params_from_puffer_sweep",
     "[sweep]\nmethod = Protein\nmetric = score\ngoal = maximize\nmax_suggestion_cost = 900\n"
     "\n[sweep.train.gamma]\ndistribution = logit_normal\nmin = 0.8\nmax = 0.999\n"
     "mean = 0.95\nscale = auto\n"),
    ("downsample-is-a-setting", "pufferlib/sweep.py:116 _params_from_puffer_sweep",
     HEAD + "downsample = 4\n\n[sweep.train.gamma]\ndistribution = logit_normal\n"
     "min = 0.8\nmax = 0.999\nmean = 0.95\nscale = auto\n"),
    ("program-sections-and-groups", "pufferlib/sweep.py:114 _params_from_puffer_sweep",
     "[base]\nenv_name = puffer_glider\nseed = 5\n\n[train]\ntotal_timesteps = 20_000_000\n"
     "learning_rate = 0.004  # a trailing comment\ntarget_kl = None\ncompile = False\n\n"
     "[env]\nreward_goal = 1.0\n\n" + HEAD +
     "[sweep.train.total_timesteps]\ndistribution = log_normal\nmin = 1e7\nmax = 1e9\n"
     "mean = 2e7\nscale = time\n\n"
     "[sweep.train.minibatch_size]\ndistribution = uniform_pow2\nmin = 2048\n"
     "max = 32768\nmean = 8192\nscale = auto\n\n"
     "#[sweep.train.horizon]\n#distribution = uniform_pow2\n#min = 16\n#max = 256\n\n"
     "[sweep.train.gae_lambda]\ndistribution = logit_normal\nmin = 0.6\nmean = 0.9\n"
     "max = 0.99\nscale = auto\n\n"
     "[sweep.env.reward_goal]\ndistribution = uniform\nmin = 0.5\nmax = 4.0\n"
     "mean = 1.0\nscale = auto\n"),
]


# --------------------------------------------------------------------------------------------
# PufferLib's code, from its own history


def git(git_dir, *args):
    return subprocess.run(["git", "--git-dir", git_dir, *args], check=True,
                          capture_output=True, text=True).stdout


def import_sweep(git_dir, commit, tmp):
    """PufferLib's sweep module, with stand-ins for what its GP needs."""
    for name in ("torch", "pyro", "pyro.contrib", "pyro.contrib.gp", "pyro.contrib.gp.kernels",
                 "pyro.contrib.gp.models"):
        sys.modules[name] = types.ModuleType(name)
    sys.modules["pyro.contrib"].gp = sys.modules["pyro.contrib.gp"]
    sys.modules["pyro.contrib.gp.kernels"].Kernel = type("Kernel", (), {})
    sys.modules["pyro.contrib.gp.models"].GPRegression = type("GPRegression", (), {})
    # pufferlib.unroll_nested_dict, as PufferLib defines it (pufferlib/pufferlib.py)
    source = git(git_dir, "show", f"{commit}:pufferlib/pufferlib.py")
    tree = ast.parse(source)
    func = next(n for n in tree.body
                if isinstance(n, ast.FunctionDef) and n.name == "unroll_nested_dict")
    package = types.ModuleType("pufferlib")
    exec(compile(ast.Module([func], []), "pufferlib/pufferlib.py", "exec"), package.__dict__)
    sys.modules["pufferlib"] = package
    path = os.path.join(tmp, "sweep.py")
    with open(path, "w") as f:
        f.write(git(git_dir, "show", f"{commit}:pufferlib/sweep.py"))
    module = types.ModuleType("pufferlib.sweep")
    module.__file__ = path
    with open(path) as f:
        exec(compile(f.read(), path, "exec"), module.__dict__)
    return module


def load_config(text):
    """The nested dict PufferLib's load_config builds from one INI file (pufferlib/pufferl.py)."""
    parser = configparser.ConfigParser()
    parser.read_string(text)
    args = {}
    for section in parser.sections():
        for key in parser[section]:
            try:
                value = ast.literal_eval(parser[section][key])
            except Exception:  # PufferLib's bare except: the text itself
                value = parser[section][key]
            dest = key if section == "base" else f"{section}.{key}"
            dest = dest.replace("-", "_")  # argparse's dest of --a.b-c
            node = args
            parts = dest.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = value
    return args


def kind_of(sweep, space):
    if isinstance(space, sweep.Pow2):
        return "uniform_pow2"
    if isinstance(space, sweep.Logit):
        return "logit_normal"
    if isinstance(space, sweep.Log):
        return "log_normal"
    return "int_uniform" if space.is_integer else "uniform"


def plain(value):
    """numpy scalars as Python's."""
    return value.item() if isinstance(value, np.generic) else value


def verdict(sweep, text):
    try:
        args = load_config(text)
        config = dict(args["sweep"])
        config.pop("method", None)  # pufferl.py's sweep() pops it before building the class
        hyper = sweep.Hyperparameters(config, verbose=False)
    except Exception as e:  # noqa: BLE001 - every refusal is a verdict
        return {"valid": False, "error": f"{type(e).__name__}: {e}"}
    peer = {"valid": True, "goal": config["goal"], "parameters": {}, "support": {}, "center": {}}
    for name, space in hyper.flat_spaces.items():
        name = name.replace("/", ".")
        kind = kind_of(sweep, space)
        peer["parameters"][name] = {"distribution": kind, "min": plain(space.min),
                                    "max": plain(space.max)}
        if kind in ("int_uniform", "uniform_pow2"):
            values = {plain(space.unnormalize(x)) for x in np.linspace(-1, 1, SUPPORT_POINTS)}
            peer["support"][name] = sorted(values)
        peer["center"][name] = plain(space.unnormalize(space.norm_mean))
    for key in ("support",):
        if not peer[key]:
            del peer[key]
    return peer


# --------------------------------------------------------------------------------------------
# writing


def fmt(value):
    number = number_text(value)
    if number is not None:
        return number
    if isinstance(value, str):
        return yaml.safe_dump(value, default_style='"', width=1 << 20).strip()
    if isinstance(value, list):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {fmt(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r}")


def emit_file(text):
    """A literal block that reads back as `text` exactly (chomping and indent made explicit)."""
    chomp = "+" if text.endswith("\n\n") else ("" if text.endswith("\n") else "-")
    body = text[:-1] if text.endswith("\n") else text
    if chomp == "+":
        body = text[:-1]
    lines = [f"  file: |2{chomp}"]
    lines.extend(("    " + line) if line else "" for line in body.split("\n"))
    return lines


def emit_case(case):
    lines = [f"- id: {case['id']}", f"  source: {fmt(case['source'])}", "  kind: sweep_file"]
    lines += emit_file(case["file"])
    lines.append("  peer:")
    for key, value in case["peer"].items():
        if isinstance(value, dict):
            lines.append(f"    {key}:")
            lines.extend(f"      {name}: {fmt(v)}" for name, v in value.items())
        else:
            lines.append(f"    {key}: {fmt(value)}")
    return "\n".join(lines)


def header(commit):
    doc = __doc__.split("For each `file:` the peer's verdict is:\n")[1].split("--check")[0]
    return "\n".join([
        "# PufferLib conformance cases: its INI configs read by load_config and its sweep spaces.",
        f"# From PufferLib's history (github.com/elevatorguy/tmp holds it) at commit {commit}",
        "# (PufferLib 3.0): its pufferlib/sweep.py and pufferlib/pufferlib.py. The files are the",
        "# script's own, written for these cases (PufferLib's configs are in the real-file corpus).",
        "# Every `peer:` block is written by PufferLib's own code, run by",
        f"#   /usr/bin/python3 {SCRIPT_REL} <PufferLib git dir>",
        "# (never edit this file by hand; the script writes every case). For each `file:`:",
        *("#" + (" " + line[2:] if line.strip() else "") for line in doc.rstrip("\n").split("\n")),
        "",
    ])


def cases():
    return [{"id": f"pufferlib/space/{name}", "source": source, "file": text}
            for name, source, text in OWN_CASES]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("git_dir", help="a git directory with PufferLib's history")
    parser.add_argument("--commit", default=DEFAULT_COMMIT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file would change")
    args = parser.parse_args()
    commit = git(args.git_dir, "rev-parse", args.commit).strip()
    with tempfile.TemporaryDirectory() as tmp:
        sweep = import_sweep(args.git_dir, commit, tmp)
        all_cases = cases()
        for case in all_cases:
            case["peer"] = verdict(sweep, case["file"])
    text = header(commit) + "\n" + \
        "\n\n".join(emit_case(c) for c in all_cases) + "\n"
    for case, back in zip(all_cases, yaml.safe_load(text)):
        if back["file"] != case["file"] or back["peer"] != case["peer"]:
            raise AssertionError(f"{case['id']}: written YAML does not read back the same")
    old = open(CASE_FILE).read() if os.path.exists(CASE_FILE) else ""
    if args.check:
        sys.exit(1 if text != old else 0)
    os.makedirs(os.path.dirname(CASE_FILE), exist_ok=True)
    with open(CASE_FILE, "w") as f:
        f.write(text)
    valid = sum(1 for c in all_cases if c["peer"]["valid"])
    print(f"{os.path.relpath(CASE_FILE, REPO)}: {len(all_cases)} cases ({valid} valid)")


if __name__ == "__main__":
    main()
