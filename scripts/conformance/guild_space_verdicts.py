#!/usr/bin/python3
"""Regenerate the Guild AI verdicts of tests/conformance/cases/guild/space.yaml.

Usage (from anywhere, with Debian's python):

    /usr/bin/python3 scripts/conformance/guild_space_verdicts.py GUILDAI [--commit SHA] [--check]

GUILDAI is a checkout (work tree) of guildai/guildai or its git directory (HEAD, or --commit,
is exported to a temporary directory). The script imports Guild's own package from GUILDAI
(nothing of it is copied here) and, for the `file:` of every case (a guild.yml with one
operation), does what `guild run OP` does before it starts a batch: guildfile.for_string, the
operation's flag values as op_util.flag_vals_for_opdef gives them, the implied batch
(run_impl._batch_opspec_for_flags) and the search dimensions skopt_util.flag_dims builds, and
the objective as run_impl._objective_for_opdef reads it. --check writes nothing and exits 1
when the file would change.

Needs Debian's python3-yaml, python3-numpy, python3-scipy, python3-sklearn, python3-click and
python3-filelock (Guild's imports).
"""

import argparse
import os
import re
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from case_file import regenerate_case_file  # noqa: E402
from wandb_config_verdicts import (  # noqa: E402
    REPO, distinct_sorted, prepare_checkout_at)

CASE_FILE = os.path.join(REPO, "tests/conformance/cases/guild/space.yaml")
SCRIPT_REL = "scripts/conformance/guild_space_verdicts.py"
INPUT_KEYS = ("id", "source", "kind", "note", "file")
DRAWS = 1 << 16  # draws of an Integer dimension whose distinct values are its support


def plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def translate(dim):
    """(spec, support or None) of a skopt dimension Guild built, in W&B's names."""
    kind = type(dim).__name__
    if kind == "Categorical":
        values = plain(list(dim.categories))
        return {"distribution": "categorical", "values": values}, values
    if kind == "Integer":
        support = distinct_sorted(int(v) for v in np.unique(dim.rvs(DRAWS, random_state=0)))
        return {"distribution": "int_uniform", "min": int(dim.low), "max": int(dim.high)}, support
    name = "log_uniform_values" if dim.prior == "log-uniform" else "uniform"
    return {"distribution": name, "min": float(dim.low), "max": float(dim.high)}, None


def verdict(guild, file_text):
    guildfile, op_util, run_impl, skopt_util = guild
    try:
        gf = guildfile.for_string(file_text)
        opdef = gf.default_model.operations[0]
        flag_vals = op_util.flag_vals_for_opdef(opdef, {})
        batch = run_impl._batch_opspec_for_flags(flag_vals)
        names, dims, _initials = skopt_util.flag_dims(flag_vals)
    except Exception as exc:  # Guild's refusal, whichever its type
        return {"valid": False, "error": f"{type(exc).__name__}: {exc}".split("\n")[0]}
    objective = run_impl._objective_for_opdef(opdef)
    peer = {"valid": True, "goal": "maximize" if objective.startswith("-") else "minimize",
            "batch": batch}
    parameters, support = {}, {}
    for name, dim in zip(names, dims):
        parameters[name], values = translate(dim)
        if values is not None:
            support[name] = values
    for name, val in flag_vals.items():
        if name not in parameters and val is not None:
            parameters[name] = {"distribution": "constant", "value": plain(val)}
    peer["parameters"] = parameters
    if support:
        peer["support"] = support
    return peer


def check_source(src_root, case):
    """`path:line word`: the line of Guild's test file that the case translates."""
    match = re.fullmatch(r"(\S+):(\d+) (\S+)", case.get("source", ""))
    if not match:
        raise ValueError(f"{case['id']}: source must be 'path:line word'")
    path, line, word = match.group(1), int(match.group(2)), match.group(3)
    with open(os.path.join(src_root, path)) as f:
        lines = f.read().split("\n")
    if line > len(lines) or word not in lines[line - 1]:
        raise ValueError(f"{case['id']}: {path}:{line} does not hold {word}")
    return path


def header(sha, sources):
    return "\n".join([
        "# Guild AI conformance cases: the search an operation's flags in guild.yml define.",
        f"# Translated from the tests of guildai/guildai (GitHub) at commit {sha}:",
        *(f"#   {s}" for s in sources),
        "# Every `peer:` block is written by Guild's own code, run by",
        f"#   /usr/bin/python3 {SCRIPT_REL} <guildai/guildai checkout or git dir>",
        "# (never edit a peer: block by hand; edit the inputs and rerun). How it is computed:",
        "#   file      a guild.yml of one operation: guildfile.for_string, then",
        "#             op_util.flag_vals_for_opdef(opdef, {}) (the defaults `guild run OP` uses);",
        "#   valid     that and skopt_util.flag_dims(flag values) succeed; `error:` otherwise;",
        "#   goal      run_impl._objective_for_opdef: '-name' maximises, else minimise;",
        "#   batch     run_impl._batch_opspec_for_flags: random, + (every combination) or null;",
        "#   parameters  each skopt dimension: Categorical as categorical, Integer as",
        "#             int_uniform, Real as uniform or (log-uniform prior) log_uniform_values;",
        "#             every other flag that is not None as constant;",
        "#   support   Categorical: its categories; Integer: the distinct values of 2**16",
        "#             draws of skopt's rvs (random_state 0).",
        "",
    ])


def regenerate(guild, src_root, sha, check):
    return regenerate_case_file(
        CASE_FILE, REPO, INPUT_KEYS, lambda case: check_source(src_root, case),
        lambda file_text: verdict(guild, file_text), lambda sources: header(sha, sources), check)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("guildai", help="guildai/guildai checkout, or its git directory")
    parser.add_argument("--commit", help="commit to use (git dir) or to name (checkout)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file would change")
    args = parser.parse_args()
    src_root, sha, tmp = prepare_checkout_at(args.guildai, args.commit, "guild", ("guild",))
    try:
        sys.path.insert(0, src_root)
        import logging

        logging.disable(logging.WARNING)
        # tensorboard_util patches TensorBoard at import unless told not to; nothing here needs it
        os.environ["SKIP_NOTF"] = "1"
        from guild import guildfile, op_util
        from guild.commands import run_impl
        from guild.plugins import skopt_util

        if regenerate((guildfile, op_util, run_impl, skopt_util), src_root, sha, args.check):
            print("out of date: " + os.path.relpath(CASE_FILE, REPO))
            return 1
        return 0
    finally:
        if tmp:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
