#!/usr/bin/python3
"""Regenerate W&B's verdicts in tests/conformance/cases/wandb/hyperband.yaml.

Each case of that file (kind: wandb_stopping) is handed to W&B Sweeps' own early-termination
entry point, `sweeps.stop_runs(config, runs)` (src/sweeps/run.py), exactly as W&B's tests call it
(no schema validation, validate=False):

  config  {"metric": <the case's metric>, "early_terminate": <the case's early_terminate>}
  runs    [SweepRun(name=..., state=RunState(<state>),
                    history=[{<metric name>: v} for v in <the case's history>]), ...]

in the case's order. A history value is passed as YAML reads it (a float; .nan/.inf/-.inf as
float nan/inf; a quoted string such as "NaN" as that string, the way W&B's backend hands such
values over). The file is rewritten from its inputs, in the same order, with each case's
`peer:` recomputed:

  peer: {stop: [...], bands: [...]}   the names of the runs stop_runs returned, in its order;
                                      bands: the band list W&B records in the running runs'
                                      early_terminate_info["bands"], cut after the first band
                                      that no run of the case reaches (with min_iter W&B makes
                                      100 bands); absent when no run is running, as W&B then
                                      records none
  peer: {valid: false, error: "..."}  stop_runs raised (ValueError, jsonschema's
                                      ValidationError, ...): its type and message (the first
                                      line of a jsonschema error, without the schema)

Which W&B code runs: the `sweeps` package of the checkout's src/ (put first on sys.path). Its
dependencies come from Debian (python3-numpy, python3-jsonschema, python3-pydantic,
python3-yaml). Two of its imports have no Debian package at the versions it names, so when the
real ones are missing they are replaced, before `sweeps` is imported, by stand-ins that do only
what the stopping code needs:
  - jsonref (config/schema.py): JsonRef.replace_refs, resolving the schema's local "#/..."
    references in place (the schema has no other kind, and no $ref with sibling keys);
  - pydantic.AliasChoices (run.py, pydantic 2 only; Debian has pydantic 1): a holder of the
    alias names. SweepRun is built here by field name, so the aliases are never used.
With these stand-ins (and Debian's python3-pytest, python3-sklearn) W&B's own
tests/test_hyperband_stopping.py, test_validation.py, test_schema.py, test_sweeprun.py and
test_config.py pass (99 tests, commit b1dfc5f95e7fa179519718e92371d1423c116893).

  mkdir -p /tmp/wandb-sweeps-stop
  git --git-dir=/work/.mirror/wandb+sweeps/repo archive <commit> | tar -x -C /tmp/wandb-sweeps-stop
  /usr/bin/python3 scripts/conformance/wandb_stopping_verdicts.py /tmp/wandb-sweeps-stop --commit <commit>

Options: --cases FILE (default: the repository's hyperband.yaml), --output FILE (default:
--cases), --commit SHA (names the checkout in the header; read with git when CHECKOUT is a work
tree), --check (compute, compare with the recorded verdicts, write nothing; exit 1 on a
difference).
"""

import argparse
import copy
import math
import os
import re
import subprocess
import sys
import types
import urllib.parse
import warnings
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from yaml_numbers import number_text  # noqa: E402

