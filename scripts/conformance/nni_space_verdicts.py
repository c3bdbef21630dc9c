#!/usr/bin/python3
"""Regenerate tests/conformance/cases/nni/space.yaml: NNI search spaces and NNI's verdicts.

Usage (from anywhere, with Debian's python):

    /usr/bin/python3 scripts/conformance/nni_space_verdicts.py NNI [--commit SHA] [--check]

NNI is a checkout (work tree) of microsoft/nni or its git directory (HEAD, or --commit, is
exported to a temporary directory). Nothing of NNI is copied here: the script imports NNI's own
nni/common/hpo_utils/validation.py and formatting.py and nni/algorithms/hpo/random_tuner.py
from that tree, and takes its cases from NNI's own tests and test assets (each case's `source`
is the path:line of the space it translates):
  * test/ut/sdk/test_hpo_validation.py: `good` (whole, and each of its ten kinds alone),
    `good_nested` and the `bad_*` spaces (bad_choice_args holds a Python object(), which no
    JSON or YAML file can hold: left out);
  * test/ut/sdk/test_hpo_formatting.py: `user_space` (a nested choice) whole, and each of its
    leaves alone;
  * test/ut/sdk/assets/search_space.json (the builtin tuners' test space): each entry alone;
  * examples/trials/mnist-pytorch/search_space.json and
    test/training_service/config/tuners/search_space.json, whole.
The case file is rewritten whole (header, cases in this order, fresh `peer:` blocks); --check
writes nothing and exits 1 when it would change.

NNI's package imports much that a search space does not need (its runtime, schema, the tuner
base class): those names are stood in for by empty modules at import time (nni, nni.typehint,
nni.tuner, nni.common.hpo_utils's Deduplicator, schema); the three files above run as they are.
Needs python3-yaml and python3-numpy.
"""

import argparse
import importlib.util
import json
import math
import os
import subprocess
import sys
import tempfile
import types

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from wandb_config_verdicts import distinct_sorted, emit_case, equal, plain  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
CASE_FILE = os.path.join(REPO, "tests/conformance/cases/nni/space.yaml")
SCRIPT_REL = "scripts/conformance/nni_space_verdicts.py"
NNI_PATHS = [
    "nni/common/hpo_utils/validation.py",
    "nni/common/hpo_utils/formatting.py",
    "nni/algorithms/hpo/random_tuner.py",
    "test/ut/sdk/test_hpo_validation.py",
    "test/ut/sdk/test_hpo_formatting.py",
    "test/ut/sdk/assets/search_space.json",
    "examples/trials/mnist-pytorch/search_space.json",
    "test/training_service/config/tuners/search_space.json",
]
DENSE_U = 1 << 16  # evenly spaced u in [0, 1] at which the random tuner's uniform draw is taken


# --------------------------------------------------------------------------------------------
# NNI's code


