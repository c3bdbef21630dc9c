#!/usr/bin/python3
"""Regenerate Optuna's verdicts in tests/conformance/cases/optuna/pruners.yaml.

Each case of that file (kind: pruning) is replayed, event by event, on a real in-memory Optuna
study: create_study(direction, pruner=<the case's pruner>, study_name=<the case's study_name, or
"conformance">), then per event

  report  trial.report(value, step)
  finish  study.tell(trial, value) | study.tell(trial, state=PRUNED) | study.tell(trial, state=FAIL)
  ask     should_prune: trial.should_prune();  prune: pruner.prune(study, <the trial as stored>)

A trial is created (study.ask()) by its first event, so trial numbers count in order of first
appearance; several trials may be running at once. The file is rewritten from its inputs, in the
same order, with each case's `peer:` recomputed:

  peer: {answers: [...]}                  one bool per ask, in order
  peer: {answers: [...], brackets: [...]} hyperband: the bracket Optuna assigns to each trial
                                          number of the case (after the replay; absent when the
                                          pruner never initialised its brackets)
  peer: {valid: false, error: "..."}      the pruner's constructor raised (such cases have no
                                          events)

Which Optuna runs: with CHECKOUT, the optuna package of that source tree (put first on sys.path);
without, the installed one (Debian's python3-optuna). The cases' `source:` lines point into the
Optuna commit SOURCE_COMMIT below, whichever Optuna computes the verdicts.

  mkdir -p /tmp/optuna-pruners
  git --git-dir=/work/.mirror/optuna+optuna/repo archive <commit> | tar -x -C /tmp/optuna-pruners
  /usr/bin/python3 scripts/conformance/optuna_pruner_verdicts.py /tmp/optuna-pruners \\
      --commit <commit>
  /usr/bin/python3 scripts/conformance/optuna_pruner_verdicts.py     # Debian's optuna instead

Options: --cases FILE (default: the repository's pruners.yaml), --output FILE (default: --cases),
--commit SHA (names the checkout in the header; read with git when CHECKOUT is a work tree).
"""

import argparse
import math
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from yaml_numbers import number_text  # noqa: E402

SOURCE_REPO = "github.com/optuna/optuna"
SOURCE_COMMIT = "1d8ce7bb6f3c7274a7a31a0a007991995085baa7"

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CASES = ROOT / "tests/conformance/cases/optuna/pruners.yaml"

CASE_KEYS = ["id", "source", "kind", "note", "study_name", "pruner", "direction", "events", "peer"]
PRUNER_CLASSES = {
    "median": "MedianPruner",
    "percentile": "PercentilePruner",
    "successive_halving": "SuccessiveHalvingPruner",
    "hyperband": "HyperbandPruner",
}
DEFAULT_STUDY_NAME = "conformance"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkout", nargs="?", help="an Optuna source tree (default: installed)")
    parser.add_argument("--commit", help="the checkout's commit, for the header")
    parser.add_argument("--cases", default=str(DEFAULT_CASES))
    parser.add_argument("--output", help="where to write (default: --cases)")
    return parser.parse_args()


def import_optuna(checkout):
    if checkout:
        checkout = os.path.abspath(checkout)
        if not os.path.isfile(os.path.join(checkout, "optuna", "__init__.py")):
            sys.exit(f"{checkout}: no optuna/__init__.py")
        sys.path.insert(0, checkout)
    import optuna  # noqa: E402

    if checkout and not os.path.abspath(optuna.__file__).startswith(checkout + os.sep):
        sys.exit(f"imported {optuna.__file__}, not the checkout {checkout}")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    return optuna


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
# Replay


class CaseError(Exception):
    pass


def make_pruner(optuna, spec):
    spec = dict(spec)
    kind = spec.pop("type", None)
    if kind not in PRUNER_CLASSES:
        raise CaseError(f"unknown pruner type {kind!r}")
    return getattr(optuna.pruners, PRUNER_CLASSES[kind])(**spec)


def replay(optuna, case):
    from optuna.trial import TrialState

    try:
        pruner = make_pruner(optuna, case["pruner"])
    except (ValueError, TypeError) as e:
        if case.get("events"):
            raise CaseError("the pruner's constructor raised but the case has events: " + str(e))
        return {"valid": False, "error": str(e)}

    study = optuna.create_study(
        direction=case.get("direction", "minimize"),
        pruner=pruner,
        sampler=optuna.samplers.RandomSampler(seed=0),
        study_name=case.get("study_name", DEFAULT_STUDY_NAME),
    )
    trials = []
    answers = []
    for i, event in enumerate(case.get("events") or []):
        number = event.get("trial")
        if number == len(trials):
            trials.append(study.ask())
            if trials[-1].number != number:
                raise CaseError(f"event {i}: Optuna numbered the trial {trials[-1].number}")
        elif not isinstance(number, int) or not 0 <= number < len(trials):
            raise CaseError(f"event {i}: trial {number!r} is neither running nor the next one")
        trial = trials[number]
        actions = [k for k in ("report", "finish", "ask") if k in event]
        if len(actions) != 1:
            raise CaseError(f"event {i}: needs exactly one of report, finish, ask")
        action = actions[0]
        if action == "report":
            trial.report(to_float(event["report"]["value"]), int(event["report"]["step"]))
        elif action == "finish":
            state = event["finish"]
            if state == "complete":
                study.tell(trial, to_float(event["value"]))
            elif state in ("pruned", "fail"):
                if "value" in event:
                    raise CaseError(f"event {i}: a value only goes with complete")
                study.tell(trial, state=TrialState.PRUNED if state == "pruned" else TrialState.FAIL)
            else:
                raise CaseError(f"event {i}: finish must be complete, pruned or fail")
        elif event["ask"] == "should_prune":
            answers.append(bool(trial.should_prune()))
        elif event["ask"] == "prune":
            frozen = study._storage.get_trial(trial._trial_id)
            answers.append(bool(study.pruner.prune(study, frozen)))
        else:
            raise CaseError(f"event {i}: ask must be should_prune or prune")

    peer = {"answers": answers}
    if case["pruner"].get("type") == "hyperband" and pruner._pruners:
        peer["brackets"] = [
            int(pruner._get_bracket_id(study, study._storage.get_trial(t._trial_id)))
            for t in trials
        ]
    return peer


