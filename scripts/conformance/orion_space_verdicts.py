#!/usr/bin/python3
"""Regenerate the Orion verdicts of tests/conformance/cases/orion/space.yaml.

Usage (from anywhere, with Debian's python):

    /usr/bin/python3 scripts/conformance/orion_space_verdicts.py ORION [--commit SHA] [--check]

ORION is a checkout (work tree) of the Epistimio/orion repository or its git directory (HEAD,
or --commit, is exported to a temporary directory). The script imports Orion's own package from
ORION/src (nothing of it is copied here) and, for the `file:` of every case (a program's config
with `orion~` priors), does what `orion hunt train.py --config FILE` does to build the space:
OrionCmdlineParser.parse (which reads the priors out of the file) and SpaceBuilder.build on
its priors. Each dimension is written in the neutral (W&B) names the conformance suite compares;
the header of the case file says how each of Orion's dimensions is translated. --check writes
nothing and exits 1 when the file would change.

Needs Debian's python3-yaml, python3-numpy and python3-scipy; Orion's other requirements are
not imported by the modules used here.
"""

import argparse
import os
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# the case-file writer of the W&B script: the same YAML form for every peer
from case_file import regenerate_case_file  # noqa: E402
from wandb_config_verdicts import (  # noqa: E402
    REPO, check_source, distinct_sorted, prepare_checkout_at)

CASE_FILE = os.path.join(REPO, "tests/conformance/cases/orion/space.yaml")
SCRIPT_REL = "scripts/conformance/orion_space_verdicts.py"
DENSE_U = 1 << 20  # evenly spaced u in (0, 1) at which an integer prior's ppf is cast
INPUT_KEYS = ("id", "source", "kind", "note", "file")