SOURCE_REPO = "github.com/wandb/sweeps"
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CASES = ROOT / "tests/conformance/cases/wandb/hyperband.yaml"
CASE_KEYS = ["id", "source", "kind", "note", "config", "runs", "peer"]
RUN_KEYS = ["name", "state", "history"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkout", help="a wandb/sweeps source tree (with src/sweeps)")
    parser.add_argument("--commit", help="the checkout's commit, for the header")
    parser.add_argument("--cases", default=str(DEFAULT_CASES))
    parser.add_argument("--output", help="where to write (default: --cases)")
    parser.add_argument("--check", action="store_true", help="compare only, write nothing")
    return parser.parse_args()


# ---------------------------------------------------------------------------------------------
# Importing W&B's code


def _replace_refs(document, **_ignored):
    """Stand-in for jsonref.JsonRef.replace_refs: a copy of `document` in which every
    {"$ref": "#/a/b"} object is replaced by the object it points to (shared, not copied, so
    recursive definitions become cyclic references, as jsonref's lazy proxies behave)."""
    document = copy.deepcopy(document)

    def pointer(ref):
        if not ref.startswith("#"):
            raise ValueError(f"jsonref stand-in: only local references, not {ref!r}")
        node = document
        for part in urllib.parse.unquote(ref[1:]).split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def resolve(node):
        seen = set()
        while isinstance(node, dict) and "$ref" in node:
            if id(node) in seen:
                raise ValueError("jsonref stand-in: circular $ref chain")
            seen.add(id(node))
            node = pointer(node["$ref"])
        return node

    visited = set()
    stack = [resolve(document)]
    root = stack[0]
    while stack:
        node = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(items):
            if isinstance(value, (dict, list)):
                value = resolve(value)
                node[key] = value
                stack.append(value)
    return root


def install_stand_ins():
    """Provide jsonref and pydantic.AliasChoices when the real ones are not installed."""
    stand_ins = []
    try:
        import jsonref  # noqa: F401
    except ImportError:
        module = types.ModuleType("jsonref")
        module.JsonRef = type("JsonRef", (), {"replace_refs": staticmethod(_replace_refs)})
        sys.modules["jsonref"] = module
        stand_ins.append("jsonref.JsonRef.replace_refs")
    import pydantic

    if not hasattr(pydantic, "AliasChoices"):

        class AliasChoices:
            def __init__(self, *choices):
                self.choices = list(choices)

        pydantic.AliasChoices = AliasChoices
        stand_ins.append(f"pydantic.AliasChoices (pydantic {pydantic.VERSION})")
    return stand_ins


def import_sweeps(checkout):
    src = os.path.join(os.path.abspath(checkout), "src")
    if not os.path.isfile(os.path.join(src, "sweeps", "hyperband_stopping.py")):
        sys.exit(f"{checkout}: no src/sweeps/hyperband_stopping.py")
    sys.path.insert(0, src)
    stand_ins = install_stand_ins()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import sweeps  # noqa: E402
    if not os.path.abspath(sweeps.__file__).startswith(src + os.sep):
        sys.exit(f"imported {sweeps.__file__}, not the checkout's {src}")
    return sweeps, stand_ins


def checkout_commit(checkout, commit):
    if commit:
        return commit
    try:
        out = subprocess.run(
            ["git", "-C", checkout, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        sys.exit(f"{checkout} is not a git work tree: name its commit with --commit")


# ---------------------------------------------------------------------------------------------
# Running a case


class CaseError(Exception):
    pass


def history_value(value):
    if isinstance(value, (bool, int)):
        return value if isinstance(value, bool) else float(value)
    if isinstance(value, (float, str)) or value is None:
        return value
    raise CaseError(f"history value {value!r} is neither a number nor a string")


def verdict(sweeps, case):
    config = case.get("config")
    if not isinstance(config, dict) or set(config) - {"metric", "early_terminate"}:
        raise CaseError("config must hold only metric and early_terminate")
    runs = []
    metric = config.get("metric")
    name = metric.get("name") if isinstance(metric, dict) else None
    for i, spec in enumerate(case.get("runs") or []):
        if set(spec) - set(RUN_KEYS) or "name" not in spec or "state" not in spec:
            raise CaseError(f"run {i}: needs name, state and history only")
        history = [history_value(v) for v in spec.get("history") or []]
        if history and name is None:
            raise CaseError(f"run {i} has a history but the config names no metric")
        runs.append(
            sweeps.SweepRun(
                name=str(spec["name"]),
                state=sweeps.RunState(spec["state"]),
                history=[{name: v} for v in history],
            )
        )
    if len({r.name for r in runs}) != len(runs):
        raise CaseError("run names must be distinct")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stopped = sweeps.stop_runs(copy.deepcopy(config), runs)
    except Exception as e:  # the peer's own rejection of the input is its verdict
        message = getattr(e, "message", None) or str(e)  # jsonschema: without the schema dump
        return {"valid": False, "error": f"{type(e).__name__}: {message}"}
    peer = {"stop": [r.name for r in stopped]}
    infos = [r.early_terminate_info for r in runs if r.early_terminate_info is not None]
    if infos:
        bands = [int(b) for b in infos[0]["bands"]]
        if any([int(b) for b in info["bands"]] != bands for info in infos):
            raise CaseError("runs recorded different bands")
        # the bands any run of the case has reached, and the next one (min_iter gives 100)
        longest = max(len(r.metric_history(name, filter_invalid=True)) for r in runs)
        reached = [b for b in bands if b <= longest]
        peer["bands"] = bands[: len(reached) + 1]
    return peer


# ---------------------------------------------------------------------------------------------
# Writing: block style for cases and config, flow style (one line) for each run and value.

PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_./-]*$")
PLAIN_BLOCK = re.compile(r"^[A-Za-z_./(][^\n]*$")


def scalar(value, flow=True):
    number = number_text(value)
    if number is not None:
        return number
    if isinstance(value, str):
        pattern = PLAIN if flow else PLAIN_BLOCK
        if (
            pattern.match(value)
            and value == value.strip()
            and ": " not in value
            and " #" not in value
            and yaml.safe_load(f"k: {value}") == {"k": value}
        ):
            return value
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise TypeError(f"cannot write {value!r}")


def flow(value):
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def write_case(case, peer):
    lines = []
    for key in CASE_KEYS:
        if key == "peer":
            lines.append("  peer:")
            for k, v in peer.items():
                lines.append(f"    {k}: {flow(v) if isinstance(v, list) else scalar(v)}")
        elif key == "config":
            lines.append("  config:")
            for k, v in case["config"].items():
                lines.append(f"    {k}: {flow(v)}")
        elif key == "runs":
            runs = case.get("runs") or []
            if not runs:
                lines.append("  runs: []")
                continue
            lines.append("  runs:")
            for run in runs:
                ordered = {k: run[k] for k in RUN_KEYS if k in run}
                ordered["name"] = str(ordered["name"])
                ordered["history"] = [history_value(v) for v in ordered.get("history") or []]
                lines.append("    - " + flow(ordered))
        elif key in case:
            value = case[key]
            text = flow(value) if isinstance(value, (dict, list)) else scalar(value, flow=False)
            lines.append(f"  {key}: {text}")
    lines[0] = "- " + lines[0][2:]
    return "\n".join(lines) + "\n"


def header(sweeps, commit, stand_ins):
    import importlib.metadata

    import numpy
    import pydantic

    rerun = (
        f"mkdir -p /tmp/wandb-sweeps-stop && "
        f"git --git-dir=/work/.mirror/wandb+sweeps/repo archive {commit} | tar -x -C "
        f"/tmp/wandb-sweeps-stop && /usr/bin/python3 "
        f"scripts/conformance/wandb_stopping_verdicts.py /tmp/wandb-sweeps-stop --commit {commit}"
    )
    using = ", ".join(stand_ins) if stand_ins else "none"
    return (
        "# W&B Sweeps' hyperband early termination (tests/test_hyperband_stopping.py, the\n"
        "# early_terminate parts of tests/test_validation.py and tests/test_schema.py, and cases\n"
        "# of our own on its subtle points, whose `source:` is the code line they exercise) as\n"
        f"# wandb_stopping cases. `source:` lines point into {SOURCE_REPO} at commit\n"
        f"# {commit}.\n"
        f"# peer: computed by that commit's own code (sweeps {sweeps.__version__}, src/ of the\n"
        "# checkout): sweeps.stop_runs(config, runs) without validation, as its tests call it\n"
        "# (scripts/conformance/wandb_stopping_verdicts.py), under python\n"
        f"# {sys.version.split()[0]}, numpy {numpy.__version__}, jsonschema "
        f"{importlib.metadata.version('jsonschema')},"
        f" pydantic {pydantic.VERSION};\n"
        f"# stand-ins for imports Debian lacks: {using}.\n"
        "# Not expressible as a case: only values count, a logged row without the metric is no\n"
        "# step (tests/test_sweeprun.py:5 test_skipped_steps); a case's history is already that.\n"
        "# The algorithm, with file:line references: tests/conformance/wandb_hyperband.md.\n"
        f"# Rerun: {rerun}\n"
    )


def main():
    args = parse_args()
    sweeps, stand_ins = import_sweeps(args.checkout)
    commit = checkout_commit(args.checkout, args.commit)
    with open(args.cases) as f:
        cases = yaml.safe_load(f) or []

    seen = set()
    out = [header(sweeps, commit, stand_ins)]
    failures = differences = 0
    for case in cases:
        unknown = set(case) - set(CASE_KEYS)
        if unknown or case.get("kind") != "wandb_stopping" or case.get("id") in seen:
            sys.exit(f"{case.get('id')}: unknown keys {sorted(unknown)}, kind or duplicate id")
        seen.add(case["id"])
        try:
            peer = verdict(sweeps, case)
        except CaseError as e:
            print(f"{case['id']}: {e}", file=sys.stderr)
            failures += 1
            continue
        if args.check and case.get("peer") != peer:
            print(f"{case['id']}: recorded {case.get('peer')}, computed {peer}", file=sys.stderr)
            differences += 1
        out.append("\n" + write_case(case, peer))
    if failures:
        sys.exit(f"{failures} case(s) could not be run; nothing written")
    if args.check:
        print(f"{len(cases)} cases, {differences} differ from the recorded verdicts")
        sys.exit(1 if differences else 0)
    with open(args.output or args.cases, "w") as f:
        f.write("".join(out))
    print(f"{len(cases)} cases, sweeps {sweeps.__version__} ({sweeps.__file__})")


if __name__ == "__main__":
    main()
