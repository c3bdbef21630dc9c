#!/usr/bin/python3
"""Regenerate the W&B verdicts of tests/conformance/cases/wandb/{config,grid,yaml11}.yaml.

Usage (from anywhere, with Debian's python):

    /usr/bin/python3 scripts/conformance/wandb_config_verdicts.py WANDB_SWEEPS [--commit SHA] [--check]

WANDB_SWEEPS is either a checkout (work tree) of the wandb/sweeps repository or its git
directory (a bare clone or mirror: HEAD, or --commit, is exported to a temporary directory).
The script imports W&B's own package from WANDB_SWEEPS/src (nothing of it is copied here),
runs it on the `file:` of every `kind: sweep_file` case, and rewrites each case file whole:
a header naming the commit, then every case in its order with its inputs (id, source, kind,
note, file) as they were and a freshly computed `peer:` block. The header is the script's own;
no other comment survives a rewrite (say it in a case's `note:`). --check writes nothing and
exits 1 when a file would change.

Needs Debian's python3-yaml, python3-numpy, python3-scipy, python3-jsonschema, python3-pydantic
and python3-sklearn (W&B's bayes module imports it). Two of W&B's requirements are not in
Debian 12 and are stood in for at import time, without touching W&B's code:
  * jsonref (used once, to inline the `$ref`s of schema.json): when it is missing, a minimal
    module whose JsonRef.replace_refs inlines the document's local `#/...` references;
  * pydantic >= 2 (run.py imports pydantic.AliasChoices for SweepRun's field aliases): with
    pydantic 1, AliasChoices is defined as a no-op, so SweepRun accepts only the field names
    (this script only ever builds SweepRun(config=...) through W&B's own grid code).
"""

import argparse
import copy
import json
import math
import os
import random
import re
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
CASE_FILES = {
    "config": os.path.join(REPO, "tests/conformance/cases/wandb/config.yaml"),
    "grid": os.path.join(REPO, "tests/conformance/cases/wandb/grid.yaml"),
    "yaml11": os.path.join(REPO, "tests/conformance/cases/wandb/yaml11.yaml"),
}
TOPIC_TITLES = {
    "config": "sweep-file validation, metric goal, parameter domains and their defaults",
    "grid": "grid search: the points W&B runs, in order",
    "yaml11": "YAML 1.1 scalars (yes, 1e-5, 017, 1:30), as yaml.safe_load gives them to W&B",
}
# Where a topic's cases come from: W&B's tests, or (yaml11) the W&B functions that meet a value
# as `wandb sweep` loads it (wandb/wandb's wandb/sdk/launch/sweeps/utils.py:106).
TOPIC_ORIGINS = {
    "config": "the tests of wandb/sweeps",
    "grid": "the tests of wandb/sweeps",
    "yaml11": "the code of wandb/sweeps",
}
SCRIPT_REL = "scripts/conformance/wandb_config_verdicts.py"
MAX_GRID_POINTS = 100000
DENSE_U = 1 << 20  # number of evenly spaced u in [0, 1) at which a sampler's ppf is evaluated


# --------------------------------------------------------------------------------------------
# importing W&B's code


def _install_import_stand_ins():
    try:
        import jsonref  # noqa: F401
    except ImportError:
        module = types.ModuleType("jsonref")

        class JsonRef:
            @staticmethod
            def replace_refs(obj):
                doc = copy.deepcopy(obj)

                def resolve(ref):
                    if not ref.startswith("#/"):
                        raise ValueError(f"jsonref stand-in: only local refs, got {ref}")
                    node = doc
                    for part in ref[2:].split("/"):
                        node = node[part]
                    while isinstance(node, dict) and "$ref" in node:
                        node = resolve(node["$ref"])
                    return node

                def walk(node):
                    if isinstance(node, dict):
                        items = list(node.items())
                    elif isinstance(node, list):
                        items = list(enumerate(node))
                    else:
                        return
                    for key, value in items:
                        if isinstance(value, dict) and "$ref" in value:
                            node[key] = resolve(value["$ref"])  # shared object, as jsonref's proxy
                        else:
                            walk(value)

                walk(doc)
                return doc

        module.JsonRef = JsonRef
        sys.modules["jsonref"] = module

    import pydantic

    if not hasattr(pydantic, "AliasChoices"):
        pydantic.AliasChoices = lambda *choices: choices


