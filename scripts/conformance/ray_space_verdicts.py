#!/usr/bin/python3
"""Regenerate the verdicts of tests/conformance/cases/{ray,trlx}/space.yaml.

Usage (from anywhere, with Debian's python):

    /usr/bin/python3 scripts/conformance/ray_space_verdicts.py RAY TRLX [--check]

RAY is a checkout (work tree) or git directory of Ray (ray-project/ray, or a fork of it: the
upstream snapshot is too large to fetch here, so the case file's header names the repository
and commit used); TRLX likewise for CarperAI/trlx. From a git directory only the files the
script reads are exported, to a temporary directory. Nothing of either is copied here.

Ray's python/ray/tune/search/sample.py and variant_generator.py are imported standalone: the
packages above them (ray, ray.tune, ray.tune.search) are empty stand-in modules, and
ray.util.annotations, which only marks the API (DeveloperAPI, PublicAPI,
RayDeprecationWarning), is a stand-in whose decorators return what they decorate. trlx's
trlx/sweep.py is imported with stand-ins for what it imports at the top and does not use in
get_param_space (ray.init's package, wandb, ray.air, ray.train.huggingface.accelerate,
ray.tune.logger); its `tune` is a module of Ray's own sample.py functions and grid_search.

For each `kind: sweep_file` case the script reads `file:` with yaml.safe_load and asks the peer:
  ray   each leaf of tune.param_space: a "tune.NAME(...)" string is evaluated with Ray's
        functions (as users of such files eval them), a {grid_search: [...]} mapping is
        resolved by variant_generator._try_resolve, anything else is a constant;
  trlx  get_param_space(the file without tune_config) (trlx/sweep.py:17);
then writes the peer's domains in W&B's distribution names:
  valid       the domain was built and sampled once without an exception (`error:` otherwise);
  parameters  Categorical: categorical with values (constant when it has one value); Float:
              uniform, log_uniform_values or normal (mu, sigma), with Quantized q_uniform,
              q_log_uniform_values or q_normal; Integer: int_uniform or int_loguniform on
              [lower, upper - 1] (Integer._Uniform draws integers(lower, upper)), with Quantized
              q != 1 q_uniform or q_log_uniform_values on [ceil(lower/q) q, floor(upper/q) q],
              the domain Quantized.sample draws from before it rounds to q (q == 1 passes
              through);
  support     for Categorical, Integer and a Float Quantized to at most 200 values: the
              distinct values of 20000 draws of the domain's own sample(size=20000,
              random_state=0), each cast as one draw is, sorted; for a grid_search, its points.
--check writes nothing and exits 1 when a file would change.
"""

import argparse
import importlib.util
import math
import os
import subprocess
import sys
import tempfile
import types

import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from wandb_config_verdicts import (  # noqa: E402
    INPUT_KEYS, check_source, distinct_sorted, emit_case, equal, plain)

REPO = os.path.dirname(os.path.dirname(HERE))
SCRIPT_REL = "scripts/conformance/ray_space_verdicts.py"
RAY_FILES = ["python/ray/tune/search/sample.py", "python/ray/tune/search/variant_generator.py",
             "python/ray/tune/tests/test_sample.py", "python/ray/tune/tests/test_var.py",
             # where RLlib loads an experiment file, with yaml.safe_load (the yaml11 cases)
             "rllib/algorithms/tests/run_regression_tests.py"]
TRLX_FILES = ["trlx/sweep.py"]
DRAWS = 20000
MAX_SUPPORT = 200


# --------------------------------------------------------------------------------------------
# the peers' code


def prepare(path, files):
    """(root with `files`, commit sha, temp dir or None) for a checkout or a git directory."""
    path = os.path.abspath(path)
    if os.path.exists(os.path.join(path, files[0])):
        sha = subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], check=True,
                             capture_output=True, text=True).stdout.strip()
        return path, sha, None
    sha = subprocess.run(["git", "--git-dir", path, "rev-parse", "HEAD^{commit}"], check=True,
                         capture_output=True, text=True).stdout.strip()
    tmp = tempfile.mkdtemp(prefix="ray-space-")
    archive = subprocess.run(["git", "--git-dir", path, "archive", sha, *files], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
    return tmp, sha, tmp


def stand_in(name, **attributes):
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    module.__path__ = []  # a package, so that submodules can be registered under it
    sys.modules[name] = module
    return module


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def import_ray(root):
    def mark(*args, **kwargs):  # @DeveloperAPI, @PublicAPI(stability=...)
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]
        return lambda obj: obj

    for package in ("ray", "ray.util", "ray.tune", "ray.tune.search"):
        stand_in(package)
    stand_in("ray.util.annotations", DeveloperAPI=mark, PublicAPI=mark,
             RayDeprecationWarning=DeprecationWarning)
    search = os.path.join(root, "python/ray/tune/search")
    sample = load("ray.tune.search.sample", os.path.join(search, "sample.py"))
    variants = load("ray.tune.search.variant_generator",
                    os.path.join(search, "variant_generator.py"))
    tune = sys.modules["ray.tune"]
    for fn in ("uniform", "quniform", "loguniform", "qloguniform", "choice", "randint",
               "qrandint", "lograndint", "qlograndint", "randn", "qrandn", "sample_from"):
        setattr(tune, fn, getattr(sample, fn))
    tune.grid_search = variants.grid_search
    return sample, variants


