#!/usr/bin/python3
"""Regenerate the `peer:` verdicts of tests/conformance/cases/optuna/distributions.yaml.

Each case there translates a test of Optuna's tests/test_distributions.py (see
tests/conformance/README.md, `kind: distribution`). This script reads the cases' inputs
(id, source, kind, note, call, param, probes), runs Optuna's own code on them, and rewrites
the file: same cases in the same order, each with its `peer:` verdict, under a header naming
the Optuna the verdicts come from and this command.

    /usr/bin/python3 scripts/conformance/optuna_distribution_verdicts.py [OPTUNA] [--commit SHA]
        [--no-cross-check] [--check]

OPTUNA is an Optuna source checkout (a directory holding optuna/distributions.py) or the git
directory of an Optuna clone (its HEAD is exported with `git archive`). Without it, the
verdicts come from the optuna that /usr/bin/python3 imports (Debian's python3-optuna).
The commit of a checkout is read with git; give --commit when the checkout has no .git.

For every case:
  * `call` is the constructor: `optuna.distributions.<class>(**rest)`;
  * `param` is the same distribution as an Optuna-style sweep-file parameter, which Optuna
    parses with `optuna.distributions.json_to_distribution` (its abbreviated JSON form,
    keys type/low/high/step/log/choices). Both are run; they must agree (the script stops if
    not), and the verdict is the constructor's (json_to_distribution's when there is no call);
  * the verdict: `valid`; `error` ("<exception class>: <message>") when construction raised;
    otherwise `resolved` (the distribution's fields after construction: low, high, step, log,
    or choices), `single` (`single()`), and `contains` (`_contains(p)` for each probe).

With a checkout, the installed optuna (if any) is run on the same cases too and the
differences are listed in the header (--no-cross-check skips this). Each Optuna runs in its
own /usr/bin/python3 subprocess (-I, so only the chosen optuna is importable as `optuna`).
--check regenerates in memory and fails if the file would change.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = os.path.join(ROOT, "tests", "conformance", "cases", "optuna", "distributions.yaml")
SCRIPT = "scripts/conformance/optuna_distribution_verdicts.py"
TEST_FILE = "tests/test_distributions.py"
PYTHON = "/usr/bin/python3"
# The optuna/optuna commit whose tests/test_distributions.py the cases were translated from
# (their `source` lines); named in the header when the verdicts come from the installed optuna.
TRANSLATED_FROM = "1d8ce7bb6f3c7274a7a31a0a007991995085baa7"

INPUT_KEYS = ("id", "source", "kind", "note", "call", "param", "probes")
PARAM_KEYS = {"type", "low", "high", "step", "log", "choices"}


# --------------------------------------------------------------------------------------------
# Worker: runs inside a subprocess that imports exactly one optuna.


def _worker(path: str | None) -> None:
    if path:
        sys.path.insert(0, path)
    import warnings

    import optuna
    from optuna import distributions as d

    if path and not os.path.realpath(d.__file__).startswith(os.path.realpath(path) + os.sep):
        raise SystemExit(f"imported {d.__file__}, not the checkout {path}")

    def resolved(dist):
        if isinstance(dist, d.CategoricalDistribution):
            return {"choices": list(dist.choices)}
        fields = dict(dist.__dict__)
        out = {k: fields.pop(k) for k in ("low", "high", "step", "log")}
        out.update(fields)  # nothing else is expected; kept if a future Optuna adds fields
        return out

    def verdict(make, probes):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                dist = make()
            except Exception as e:  # the verdict is whatever the constructor raised
                v = {"valid": False, "error": f"{type(e).__name__}: {e}"}
            else:
                v = {"valid": True, "resolved": resolved(dist), "single": bool(dist.single())}
                if probes is not None:
                    v["contains"] = [bool(dist._contains(p)) for p in probes]
        warned = [f"{w.category.__name__}: {w.message}" for w in caught]
        return v, warned

    def by_call(call):
        kwargs = dict(call)
        cls = getattr(d, kwargs.pop("class"))
        if "choices" in kwargs:
            kwargs["choices"] = tuple(kwargs["choices"])
        return lambda: cls(**kwargs)

    def by_param(param):
        text = json.dumps(param)
        return lambda: d.json_to_distribution(text)

    cases = json.load(sys.stdin)
    out = []
    for case in cases:
        probes = case.get("probes")
        r = {"id": case["id"]}
        if case.get("call") is not None:
            r["call"], r["call_warnings"] = verdict(by_call(case["call"]), probes)
        if case.get("param") is not None:
            r["param"], r["param_warnings"] = verdict(by_param(case["param"]), probes)
        out.append(r)
    meta = {
        "version": optuna.__version__,
        "file": os.path.realpath(d.__file__),
        "python": sys.version.split()[0],
    }
    json.dump({"meta": meta, "results": out}, sys.stdout)


def run_worker(path: str | None, cases: list) -> dict:
    cmd = [PYTHON, "-I", os.path.abspath(__file__), "--worker"]
    if path:
        cmd.append(path)
    p = subprocess.run(
        cmd, input=json.dumps(cases), capture_output=True, text=True, cwd=tempfile.gettempdir()
    )
    if p.returncode != 0:
        raise SystemExit(f"worker {' '.join(cmd)} failed:\n{p.stderr}")
    return json.loads(p.stdout)


# --------------------------------------------------------------------------------------------
# Which Optuna.


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout.strip()


def resolve_source(arg: str | None, commit: str | None, tmp: str) -> dict:
    """Returns {path (None: installed), commit, label}."""
    if arg is None:
        return {"path": None, "commit": None}
    arg = os.path.abspath(arg)
    if os.path.isfile(os.path.join(arg, "optuna", "distributions.py")):
        if commit is None:
            try:
                top = git("-C", arg, "rev-parse", "--show-toplevel")
                if os.path.realpath(top) == os.path.realpath(arg):
                    commit = git("-C", arg, "rev-parse", "HEAD")
            except (subprocess.CalledProcessError, FileNotFoundError):
                pass
        if commit is None:
            raise SystemExit(f"{arg} is not a git work tree: say its commit with --commit SHA")
        return {"path": arg, "commit": commit}
    try:
        head = git("--git-dir", arg, "rev-parse", "HEAD")
    except (subprocess.CalledProcessError, FileNotFoundError):
        raise SystemExit(f"{arg}: neither an Optuna checkout nor a git directory")
    if commit is not None and commit != head:
        raise SystemExit(f"--commit {commit} but {arg} is at {head}")
    out = os.path.join(tmp, "optuna")
    os.makedirs(out)
    archive = subprocess.run(["git", "--git-dir", arg, "archive", head], capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", out], input=archive, check=True)
    if not os.path.isfile(os.path.join(out, "optuna", "distributions.py")):
        raise SystemExit(f"{arg} at {head} has no optuna/distributions.py")
    return {"path": out, "commit": head}


# --------------------------------------------------------------------------------------------
# Inputs.


def load_cases(path: str) -> list:
    import yaml

    with open(path) as f:
        cases = yaml.safe_load(f)
    if not isinstance(cases, list) or not cases:
        raise SystemExit(f"{path}: expected a YAML list of cases")
    seen = set()
    problems = []
    for i, c in enumerate(cases):
        where = f"case {i} ({c.get('id', '?')})"
        extra = set(c) - set(INPUT_KEYS) - {"peer"}
        if extra:
            problems.append(f"{where}: unknown keys {sorted(extra)}")
        for k in ("id", "source", "kind"):
            if not isinstance(c.get(k), str):
                problems.append(f"{where}: missing {k}")
        if c.get("kind") != "distribution":
            problems.append(f"{where}: kind must be distribution")
        if not str(c.get("id", "")).startswith("optuna/distributions/"):
            problems.append(f"{where}: id must start with optuna/distributions/")
        if c.get("id") in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(c.get("id"))
        if not re.fullmatch(r"\S+:\d+ \w+", str(c.get("source", ""))):
            problems.append(f"{where}: source must be 'path:line test_function'")
        if c.get("call") is None and c.get("param") is None:
            problems.append(f"{where}: needs call or param")
        if c.get("call") is not None and "class" not in c["call"]:
            problems.append(f"{where}: call needs class")
        if c.get("param") is not None and not set(c["param"]) <= PARAM_KEYS:
            problems.append(f"{where}: param keys must be among {sorted(PARAM_KEYS)}")
        if "note" in c and (not isinstance(c["note"], str) or "\n" in c["note"]):
            problems.append(f"{where}: note must be one line")
    if problems:
        raise SystemExit("\n".join(problems))
    return cases


def check_sources(cases: list, checkout: str) -> None:
    """Each source line must lie in the named test (its body or decorators) or at module level
    (the test file's shared constants) of the checkout's test file."""
    path = os.path.join(checkout, TEST_FILE)
    if not os.path.isfile(path):
        raise SystemExit(f"{path} missing from the checkout")
    with open(path) as f:
        lines = f.read().split("\n")
    # Top-level units: a def with its decorators, or any other top-level statement.
    units = []  # (first line, name or None)
    pending = None
    for n, text in enumerate(lines, 1):
        if not text or text[0] in " \t#)]}":
            continue
        if text.startswith("@"):
            if pending is None:
                pending = n
            continue
        m = re.match(r"(?:async\s+)?def (\w+)", text)
        units.append((pending or n, m.group(1) if m else None))
        pending = None
    bad = []
    for c in cases:
        file, rest = c["source"].split(":", 1)
        line, name = rest.split(" ", 1)
        line = int(line)
        if file != TEST_FILE:
            bad.append(f"{c['id']}: source file is not {TEST_FILE}")
            continue
        if not any(u[1] == name for u in units):
            bad.append(f"{c['id']}: no test {name} in {TEST_FILE}")
            continue
        owner = None
        for first, uname in units:
            if first <= line:
                owner = uname
        if not (1 <= line <= len(lines)) or (owner is not None and owner != name):
            bad.append(f"{c['id']}: line {line} of {TEST_FILE} is not in {name} (in {owner})")
    if bad:
        raise SystemExit("source lines do not match the checkout:\n" + "\n".join(bad))


# --------------------------------------------------------------------------------------------
# Verdicts.


def same(a, b) -> bool:
    """Equality that tells 1, 1.0 and True apart and takes nan == nan."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


def verdicts(run: dict, cases: list) -> tuple[list, list]:
    """Per case, the peer verdict; and the cases whose call and param verdicts disagree."""
    peers, disagree = [], []
    for c, r in zip(cases, run["results"]):
        assert r["id"] == c["id"]
        if "call" in r and "param" in r and not same(r["call"], r["param"]):
            disagree.append(f"{c['id']}:\n  call:  {r['call']}\n  param: {r['param']}")
        peers.append(r["call"] if "call" in r else r["param"])
    return peers, disagree


def differences(primary: list, other: list, cases: list) -> tuple[list, list]:
    """(cases whose verdict differs apart from the error's wording, cases whose wording does)."""
    verdict_diff, wording_diff = [], []
    for c, a, b in zip(cases, primary, other):
        a_ = {k: v for k, v in a.items() if k != "error"}
        b_ = {k: v for k, v in b.items() if k != "error"}
        if not same(a_, b_):
            verdict_diff.append((c["id"], b))
        elif a.get("error") != b.get("error"):
            wording_diff.append((c["id"], b.get("error")))
    return verdict_diff, wording_diff


# --------------------------------------------------------------------------------------------
# YAML out (flow style for the small maps and lists, as in the README).


def yload(text: str):
    import yaml

    return yaml.safe_load(text)


def fmt_float(x: float) -> str:
    if math.isnan(x):
        return ".nan"
    if math.isinf(x):
        return ".inf" if x > 0 else "-.inf"
    r = repr(x)
    if "e" in r:  # YAML 1.1 floats need a dot in the mantissa and a signed exponent
        mant, exp = r.split("e")
        if "." not in mant:
            mant += ".0"
        if exp[0] not in "+-":
            exp = "+" + exp
        r = f"{mant}e{exp}"
    assert yload(r) == x, r
    return r


def fmt_str(s: str, flow: bool) -> str:
    """Plain when YAML reads it back as this same string, else double-quoted (JSON escapes)."""
    plain = (
        s
        and s[0] not in "-?:,[]{}#&*!|>'\"%@` "
        and s[-1] not in ": "
        and ": " not in s
        and " #" not in s
        and "\n" not in s
        and not (flow and re.search(r"[\[\]{},]", s))
    )
    if plain:
        try:
            ok = yload(s) == s and (not flow or yload(f"[{s}]") == [s])
        except Exception:
            ok = False
        if ok:
            return s
    return json.dumps(s)


def fmt(v, flow: bool = True) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return fmt_float(v)
    if isinstance(v, str):
        return fmt_str(v, flow)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(fmt(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{fmt(k)}: {fmt(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"cannot write {v!r}")


def render(header: list, cases: list, peers: list) -> str:
    out = [f"# {h}".rstrip() for h in header]
    for c, p in zip(cases, peers):
        out.append("")
        first = True
        for k in INPUT_KEYS:
            if k not in c:
                continue
            lead = "- " if first else "  "
            first = False
            out.append(f"{lead}{k}: {fmt(c[k], flow=False)}")
        out.append("  peer:")
        for k in ("valid", "error", "resolved", "single", "contains"):
            if k in p:
                out.append(f"    {k}: {json.dumps(p[k]) if k == 'error' else fmt(p[k])}")
    return "\n".join(out) + "\n"


def describe(meta: dict, src: dict) -> str:
    if src["path"] is None:
        pkg = ""
        try:
            pkg = subprocess.run(
                ["dpkg-query", "-W", "-f", "${Package} ${Version}", "python3-optuna"],
                capture_output=True, text=True, check=True).stdout.strip()
        except (subprocess.CalledProcessError, FileNotFoundError):
            pass
        return f"installed optuna {meta['version']}" + (f" (Debian {pkg})" if pkg else "") + \
            f", {meta['file']}"
    return f"optuna/optuna@{src['commit']} (optuna {meta['version']})"


def main() -> None:
    if len(sys.argv) >= 2 and sys.argv[1] == "--worker":
        _worker(sys.argv[2] if len(sys.argv) > 2 else None)
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("optuna", nargs="?", help="Optuna checkout or git dir (default: installed)")
    ap.add_argument("--commit", help="the checkout's commit, when it has no .git")
    ap.add_argument("--no-cross-check", action="store_true",
                    help="do not also run the installed optuna")
    ap.add_argument("--check", action="store_true", help="fail if the file would change")
    args = ap.parse_args()

    cases = load_cases(CASES)
    inputs = [{k: c[k] for k in INPUT_KEYS if k in c} for c in cases]

    with tempfile.TemporaryDirectory() as tmp:
        src = resolve_source(args.optuna, args.commit, tmp)
        if src["path"]:
            check_sources(inputs, src["path"])
        run = run_worker(src["path"], inputs)
        peers, disagree = verdicts(run, inputs)
        if disagree:
            raise SystemExit("call and param disagree (fix the case's inputs):\n"
                             + "\n".join(disagree))
        meta = run["meta"]
        cross = None
        if src["path"] and not args.no_cross_check:
            try:
                other_run = run_worker(None, inputs)
            except SystemExit as e:
                print(f"cross-check skipped: {e}", file=sys.stderr)
            else:
                other, _ = verdicts(other_run, inputs)
                cross = (other_run["meta"], *differences(peers, other, inputs))

    given = args.optuna if args.optuna is None else os.path.abspath(args.optuna)
    rerun = f"{PYTHON} {SCRIPT}" + (f" {given}" if given else "") + \
        (f" --commit {args.commit}" if args.commit else "")
    commit = src["commit"] or TRANSLATED_FROM
    header = [
        "Optuna's distributions: cases translated from tests/test_distributions.py of",
        f"optuna/optuna at commit {commit} (`source` is file:line there).",
        f"Verdicts (`peer:`) computed by {describe(meta, src)}",
        f"under {PYTHON} {meta['python']}, by {SCRIPT}; nobody edits `peer:` by hand.",
        "Regenerate (from the repository root; OPTUNA is an Optuna checkout or git dir, default",
        "the installed optuna):",
        f"  {PYTHON} {SCRIPT} [OPTUNA] [--commit SHA]",
        f"This file was last regenerated with: {rerun}",
    ]
    if cross is not None:
        cmeta, vdiff, wdiff = cross
        header.append(f"Cross-check: installed optuna {cmeta['version']} ({cmeta['file']}) on the "
                      "same cases:")
        if not vdiff:
            header.append("  same valid/resolved/single/contains on every case.")
        else:
            header.append(f"  DIFFERENT verdicts on {len(vdiff)} case(s) (its verdict shown):")
            for cid, v in vdiff:
                header.append(f"  {cid}: {json.dumps(v)}")
        if wdiff:
            header.append(f"  Error wording differs on {len(wdiff)} case(s); optuna "
                          f"{cmeta['version']} says:")
            for cid, e in wdiff:
                header.append(f"  {cid.split('/')[-1]}: {e}")
    text = render(header, inputs, peers)

    # The file must read back as exactly what was computed.
    back = yload(text)
    for c, p, b in zip(inputs, peers, back):
        want = dict(c)
        want["peer"] = p
        if not same(json.loads(json.dumps(want)), json.loads(json.dumps(b))):
            raise SystemExit(f"YAML round trip changed {c['id']}:\n{want}\n{b}")

    if args.check:
        with open(CASES) as f:
            if f.read() != text:
                raise SystemExit(f"{CASES} is not up to date: run {rerun}")
        print(f"{CASES}: up to date ({len(inputs)} cases)")
        return
    with open(CASES, "w") as f:
        f.write(text)
    print(f"{CASES}: {len(inputs)} cases, verdicts from {describe(meta, src)}")
    if cross is not None:
        print(f"cross-check vs optuna {cross[0]['version']}: {len(cross[1])} verdict differences, "
              f"{len(cross[2])} wording differences")


if __name__ == "__main__":
    main()