def to_float(value):
    return float(value)  # also a string such as 1e-05, which YAML 1.1 does not read as a float


# ---------------------------------------------------------------------------------------------
# Writing: block style for cases, flow style (one line) for pruners, events and answers.

PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_./-]*$")


def scalar(value, flow=True):
    number = number_text(value)
    if number is not None:
        return number
    if isinstance(value, str):
        if flow:
            plain = PLAIN.match(value) and yaml.safe_load(value) == value
        else:  # a mapping's value on its own line: YAML's own reading decides
            plain = value[:1].isalpha() and "\n" not in value and _reads_back(value)
        if plain:
            return value
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise TypeError(f"cannot write {value!r}")


def _reads_back(text):
    try:
        return yaml.safe_load("k: " + text) == {"k": text}
    except yaml.YAMLError:
        return False


def flow(value):
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def normalise_event(event):
    out = {"trial": event["trial"]}
    if "report" in event:
        out["report"] = {
            "step": int(event["report"]["step"]),
            "value": to_float(event["report"]["value"]),
        }
    if "finish" in event:
        out["finish"] = event["finish"]
        if "value" in event:
            out["value"] = to_float(event["value"])
    if "ask" in event:
        out["ask"] = event["ask"]
    return out


def write_case(case, peer):
    lines = []
    for key in CASE_KEYS:
        if key == "peer":
            lines.append("  peer:")
            for k, v in peer.items():
                lines.append(f"    {k}: {flow(v) if isinstance(v, list) else scalar(v)}")
        elif key == "events":
            events = case.get("events") or []
            if not events:
                lines.append("  events: []")
                continue
            lines.append("  events:")
            for event in events:
                lines.append("    - " + flow(normalise_event(event)))
        elif key in case:
            value = case[key]
            text = flow(value) if isinstance(value, (dict, list)) else scalar(value, flow=False)
            lines.append(f"  {key}: {text}")
    lines[0] = "- " + lines[0][2:]
    return "\n".join(lines) + "\n"


def header(optuna, checkout, commit):
    import numpy

    if checkout:
        computed = [
            f"{SOURCE_REPO} at commit {commit}",
            f"(optuna {optuna.__version__}, run from the checkout)",
        ]
        rerun = [
            "mkdir -p /tmp/optuna-pruners &&",
            f"  git --git-dir=/work/.mirror/optuna+optuna/repo archive {commit} |",
            "  tar -x -C /tmp/optuna-pruners &&",
            "  /usr/bin/python3 scripts/conformance/optuna_pruner_verdicts.py \\",
            f"  /tmp/optuna-pruners --commit {commit}",
        ]
    else:
        computed = [f"Debian's python3-optuna (optuna {optuna.__version__}, installed)"]
        rerun = ["/usr/bin/python3 scripts/conformance/optuna_pruner_verdicts.py"]
    lines = [
        "Optuna's pruner tests (tests/pruners_tests/test_median.py, test_percentile.py,",
        "test_successive_halving.py, test_hyperband.py) as pruning cases. `source:` lines point",
        f"into {SOURCE_REPO} at commit {SOURCE_COMMIT}.",
        "peer: computed by",
        *["  " + c for c in computed],
        f"  with python {sys.version.split()[0]} and numpy {numpy.__version__}, replaying each",
        "  case's events on an in-memory study (scripts/conformance/optuna_pruner_verdicts.py).",
        "Hyperband's brackets hash the study's name: hyperband cases name it (`study_name:`);",
        f"the others run in a study named {DEFAULT_STUDY_NAME!r}. `ask: prune` is",
        "pruner.prune(study, the stored trial), `ask: should_prune` is trial.should_prune().",
        "`peer.brackets` (hyperband): each trial's bracket; `peer.valid: false`: the",
        "pruner's constructor raised (see tests/conformance/optuna_pruners.md).",
        "Regenerate (from the repository's root):",
        *["  " + r for r in rerun],
    ]
    return "".join("# " + line + "\n" for line in lines)


def main():
    args = parse_args()
    optuna = import_optuna(args.checkout)
    commit = checkout_commit(args.checkout, args.commit) if args.checkout else None
    with open(args.cases) as f:
        cases = yaml.safe_load(f) or []

    seen = set()
    out = [header(optuna, args.checkout, commit)]
    failures = 0
    for case in cases:
        unknown = set(case) - set(CASE_KEYS)
        if unknown or case.get("kind") != "pruning" or case.get("id") in seen:
            sys.exit(f"{case.get('id')}: unknown keys {sorted(unknown)}, kind or duplicate id")
        seen.add(case["id"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                peer = replay(optuna, case)
            except CaseError as e:
                print(f"{case['id']}: {e}", file=sys.stderr)
                failures += 1
                continue
        out.append("\n" + write_case(case, peer))
    if failures:
        sys.exit(f"{failures} case(s) could not be replayed; nothing written")
    with open(args.output or args.cases, "w") as f:
        f.write("".join(out))
    print(f"{len(cases)} cases, optuna {optuna.__version__} ({optuna.__file__})")


if __name__ == "__main__":
    main()