def import_trlx(root):
    """trlx/sweep.py with stand-ins for what get_param_space does not use."""
    nothing = type("Nothing", (), {})
    stand_in("wandb")
    stand_in("wandb.apis")
    stand_in("wandb.apis.reports")
    stand_in("ray.air", ScalingConfig=nothing)
    stand_in("ray.train")
    stand_in("ray.train.huggingface")
    stand_in("ray.train.huggingface.accelerate", AccelerateTrainer=nothing)
    stand_in("ray.tune.logger", CSVLoggerCallback=nothing)
    sys.modules["ray"].tune = sys.modules["ray.tune"]
    return load("trlx_sweep", os.path.join(root, "trlx/sweep.py"))


# --------------------------------------------------------------------------------------------
# a domain in W&B's names


def inner_sampler(domain):
    sampler = domain.get_sampler()
    if type(sampler).__name__ == "Quantized":
        return sampler.get_sampler(), sampler.q
    return sampler, None


def describe(sample, domain):
    """W&B's distribution name and arguments for one of Ray's domains."""
    if isinstance(domain, sample.Categorical):
        values = plain(list(domain.categories))
        if len(values) == 1:
            return {"distribution": "constant", "value": values[0]}
        return {"distribution": "categorical", "values": values}
    sampler, q = inner_sampler(domain)
    kind = type(sampler).__name__  # _Uniform, _LogUniform, _Normal
    if isinstance(domain, sample.Float):
        if kind == "_Normal":
            spec = {"distribution": "normal" if q is None else "q_normal",
                    "mu": float(sampler.mean), "sigma": float(sampler.sd)}
        else:
            name = "uniform" if kind == "_Uniform" else "log_uniform_values"
            if q is not None:
                name = "q_" + name if kind == "_Uniform" else "q_log_uniform_values"
            spec = {"distribution": name, "min": plain(domain.lower), "max": plain(domain.upper)}
        if q is not None:
            spec["q"] = plain(q)
        return spec
    log = kind == "_LogUniform"
    if q is None or q == 1:
        return {"distribution": "int_loguniform" if log else "int_uniform",
                "min": plain(domain.lower), "max": plain(domain.upper) - 1}
    return {"distribution": "q_log_uniform_values" if log else "q_uniform",
            "min": plain(float(np.ceil(domain.lower / q) * q)),
            "max": plain(float(np.floor(domain.upper / q) * q)), "q": plain(q)}


def support(sample, domain):
    """The distinct values of many draws, for a domain with finitely many values; else None."""
    if isinstance(domain, sample.Float):
        _, q = inner_sampler(domain)
        if q is None or not math.isfinite(domain.lower) or not math.isfinite(domain.upper):
            return None
        if (domain.upper - domain.lower) / q > MAX_SUPPORT:
            return None
    if isinstance(domain, sample.Function):
        return None
    if domain.is_grid():  # every point, in every variant (variant_generator.py)
        return distinct_sorted(plain(list(domain.categories)))
    draws = domain.sample(size=DRAWS, random_state=np.random.default_rng(0))
    # one draw (a trial's) is cast to the domain's type; many come back as numpy's floats
    return distinct_sorted(plain([domain.cast(v) for v in draws]))


# --------------------------------------------------------------------------------------------
# the peers' verdict on one file


def leaves_of_ray_file(config):
    tune = sys.modules["ray.tune"]
    out = {}
    for name, leaf in ((config.get("tune") or {}).get("param_space") or {}).items():
        if isinstance(leaf, str) and leaf.startswith("tune."):
            leaf = eval(leaf, {"tune": tune})  # noqa: S307 - the case's own call text
        out[name] = leaf
    return out