def prepare_checkout(path, commit):
    """Return (source dir with src/sweeps, commit sha, temp dir or None)."""
    return prepare_checkout_at(path, commit, "src/sweeps")


def prepare_checkout_at(path, commit, marker, paths=()):
    """Return (source dir holding `marker`, commit sha, temp dir or None): `path` is a work
    tree holding `marker`, else a git directory whose commit (only `paths` of it, when given)
    is exported to a temp dir."""
    path = os.path.abspath(path)
    if os.path.isdir(os.path.join(path, marker)):
        sha = commit
        if sha is None:
            try:
                sha = subprocess.run(
                    ["git", "-C", path, "rev-parse", "HEAD"],
                    check=True, capture_output=True, text=True,
                ).stdout.strip()
            except (OSError, subprocess.CalledProcessError):
                sys.exit(f"{path} is not a git work tree: name its commit with --commit")
        return path, sha, None
    rev = commit or "HEAD"
    try:
        sha = subprocess.run(
            ["git", "--git-dir", path, "rev-parse", rev + "^{commit}"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        sys.exit(f"{path} is neither a checkout holding {marker} nor a git directory")
    tmp = tempfile.mkdtemp(prefix="peer-checkout-")
    archive = subprocess.run(
        ["git", "--git-dir", path, "archive", sha, *paths], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
    return tmp, sha, tmp


def import_wandb(src_root):
    _install_import_stand_ins()
    sys.path.insert(0, os.path.join(src_root, "src"))
    import sweeps  # noqa: F401
    from sweeps.config import SweepConfig
    from sweeps.config.schema import fill_validate_metric, fill_validate_metrics
    from sweeps.params import HyperParameter, HyperParameterSet
    from sweeps.run import next_runs, stop_runs

    return types.SimpleNamespace(
        SweepConfig=SweepConfig,
        fill_validate_metric=fill_validate_metric,
        fill_validate_metrics=fill_validate_metrics,
        HyperParameter=HyperParameter,
        HyperParameterSet=HyperParameterSet,
        next_runs=next_runs,
        stop_runs=stop_runs,
    )


# --------------------------------------------------------------------------------------------
# values


def plain(value):
    """numpy scalars and arrays, and tuples, to plain Python values."""
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _rank(value):
    if value is None:
        return 0
    if isinstance(value, bool):
        return 1
    if isinstance(value, (int, float)):
        return 2
    if isinstance(value, str):
        return 3
    if isinstance(value, list):
        return 4
    return 5


def _identity(value):
    """What makes two drawn values the same value: type family and value (1 == 1.0, True != 1)."""
    rank = _rank(value)
    if rank == 2:
        return (rank, "nan") if isinstance(value, float) and math.isnan(value) else (rank, value)
    if rank in (4, 5):
        return (rank, json.dumps(value, sort_keys=True, default=repr))
    return (rank, value)


def _sort_key(value):
    rank = _rank(value)
    if rank == 2:
        if isinstance(value, float) and math.isnan(value):
            return (rank, 1, 0.0, "")
        return (rank, 0, value, "")
    if rank in (1, 3):
        return (rank, 0, 0.0, str(value))
    if rank in (4, 5):
        return (rank, 0, 0.0, json.dumps(value, sort_keys=True, default=repr))
    return (rank, 0, 0.0, "")


def distinct_sorted(values):
    seen = {}
    for value in values:
        seen.setdefault(_identity(value), value)
    return sorted(seen.values(), key=_sort_key)


# --------------------------------------------------------------------------------------------
# W&B's verdict on one sweep file


def finite_support(w, hp):
    """Every value W&B's sampler can return for a parameter with finitely many values.

    W&B draws u = random.uniform(0, 1), a multiple of 2**-53 in [0, 1), and returns
    HyperParameter.ppf(u) (params.py, HyperParameter.sample). u = 0 itself (probability 2**-53)
    is left out: there scipy's randint.ppf answers min - 1 for int_uniform. ppf is
    non-decreasing in u, so the values it takes over [2**-53, 1 - 2**-53] are found by
    evaluating W&B's ppf at: 2**20 evenly spaced u, both ends, and, for each value, a u inside
    its step located with W&B's own cdf (categorical breakpoints; cdf at each integer or
    multiple of q between the extremes). Returns None for infinitely many values.
    """
    H = w.HyperParameter
    first_u, last_u = 2.0 ** -53, 1.0 - 2.0 ** -53
    if hp.type in (H.CONSTANT, H.CATEGORICAL, H.CATEGORICAL_PROB):
        # scalar u, as in HyperParameter.sample (ppf has a separate vector branch)
        us = {first_u, last_u}
        n = len(hp.config.get("values", [None]))
        us.update((i + 0.5) / n for i in range(n))
        if hp.type == H.CATEGORICAL_PROB:
            for c in np.cumsum(hp.config["probabilities"]).tolist():
                for u in (np.nextafter(c, 0.0), c, np.nextafter(c, 1.0)):
                    if first_u <= u <= last_u:
                        us.add(float(u))
        return distinct_sorted(plain(hp.ppf(u)) for u in sorted(us))
    if hp.type not in (H.INT_UNIFORM, H.Q_UNIFORM, H.Q_LOG_UNIFORM_V1, H.Q_LOG_UNIFORM_V2, H.Q_BETA):
        return None
    us = np.concatenate([[first_u], np.arange(1, DENSE_U) / DENSE_U, [last_u]])
    lo, hi = plain(hp.ppf(np.array([first_u, last_u])))
    if hp.type == H.INT_UNIFORM:
        centers = np.arange(lo, hi + 1)
    else:
        q = hp.config["q"]
        centers = np.arange(math.floor(lo / q), math.ceil(hi / q) + 1) * q
    with np.errstate(divide="ignore", invalid="ignore"):
        probes = np.asarray(hp.cdf(centers), dtype=float)
    probes = probes[np.isfinite(probes)]
    probes = np.clip(probes, first_u, last_u)
    values = plain(hp.ppf(np.concatenate([us, probes])))
    return distinct_sorted(values)


def enumerate_grid(w, config):
    """W&B's grid, asking its next_runs for one run at a time until it answers None."""
    runs, points = [], []
    while True:
        (run,) = w.next_runs(copy.deepcopy(config), runs, validate=False, n=1)
        if run is None:
            return points
        runs.append(run)
        points.append({k: plain(copy.deepcopy(v["value"])) for k, v in run.config.items()})
        if len(points) > MAX_GRID_POINTS:
            raise RuntimeError(f"grid has more than {MAX_GRID_POINTS} points")


def describe(stage, exc):
    message = str(exc) if str(exc) else repr(exc)
    return f"{stage}: {type(exc).__name__}: {message}"


def nest(flat_names, raw_parameters, delimiter, make_leaf):
    """Rebuild W&B's flattened parameter names into the sweep file's nesting and order."""
    out = {}
    for key, spec in raw_parameters.items():
        if key in flat_names:
            leaf = make_leaf(key)
            if leaf is not None:
                out[key] = leaf
            continue
        if isinstance(spec, dict) and isinstance(spec.get("parameters"), dict):
            prefix = f"{key}{delimiter}"
            inner = {n[len(prefix):]: n for n in flat_names if n.startswith(prefix)}
            sub = nest(
                set(inner), spec["parameters"], delimiter, lambda k, inner=inner: make_leaf(inner[k])
            )
            if sub:
                out[key] = {"parameters": sub}
    return out


def runs_wandb_engine(config):
    """True when W&B's own engine makes the runs: no scheduler, or `scheduler: {engine: wandb}`
    with no code of the user's (source, optimizer, search_space), which is the classic sweeps
    engine run by a Launch job (wandb/launch-jobs jobs/sweep_schedulers/README.md: "For the
    wandb_scheduler, use the `method` parameter ... as usual")."""
    scheduler = config.get("scheduler")
    if scheduler is None:
        return True
    own_code = {"source", "optimizer", "search_space"}
    return scheduler.get("engine") == "wandb" and not own_code & set(scheduler)


def verdict(w, file_text):
    try:
        config = yaml.safe_load(file_text)
    except yaml.YAMLError as exc:
        return {"valid": False, "error": describe("yaml.safe_load", exc)}

    try:
        filled = w.SweepConfig(copy.deepcopy(config))
    except Exception as exc:  # W&B raises jsonschema.ValidationError, ValueError, ...
        return {"valid": False, "error": describe("SweepConfig", exc)}

    grid = None
    method = config.get("method")
    if runs_wandb_engine(config):
        if method == "grid":
            try:
                grid = enumerate_grid(w, config)
            except Exception as exc:
                return {"valid": False, "error": describe("grid next_runs", exc)}
        elif method in ("random", "bayes"):
            random.seed(0)
            np.random.seed(0)
            try:
                w.next_runs(copy.deepcopy(config), [], validate=False, n=1)
            except Exception as exc:
                return {"valid": False, "error": describe(f"{method} next_runs", exc)}
        if "early_terminate" in config:
            try:
                w.stop_runs(copy.deepcopy(config), [], validate=False)
            except Exception as exc:
                return {"valid": False, "error": describe("stop_runs", exc)}

    peer = {"valid": True}
    if "metric" in config:
        peer["goal"] = w.fill_validate_metric(copy.deepcopy(config))["metric"]["goal"]
    if "metrics" in config:
        peer["goals"] = [m["goal"] for m in w.fill_validate_metrics(copy.deepcopy(config))["metrics"]]
    if isinstance(config.get("parameters"), dict):
        hps = w.HyperParameterSet.from_config(copy.deepcopy(config["parameters"]))
        by_name = {hp.name: hp for hp in hps}
        delimiter = w.HyperParameterSet.NESTING_DELIMITER
        peer["parameters"] = nest(
            set(by_name), config["parameters"], delimiter, lambda n: plain(by_name[n].config)
        )
        support = nest(set(by_name), config["parameters"], delimiter,
                       lambda n: finite_support(w, by_name[n]))
        if support:
            peer["support"] = support
    if "early_terminate" in filled:
        peer["early_terminate"] = plain(dict(filled["early_terminate"]))
    if grid is not None:
        peer["grid"] = grid
    return peer


# --------------------------------------------------------------------------------------------
# writing YAML by hand: inputs kept verbatim, floats written with repr


PLAIN_STRING = re.compile(r"^[A-Za-z_][A-Za-z0-9_/-]*$")
YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "none", "nan", "inf"}


def fmt_str(s):
    if PLAIN_STRING.match(s) and s.lower() not in YAML_WORDS:
        return s
    if (s and s == s.strip() and s[0] not in "-?:,[]{}#&*!|>'\"%@`+.0123456789~"
            and not any(c in s for c in ",[]{}\n\t") and ": " not in s and " #" not in s
            and not s.endswith(":")):
        try:
            if yaml.safe_load(f"k: {s}") == {"k": s}:
                return s
        except yaml.YAMLError:
            pass
    return json.dumps(s, ensure_ascii=False)


def fmt_block_str(s):
    """A string as the value of a block mapping: plain when it reads back the same."""
    if (s and s == s.strip() and s[0] not in "-?:,[]{}#&*!|>'\"%@`" and "\n" not in s
            and ": " not in s and " #" not in s and not s.endswith(":")):
        try:
            if yaml.safe_load(f"k: {s}") == {"k": s}:
                return s
        except yaml.YAMLError:
            pass
    return fmt_str(s)


def fmt(value):
    number = number_text(value)  # bool, None, int, float
    if number is not None:
        return number
    if isinstance(value, str):
        return fmt_str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{fmt_str(str(k)) if isinstance(k, str) else fmt(k)}: {fmt(v)}"
                               for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r}")


def fmt_wrapped(value, indent, width=100):
    """A flow sequence, broken over lines when long."""
    text = fmt(value)
    if not isinstance(value, list) or len(text) + indent <= width:
        return text
    lines, line = [], "["
    for i, item in enumerate(value):
        piece = fmt(item) + ("," if i + 1 < len(value) else "]")
        if len(line) + len(piece) + 1 + indent > width and line != "[":
            lines.append(line)
            line = " " * (indent + 1) + piece
        else:
            line = line + ("" if line.endswith("[") or line.strip() == "" else " ") + piece
    lines.append(line)
    return "\n".join(lines)


def emit_tree(lines, tree, indent, leaf):
    """Mapping of parameter name -> leaf or {parameters: subtree}, in block style."""
    pad = " " * indent
    for key, value in tree.items():
        if isinstance(value, dict) and set(value) == {"parameters"} and "distribution" not in value:
            lines.append(f"{pad}{fmt_str(key)}:")
            lines.append(f"{pad}  parameters:")
            emit_tree(lines, value["parameters"], indent + 4, leaf)
        else:
            lines.append(f"{pad}{fmt_str(key)}: {leaf(value, indent + len(fmt_str(key)) + 2)}")


def emit_peer(peer):
    lines = ["  peer:"]
    for key, value in peer.items():
        if key in ("parameters", "support"):
            lines.append(f"    {key}:")
            emit_tree(lines, value, 6, (lambda v, ind: fmt(v)) if key == "parameters" else fmt_wrapped)
        elif key == "grid":
            if value:
                lines.append("    grid:")
                lines.extend(f"      - {fmt(point)}" for point in value)
            else:
                lines.append("    grid: []")
        else:
            lines.append(f"    {key}: {fmt(value)}")
    return lines


INPUT_KEYS = ("id", "source", "kind", "note", "file")


def emit_case(case):
    unknown = set(case) - set(INPUT_KEYS) - {"peer"}
    if unknown:
        raise ValueError(f"{case.get('id')}: unknown keys {sorted(unknown)}")
    lines = [f"- id: {case['id']}"]
    for key in ("source", "kind", "note"):
        if key in case:
            lines.append(f"  {key}: {fmt_block_str(case[key])}")
    text = case["file"]
    if not text.endswith("\n") or text.endswith("\n\n") or text[:1] in (" ", "\n"):
        raise ValueError(f"{case['id']}: file must start unindented and end with one newline")
    lines.append("  file: |")
    lines.extend(("    " + line) if line else "" for line in text[:-1].split("\n"))
    lines.extend(emit_peer(case["peer"]))
    return "\n".join(lines)


def header(topic, sha, sources):
    return "\n".join([
        f"# W&B Sweeps conformance cases: {TOPIC_TITLES[topic]}.",
        f"# Translated from {TOPIC_ORIGINS[topic]} (GitHub) at commit {sha}:",
        *(f"#   {s}" for s in sources),
        "# Every `peer:` block is written by W&B's own code, run by",
        f"#   /usr/bin/python3 {SCRIPT_REL} <wandb/sweeps checkout or git dir>",
        "# (never edit a peer: block by hand; edit the inputs and rerun). How it is computed:",
        "#   file      read with yaml.safe_load, as W&B's CLI reads a sweep file;",
        "#   valid     SweepConfig(file) accepts it (config/cfg.py: schema, min<max, probabilities,",
        "#             deprecated distributions) and, when W&B's engine makes the runs (no",
        "#             `scheduler:`, or one with engine wandb and no code of the user's), it does not",
        "#             refuse it on its first call: next_runs(file, [], validate=False) for",
        "#             grid/random/bayes (grid: until done) and stop_runs(file, [], validate=False)",
        "#             when there is an early_terminate; `error:` names the refusing call;",
        "#   goal      fill_validate_metric(file) (config/schema.py), the filler W&B's bayes and",
        "#             hyperband code use (SweepConfig itself leaves metric.goal unfilled);",
        "#   goals     the same for a multi-objective `metrics:` list (fill_validate_metrics);",
        "#   parameters  HyperParameter(name, spec).config for each leaf, via",
        "#             HyperParameterSet.from_config(file.parameters); nested `parameters:` kept;",
        "#   support   for constant, categorical(_w_probabilities), int_uniform, q_uniform,",
        "#             q_log_uniform(_values) and q_beta: the distinct values of W&B's",
        "#             HyperParameter.ppf(u) for u in [2**-53, 1 - 2**-53] (the sampler returns",
        "#             ppf(u), u = random.uniform(0, 1); u = 0, of probability 2**-53, is left out:",
        "#             there W&B's int_uniform answers min - 1), evaluated at 2**20 evenly spaced",
        "#             u, both ends, and one u per value found with W&B's cdf; sorted, with",
        "#             null < booleans < numbers < strings < lists < mappings;",
        "#   early_terminate  SweepConfig(file)['early_terminate'] (hyperband defaults filled);",
        "#   grid      the `value`s of the runs W&B's next_runs(file, runs, validate=False)",
        "#             returns one by one, each run added to `runs`, until it returns None.",
        "",
    ])


def check_source(src_root, case):
    match = re.fullmatch(r"(\S+):(\d+) (\w+)", case.get("source", ""))
    if not match:
        raise ValueError(f"{case['id']}: source must be 'path:line test_function'")
    path, line, func = match.group(1), int(match.group(2)), match.group(3)
    with open(os.path.join(src_root, path)) as f:
        lines = f.read().split("\n")
    if line > len(lines) or f"def {func}(" not in lines[line - 1]:
        raise ValueError(f"{case['id']}: {path}:{line} is not `def {func}(`")
    return path


def equal(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    return a == b


def regenerate(w, src_root, sha, topic, path, check):
    with open(path) as f:
        old_text = f.read()
    cases = yaml.safe_load(old_text) or []
    ids = set()
    sources = []
    out = []
    for case in cases:
        if case["id"] in ids:
            raise ValueError(f"duplicate id {case['id']}")
        ids.add(case["id"])
        test_file = check_source(src_root, case)
        if test_file not in sources:
            sources.append(test_file)
        if case["kind"] != "sweep_file":
            raise ValueError(f"{case['id']}: this script only computes kind: sweep_file")
        case = {k: case[k] for k in INPUT_KEYS if k in case}
        case["peer"] = verdict(w, case["file"])
        out.append(case)
    text = header(topic, sha, sources) + "\n" + "\n\n".join(emit_case(c) for c in out) + "\n"
    reread = yaml.safe_load(text)
    for case, back in zip(out, reread):
        if back["file"] != case["file"] or not equal(back["peer"], case["peer"]):
            raise AssertionError(f"{case['id']}: written YAML does not read back the same")
    if check:
        return text != old_text
    if text != old_text:
        with open(path, "w") as f:
            f.write(text)
    n_valid = sum(1 for c in out if c["peer"]["valid"])
    print(f"{os.path.relpath(path, REPO)}: {len(out)} cases ({n_valid} valid)")
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("wandb_sweeps", help="wandb/sweeps checkout, or its git directory")
    parser.add_argument("--commit", help="commit to use (git dir) or to name (checkout without .git)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a file would change")
    args = parser.parse_args()

    src_root, sha, tmp = prepare_checkout(args.wandb_sweeps, args.commit)
    try:
        w = import_wandb(src_root)
        import logging

        logging.disable(logging.WARNING)  # W&B logs each run it cannot match; not a verdict
        stale = []
        for topic, path in CASE_FILES.items():
            if os.path.exists(path) and regenerate(w, src_root, sha, topic, path, args.check):
                stale.append(os.path.relpath(path, REPO))
        if stale:
            print("out of date: " + ", ".join(stale))
            return 1
        return 0
    finally:
        if tmp:
            subprocess.run(["rm", "-rf", tmp], check=False)


if __name__ == "__main__":
    sys.exit(main())