def prepare_checkout(path, commit):
    """Return (source dir, commit sha, temp dir or None)."""
    path = os.path.abspath(path)
    if os.path.isdir(os.path.join(path, "nni", "common", "hpo_utils")):
        sha = commit or subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], check=True,
                                       capture_output=True, text=True).stdout.strip()
        return path, sha, None
    try:
        rev = (commit or "HEAD") + "^{commit}"
        sha = subprocess.run(["git", "--git-dir", path, "rev-parse", rev], check=True,
                             capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        sys.exit(f"{path} is neither a microsoft/nni checkout nor its git directory")
    tmp = tempfile.mkdtemp(prefix="nni-")
    archive = subprocess.run(["git", "--git-dir", path, "archive", sha, *NNI_PATHS], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
    return tmp, sha, tmp


def _stand_in(name, package=False, **names):
    module = types.ModuleType(name)
    if package:
        module.__path__ = []
    module.__dict__.update(names)
    sys.modules[name] = module
    return module


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def import_nni(src):
    """NNI's validation, formatting and random tuner modules, and its two test modules."""
    _stand_in("nni", True, ClassArgsValidator=type("ClassArgsValidator", (), {}))
    _stand_in("nni.typehint", Parameters=dict, SearchSpace=dict)
    _stand_in("nni.tuner", Tuner=type("Tuner", (), {}))
    _stand_in("schema")
    _stand_in("nni.common", True)
    utils = _stand_in("nni.common.hpo_utils", True, Deduplicator=type("Deduplicator", (), {}))
    hpo = os.path.join(src, "nni/common/hpo_utils")
    nni = types.SimpleNamespace()
    nni.validation = _load("nni.common.hpo_utils.validation", os.path.join(hpo, "validation.py"))
    nni.formatting = _load("nni.common.hpo_utils.formatting", os.path.join(hpo, "formatting.py"))
    utils.validate_search_space = nni.validation.validate_search_space
    for name in nni.formatting.__all__:
        setattr(utils, name, getattr(nni.formatting, name))
    _stand_in("nni.algorithms", True)
    _stand_in("nni.algorithms.hpo", True)
    nni.random_tuner = _load("nni.algorithms.hpo.random_tuner",
                             os.path.join(src, "nni/algorithms/hpo/random_tuner.py"))
    nni.test_validation = _load("nni_test_validation",
                                os.path.join(src, "test/ut/sdk/test_hpo_validation.py"))
    nni.test_formatting = _load("nni_test_formatting",
                                os.path.join(src, "test/ut/sdk/test_hpo_formatting.py"))
    return nni


# --------------------------------------------------------------------------------------------
# NNI's verdict on one search space


class ScriptedRng:
    """Stands in for the random tuner's numpy Generator: answers one chosen draw."""

    def __init__(self, u=0.0, index=0):
        self.u, self.index = u, index

    def integers(self, size):
        return self.index

    def uniform(self, low, high):
        return low + self.u * (high - low)


def neutral(spec):
    """A formatted ParameterSpec in the neutral (W&B) names tests/conformance/README.md uses."""
    if spec.type == "choice":
        return {"distribution": "categorical", "values": list(spec.values)}
    if spec.type == "randint":  # formatting.py deformat_parameters: lower + index
        lower = math.ceil(float(spec.values[0]))
        return {"distribution": "int_uniform", "min": lower, "max": lower + spec.size - 1}
    q = {"q": spec.q} if spec.q is not None else {}
    if spec.normal_distributed:
        kind = ("q_" if q else "") + ("log_normal" if spec.log_distributed else "normal")
        return {"distribution": kind, "mu": spec.mu, "sigma": spec.sigma, **q}
    low, high = (math.exp(spec.low), math.exp(spec.high)) if spec.log_distributed else (
        spec.low, spec.high)
    if spec.clip:
        low, high = spec.clip  # the bounds as written (exp(log(x)) may differ in its last bit)
    kind = ("log_uniform_values" if spec.log_distributed else "uniform")
    if q:
        kind = "q_log_uniform_values" if spec.log_distributed else "q_uniform"
    return {"distribution": kind, "min": low, "max": high, **q}


def support(nni, spec):
    """Every value the random tuner gives a parameter with finitely many: its suggest_parameter
    with each index (choice, randint), or, for the q kinds, with its uniform draw at DENSE_U + 1
    evenly spaced u and at every multiple of q in the range; then deformat_parameters."""
    space = {spec.key: spec}
    if spec.categorical:
        rngs = [ScriptedRng(index=i) for i in range(spec.size)]
    elif spec.q is not None and not spec.normal_distributed:
        rngs = [ScriptedRng(u=k / DENSE_U) for k in range(DENSE_U + 1)]
        low, high = spec.clip
        for k in range(math.ceil(low / spec.q), math.floor(high / spec.q) + 1):
            x = math.log(k * spec.q) if spec.log_distributed else k * spec.q
            rngs.append(ScriptedRng(u=(x - spec.low) / (spec.high - spec.low)))
    else:
        return None
    values = []
    for rng in rngs:
        x = nni.random_tuner.suggest_parameter(rng, spec)
        values.append(plain(nni.formatting.deformat_parameters({spec.key: x}, space)[spec.name]))
    return distinct_sorted(values)


def verdict(nni, space):
    try:
        nni.validation.validate_search_space(space, raise_exception=True)
        formatted = nni.formatting.format_search_space(space)
    except (ValueError, AssertionError) as e:
        return {"valid": False, "error": f"{type(e).__name__}: {e}"[:300]}
    if any(s.is_nested() or nni.formatting._is_nested_choices(s.values)
           for s in formatted.values() if s.type == "choice" or s.is_nested()):
        return {"valid": True}  # a conditional space: no neutral form (see the case's note)
    peer = {"valid": True, "parameters": {}, "support": {}}
    for spec in formatted.values():
        peer["parameters"][spec.name] = neutral(spec)
        values = support(nni, spec)
        if values is not None:
            peer["support"][spec.name] = values
    if not peer["support"]:
        del peer["support"]
    return peer


# --------------------------------------------------------------------------------------------
# the cases, from NNI's tests


def file_text(space):
    """A space as a JSON file, one parameter a line when none is nested."""
    if not isinstance(space, dict) or any(
            isinstance(v, dict) and any(isinstance(x, dict) for x in v.get("_value", []) or [])
            for v in space.values()):
        return json.dumps(space, indent=2) + "\n"
    lines = [f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in space.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n" if lines else "{}\n"


def line_of(lines, needle, start=0):
    for i in range(start, len(lines)):
        if needle in lines[i]:
            return i + 1
    raise ValueError(f"{needle!r} not found")


def validation_cases(nni, src):
    path = "test/ut/sdk/test_hpo_validation.py"
    lines = open(os.path.join(src, path)).read().split("\n")
    tests = nni.test_validation
    cases = []
    start = line_of(lines, "good = {")
    cases.append(("validation/good", f"{path}:{start} good", tests.good, None))
    for name, spec in tests.good.items():
        at = line_of(lines, f"'{name}':", start - 1)
        cases.append((f"validation/good-{name}", f"{path}:{at} good", {name: spec}, None))
    nested_note = "a nested choice (a conditional space)"
    cases.append(("validation/good-nested", f"{path}:{line_of(lines, 'good_nested = {')} "
                  "good_nested", tests.good_nested, nested_note))
    for name in sorted(n for n in vars(tests) if n.startswith("bad_") and n != "bad_choice_args"):
        at = line_of(lines, f"{name} = ")
        cases.append((f"validation/{name.replace('_', '-')}", f"{path}:{at} {name}",
                       getattr(tests, name), None))
    return cases


def formatting_cases(nni, src):
    path = "test/ut/sdk/test_hpo_formatting.py"
    lines = open(os.path.join(src, path)).read().split("\n")
    space = nni.test_formatting.user_space
    start = line_of(lines, "user_space = {")
    cases = [("formatting/user-space", f"{path}:{start} user_space", space,
              "the whole test space: a nested choice (hpo refuses it for now) and not_nested, a "
              "choice of mappings, which NNI's validation refuses")]
    leaves = []
    for name, spec in space.items():
        if spec["_type"] == "choice" and nni.formatting._is_nested_choices(spec["_value"]):
            for option in spec["_value"]:
                at = line_of(lines, f"'_name': '{option['_name']}'", start)
                leaves += [(f"{option['_name'].lower()}-{k}", k, v, at)
                           for k, v in option.items() if k != "_name"]
        else:
            leaves.append((name, name, spec, line_of(lines, f"'{name}':", start)))
    for case_name, name, spec, after in leaves:
        at = line_of(lines, f"'{name}': {{ '_type'", after - 1) if "-" in case_name else after
        cases.append((f"formatting/{case_name.lower().replace('_', '-')}",
                      f"{path}:{at} user_space", {name: spec}, None))
    return cases


def asset_cases(src):
    cases = []
    path = "test/ut/sdk/assets/search_space.json"
    text = open(os.path.join(src, path)).read()
    lines = text.split("\n")
    for name, spec in json.loads(text).items():
        at = line_of(lines, f'"{name}":')
        cases.append((f"assets/{name.replace('_', '-')}", f"{path}:{at} (builtin tuners' space)",
                      {name: spec}, None))
    for case_id, path in (("mnist-pytorch", "examples/trials/mnist-pytorch/search_space.json"),
                          ("training-service-tuners",
                           "test/training_service/config/tuners/search_space.json")):
        space = json.loads(open(os.path.join(src, path)).read())
        cases.append((f"examples/{case_id}", f"{path}:1 (whole file)", space, None))
    return cases


def all_cases(nni, src):
    out = []
    for case_id, source, space, note in (validation_cases(nni, src) + formatting_cases(nni, src)
                                         + asset_cases(src)):
        case = {"id": f"nni/space/{case_id}", "source": source, "kind": "sweep_file"}
        if note:
            case["note"] = note
        case["file"] = file_text(space)
        case["peer"] = verdict(nni, space)
        out.append(case)
    ids = [c["id"] for c in out]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate case ids")
    return out


def header(sha):
    return "\n".join([
        "# NNI conformance cases: search spaces ({name: {_type, _value}}), as NNI validates,",
        "# formats and samples them. Translated from microsoft/nni (GitHub) at commit",
        f"#   {sha}:",
        "#   test/ut/sdk/test_hpo_validation.py, test/ut/sdk/test_hpo_formatting.py,",
        "#   test/ut/sdk/assets/search_space.json and two example spaces (each case's source).",
        "# Every `peer:` block is written by NNI's own code, run by",
        f"#   /usr/bin/python3 {SCRIPT_REL} <microsoft/nni checkout or git dir>",
        "# (never edit this file by hand: the script writes it whole). How it is computed:",
        "#   file      the space as a JSON file (json.dumps), as searchSpaceFile holds it;",
        "#   valid     validate_search_space(space, raise_exception=True)",
        "#             (nni/common/hpo_utils/validation.py) accepts it and format_search_space",
        "#             (formatting.py) formats it; `error:` is the exception it raised;",
        "#   parameters  each ParameterSpec of format_search_space in W&B's names: choice as",
        "#             categorical, randint as int_uniform [lower, lower + size - 1],",
        "#             (q)uniform and (q)loguniform with their bounds as values and q, the normal",
        "#             kinds with mu, sigma and q; a nested choice (a conditional space) has none;",
        "#   support   for choice, randint, quniform and qloguniform: the distinct values of",
        "#             deformat_parameters(suggest_parameter(rng, spec)) (random_tuner.py) with",
        "#             rng answering each index, or its uniform draw at 2**16 + 1 evenly spaced",
        "#             points of [low, high] and at every multiple of q in it; sorted.",
        "",
    ])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("nni", help="microsoft/nni checkout, or its git directory")
    parser.add_argument("--commit", help="commit to use (git dir) or to name (checkout)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file would change")
    args = parser.parse_args()
    src, sha, tmp = prepare_checkout(args.nni, args.commit)
    try:
        import logging

        logging.disable(logging.ERROR)  # validate_search_space logs what it raises
        cases = all_cases(import_nni(src), src)
    finally:
        if tmp:
            subprocess.run(["rm", "-rf", tmp], check=False)
    text = header(sha) + "\n" + "\n\n".join(emit_case(c) for c in cases) + "\n"
    for case, back in zip(cases, yaml.safe_load(text)):
        if back["file"] != case["file"] or not equal(back["peer"], case["peer"]):
            raise AssertionError(f"{case['id']}: written YAML does not read back the same")
    old = open(CASE_FILE).read() if os.path.exists(CASE_FILE) else ""
    if args.check:
        return 1 if text != old else 0
    os.makedirs(os.path.dirname(CASE_FILE), exist_ok=True)
    with open(CASE_FILE, "w") as f:
        f.write(text)
    valid = sum(1 for c in cases if c["peer"]["valid"])
    print(f"{os.path.relpath(CASE_FILE, REPO)}: {len(cases)} cases ({valid} valid)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