def plain(value):
    """Orion's values (numpy scalars among them) as plain Python values."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def integer_support(dim):
    """Every value Orion's Integer.sample can give: cast(ppf(u)) over dense u (sample draws
    prior.rvs, which is ppf of a uniform u, then casts: algo/space/__init__.py _Discrete)."""
    u = (np.arange(DENSE_U) + 0.5) / DENSE_U
    x = dim.prior.ppf(u, *dim._args, **dim._kwargs)
    return distinct_sorted([int(v) for v in np.unique(dim.cast(x))])


def translate(dim, space_module):
    """(parameter spec, support or None) of one of Orion's dimensions, in W&B's names."""
    Fidelity, Categorical, Integer = (space_module.Fidelity, space_module.Categorical,
                                      space_module.Integer)
    if isinstance(dim, Fidelity):  # sample() returns high: the budget of every trial
        return {"distribution": "constant", "value": plain(dim.sample()[0])}, None
    if dim.shape not in ((), None):
        return {"distribution": "orion_tensor", "shape": [int(n) for n in dim.shape]}, None
    if isinstance(dim, Categorical):
        values = plain(list(dim.categories))
        probs = [float(p) for p in dim._probs]
        if len(set(probs)) == 1:
            return {"distribution": "categorical", "values": values}, values
        return ({"distribution": "categorical_w_probabilities", "values": values,
                 "probabilities": probs}, values)
    low, high = plain(dim.interval())
    truncated = np.isfinite(dim._low) or np.isfinite(dim._high)
    name = dim._prior_name
    if truncated or name not in ("uniform", "reciprocal", "norm"):
        return {"distribution": "orion_" + name, "args": plain(list(dim._args))}, None
    if name == "norm":
        loc = float(dim._kwargs.get("loc", dim._args[0] if dim._args else 0.0))
        scale = float(dim._kwargs.get("scale", dim._args[1] if len(dim._args) > 1 else 1.0))
        if isinstance(dim, Integer):  # floor(N(loc, scale)) = round(N(loc - 0.5, scale))
            return {"distribution": "q_normal", "mu": loc - 0.5, "sigma": scale, "q": 1.0}, None
        return {"distribution": "normal", "mu": loc, "sigma": scale}, None
    if isinstance(dim, Integer):
        support = integer_support(dim)
        if name == "uniform":
            return {"distribution": "int_uniform", "min": low, "max": high}, support
        return None, support  # no W&B name for Orion's stretched integer log-uniform
    kind = "uniform" if name == "uniform" else "log_uniform_values"
    return {"distribution": kind, "min": float(low), "max": float(high)}, None


def verdict(orion, file_text):
    """What Orion builds from a program config holding `file_text`."""
    parser_module, builder_module, space_module = orion
    with tempfile.TemporaryDirectory(prefix="orion-case-") as tmp:
        script = os.path.join(tmp, "train.py")
        config = os.path.join(tmp, "config.yaml")
        open(script, "w").close()
        with open(config, "w") as f:
            f.write(file_text)
        try:
            parser = parser_module.OrionCmdlineParser()
            parser.parse([script, "--config", config])
            space = builder_module.SpaceBuilder().build(parser.priors)
        except Exception as exc:  # Orion's refusal, whichever its type
            return {"valid": False, "error": f"{type(exc).__name__}: {exc}".split("\n")[0]}
    parameters, support = {}, {}
    for dim in space.values():
        name = dim.name.lstrip("/").replace("/", ".")
        spec, values = translate(dim, space_module)
        if spec is not None:
            parameters[name] = spec
        if values is not None:
            support[name] = values
    peer = {"valid": True, "goal": "minimize"}
    if parameters:
        peer["parameters"] = parameters
    if support:
        peer["support"] = support
    return peer


def header(sha, sources):
    return "\n".join([
        "# Orion conformance cases: the search space Orion builds from `orion~` priors in a",
        "# program's config.",
        f"# Translated from the tests of Epistimio/orion (GitHub) at commit {sha}:",
        *(f"#   {s}" for s in sources),
        "# Every `peer:` block is written by Orion's own code, run by",
        f"#   /usr/bin/python3 {SCRIPT_REL} <Epistimio/orion checkout or git dir>",
        "# (never edit a peer: block by hand; edit the inputs and rerun). How it is computed:",
        "#   file      a program config, read by OrionCmdlineParser.parse([train.py, --config,",
        "#             FILE]) and built by SpaceBuilder.build(parser.priors), as orion hunt does;",
        "#   valid     both succeed; `error:` is the exception's first line;",
        "#   goal      minimize: Orion keeps the lowest objective (core/worker/experiment.py);",
        "#   parameters  each dimension, named by its path with dots: Real uniform and reciprocal",
        "#             as uniform and log_uniform_values on interval(); Real norm as normal (loc,",
        "#             scale); Integer uniform as int_uniform on interval(); Integer norm as",
        "#             q_normal with mu = loc - 0.5, q 1 (Orion floors, W&B's q_normal rounds:",
        "#             the same law); Categorical as categorical, or categorical_w_probabilities",
        "#             when its odds differ; Fidelity as constant sample()[0] (its high: what",
        "#             every trial gets without a multi-fidelity algorithm); Integer reciprocal",
        "#             has no W&B name and is compared by its support only; anything else",
        "#             (other scipy priors, low=/high= truncation, shape=) as orion_<name>;",
        "#   support   for Integer uniform and reciprocal: the distinct values of Orion's",
        "#             Integer.cast(prior.ppf(u)) at 2**20 evenly spaced u in (0, 1) (sample()",
        "#             casts prior.rvs, a ppf of a uniform u); for Categorical: its categories.",
        "",
    ])


def regenerate(orion, src_root, sha, check):
    return regenerate_case_file(
        CASE_FILE, REPO, INPUT_KEYS, lambda case: check_source(src_root, case),
        lambda file_text: verdict(orion, file_text), lambda sources: header(sha, sources), check)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("orion", help="Epistimio/orion checkout, or its git directory")
    parser.add_argument("--commit", help="commit to use (git dir) or to name (checkout)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file would change")
    args = parser.parse_args()
    src_root, sha, tmp = prepare_checkout_at(
        args.orion, args.commit, "src/orion", ("src/orion", "tests/unittests"))
    try:
        sys.path.insert(0, os.path.join(src_root, "src"))
        import logging

        logging.disable(logging.WARNING)
        from orion.algo import space as space_module
        from orion.core.io import orion_cmdline_parser, space_builder

        orion = (orion_cmdline_parser, space_builder, space_module)
        if regenerate(orion, src_root, sha, args.check):
            print("out of date: " + os.path.relpath(CASE_FILE, REPO))
            return 1
        return 0
    finally:
        if tmp:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