def domain_of(sample, variants, name, leaf):
    """Ray's domain for a leaf ({grid_search: [...]} made a grid Categorical by Ray's own
    _try_resolve); a plain value is a constant, a Categorical of one."""
    if leaf is None:
        raise ValueError(f"{name}: get_param_space gave None (an unknown strategy)")
    resolved, value = variants._try_resolve(leaf)
    return value if not resolved else sample.Categorical([value])


def verdict(peer, modules, file_text):
    config = yaml.safe_load(file_text)
    sample = modules["sample"]
    try:
        if peer == "ray":
            leaves = leaves_of_ray_file(config)
        else:
            config.pop("tune_config", None)
            leaves = modules["trlx"].get_param_space(config)
        domains = {k: domain_of(sample, modules["variants"], k, v) for k, v in leaves.items()}
        for domain in domains.values():
            if not domain.is_grid():  # Grid.sample returns an error object, on purpose
                domain.sample(random_state=np.random.default_rng(0))
    except (ValueError, AssertionError, TypeError) as e:
        return {"valid": False, "error": f"{type(e).__name__}: {e}".strip()}
    result = {"valid": True, "parameters": {}, "support": {}}
    for name, domain in domains.items():
        result["parameters"][name] = describe(sample, domain)
        values = support(sample, domain)
        if values is not None:
            result["support"][name] = values
    if not result["support"]:
        del result["support"]
    return result


# --------------------------------------------------------------------------------------------
# the case files


def header(peer, repo, sha, sources):
    what = {"ray": "Ray Tune's search-space domains (tune.search.sample)",
            "trlx": "trlx's sweep strategies (trlx/sweep.py get_param_space)"}[peer]
    return "\n".join([
        f"# {what}.",
        f"# Translated from {repo} on GitHub, at commit {sha}:",
        *(f"#   {s}" for s in sources),
        "# Every `peer:` block is written by the peer's own code, run by",
        f"#   /usr/bin/python3 {SCRIPT_REL} <Ray checkout or git dir> <trlx checkout or git dir>",
        "# (never edit a peer: block by hand; edit the inputs and rerun). The script's docstring",
        "# says how each field is computed: parameters in W&B's names, support from 20000 draws.",
        "",
    ])


def regenerate(peer, repo, modules, root, sha, path, check):
    with open(path) as f:
        old_text = f.read()
    cases = yaml.safe_load(old_text) or []
    sources, out = [], []
    for case in cases:
        source = check_source(root, case)
        if source not in sources:
            sources.append(source)
        case = {k: case[k] for k in INPUT_KEYS if k in case}
        case["peer"] = verdict(peer, modules, case["file"])
        out.append(case)
    text = header(peer, repo, sha, sources) + "\n" + "\n\n".join(map(emit_case, out)) + "\n"
    for case, back in zip(out, yaml.safe_load(text)):
        if back["file"] != case["file"] or not equal(back["peer"], case["peer"]):
            raise AssertionError(f"{case['id']}: written YAML does not read back the same")
    if check:
        return text != old_text
    if text != old_text:
        with open(path, "w") as f:
            f.write(text)
    valid = sum(1 for c in out if c["peer"]["valid"])
    print(f"{os.path.relpath(path, REPO)}: {len(out)} cases ({valid} valid)")
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ray", help="Ray checkout, or its git directory")
    parser.add_argument("trlx", help="trlx checkout, or its git directory")
    parser.add_argument("--ray-name", default="ray-project/ray",
                        help="the repository RAY is (a fork's name, when it is one)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a file would change")
    args = parser.parse_args()
    ray_root, ray_sha, ray_tmp = prepare(args.ray, RAY_FILES)
    trlx_root, trlx_sha, trlx_tmp = prepare(args.trlx, TRLX_FILES)
    try:
        sample, variants = import_ray(ray_root)
        modules = {"sample": sample, "variants": variants, "trlx": import_trlx(trlx_root)}
        stale = []
        for peer, repo, root, sha in (("ray", args.ray_name, ray_root, ray_sha),
                                      ("trlx", "CarperAI/trlx", trlx_root, trlx_sha)):
            path = os.path.join(REPO, f"tests/conformance/cases/{peer}/space.yaml")
            if regenerate(peer, repo, modules, root, sha, path, args.check):
                stale.append(os.path.relpath(path, REPO))
        if stale:
            print("out of date: " + ", ".join(stale))
            return 1
        return 0
    finally:
        for tmp in (ray_tmp, trlx_tmp):
            if tmp:
                subprocess.run(["rm", "-rf", tmp], check=False)


if __name__ == "__main__":
    sys.exit(main())
