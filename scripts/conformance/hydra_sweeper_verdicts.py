#!/usr/bin/python3
"""Regenerate the `peer:` verdicts of tests/conformance/cases/hydra/*.yaml.

Each case there is a Hydra config file (`file:`) with a `hydra.sweeper` section, translated from
a test or example of Hydra's sweeper plugins (facebookresearch/hydra, plugins/hydra_*_sweeper).
This script reads the cases' inputs (id, source, kind, note, file), runs Hydra's own code on
each file and rewrites the files: same cases in the same order, each with its `peer:` verdict.

    /usr/bin/python3 scripts/conformance/hydra_sweeper_verdicts.py HYDRA [--check]

HYDRA is the git directory of a Hydra clone (its HEAD is exported with `git archive`) or a
source checkout. What runs, and what does not:
  * the file is read with OmegaConf.create, as Hydra reads a config file (Debian's
    python3-omegaconf 2.2; Hydra's HEAD asks for 2.4, whose only use here is its vendored
    antlr4, which the script maps to Debian's python3-antlr4 4.9);
  * Hydra's override grammar (hydra/grammar/*.g4) is compiled with Debian's `antlr4` tool
    (4.7.2; `apt-get install antlr4 python3-omegaconf`) and run by Hydra's OverridesParser;
  * the plugin is the one the file names (`defaults: [override hydra/sweeper: NAME]` or
    `hydra.sweeper._target_`); its own code builds the search space, as its sweep() does:
      optuna     OptunaSweeperImpl._parse_sweeper_params_config, create_params_from_overrides
                 (create_optuna_distribution_from_override) with the installed optuna 3.1,
                 and _to_grid_sampler_choices when the sampler is GridSampler;
      nevergrad  NevergradSweeperImpl._process_parameter_config and
                 create_nevergrad_parameter_from_override (hydra.sweeper.params), or
                 create_nevergrad_param_from_config (hydra.sweeper.parametrization, and the
                 Hydra 1.0 layout hydra.sweeper.params.parametrization);
      ax         CoreAxSweeper.setup_ax_client and create_ax_parameter_config;
  * nevergrad and ax are not installed here (no registry but Debian's and npm's): their
    classes are stubs that record what the plugin passes them. The verdict reads those calls
    with the libraries' documented meaning: ng.p.Scalar(lower, upper) is the box searched
    linearly (uniform), ng.p.Log(lower, upper) log-uniform, set_integer_casting() rounds to
    the nearest integer, Choice and TransitionChoice draw among their values; Ax's
    RangeParameterConfig(bounds, parameter_type, scaling) is uniform (log-uniform with
    scaling log) over int or float, ChoiceParameterConfig draws among its values.
The verdict, in the neutral form of tests/conformance/README.md: `valid` (false when the
plugin's code raises: `error:` has the exception); `goal`; `parameters` (W&B's names, plus
hpo's discrete_uniform and int_loguniform for Optuna's stepped float and log int ranges):
each value as the trial receives it (Hydra's Transformer.encode text parsed back by
OverridesParser); `support` for int and stepped ranges: every value the peer's distribution
contains (Optuna's `_contains` over the candidates), or the nearest integers of a rounded box;
`grid` when Optuna's sampler is GridSampler: the points, in GridSampler's order (each
range parameter's max and support are then those of _to_grid_sampler_choices, what it runs).
--check regenerates in memory and fails if a file would change.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import types

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = os.path.join(ROOT, "tests", "conformance", "cases", "hydra")
SCRIPT = "scripts/conformance/hydra_sweeper_verdicts.py"
INPUT_KEYS = ("id", "source", "kind", "note", "file")
sys.path.insert(0, HERE)
from yaml_numbers import number_text  # noqa: E402


# --------------------------------------------------------------------------------------------
# Hydra's code, importable: the checkout, its compiled grammar, stubs for nevergrad and ax.


def export(hydra: str, tmp: str) -> tuple[str, str]:
    """A source tree of `hydra` and its commit."""
    if os.path.isfile(os.path.join(hydra, "HEAD")) and not os.path.isdir(
        os.path.join(hydra, "hydra")
    ):
        commit = subprocess.check_output(
            ["git", "--git-dir", hydra, "rev-parse", "HEAD"], text=True
        ).strip()
        archive = subprocess.check_output(["git", "--git-dir", hydra, "archive", "HEAD"])
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        return tmp, commit
    commit = subprocess.check_output(["git", "-C", hydra, "rev-parse", "HEAD"], text=True).strip()
    return hydra, commit


def compile_grammar(tree: str) -> None:
    grammar = os.path.join(tree, "hydra", "grammar")
    gen = os.path.join(grammar, "gen")
    if os.path.exists(os.path.join(gen, "OverrideParser.py")):
        return
    subprocess.run(
        ["antlr4", "-Dlanguage=Python3", "-o", gen, "-Xexact-output-dir", "-visitor",
         os.path.join(grammar, "OverrideLexer.g4"), os.path.join(grammar, "OverrideParser.g4")],
        check=True,
    )
    open(os.path.join(gen, "__init__.py"), "a").close()


def vendor_antlr4() -> None:
    """omegaconf.vendor.antlr4 (OmegaConf 2.4) as Debian's antlr4 runtime."""
    import antlr4

    for sub in ("error.Errors", "error.ErrorListener", "tree.Tree"):
        importlib.import_module("antlr4." + sub)
    vendor = types.ModuleType("omegaconf.vendor")
    vendor.antlr4 = antlr4
    sys.modules["omegaconf.vendor"] = vendor
    for name in list(sys.modules):
        if name == "antlr4" or name.startswith("antlr4."):
            sys.modules["omegaconf.vendor." + name] = sys.modules[name]


class Recorded:
    """A nevergrad or ax object: its class name and the arguments the plugin gave."""

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs, self.integer = args, kwargs, False

    def set_integer_casting(self):
        self.integer = True
        return self

    def set_mutation(self, **kwargs):
        return self


def stub_modules() -> None:
    def module(name, **attrs):
        m = types.ModuleType(name)
        m.__dict__.update(attrs)
        sys.modules[name] = m
        return m

    def cls(name):
        return type(name, (Recorded,), {})

    p = module("nevergrad.p", **{n: cls(n) for n in ("Choice", "TransitionChoice", "Scalar",
                                                      "Log", "Dict")})
    module("nevergrad", p=p, optimizers=types.SimpleNamespace(registry={}))

    class Client:
        def __init__(self, random_seed=None):
            self.random_seed = random_seed

        def configure_experiment(self, parameters, **kwargs):
            self.parameters = parameters

        def configure_optimization(self, objective, **kwargs):
            self.objective = objective

    module("ax")
    module("ax.api")
    module("ax.api.client", Client=Client)
    module("ax.api.configs", ChoiceParameterConfig=cls("ChoiceParameterConfig"),
           RangeParameterConfig=cls("RangeParameterConfig"))
    module("ax.core")
    module("ax.core.types", TParamValue=object)
    module("ax.exceptions")
    module("ax.exceptions.core", SearchSpaceExhausted=type("SearchSpaceExhausted", (Exception,), {}),
           UnsupportedError=type("UnsupportedError", (Exception,), {}))


def import_hydra(tree: str) -> None:
    for plugin in ("optuna", "nevergrad", "ax"):
        sys.path.insert(0, os.path.join(tree, "plugins", f"hydra_{plugin}_sweeper"))
    sys.path.insert(0, tree)
    vendor_antlr4()
    stub_modules()
    import logging

    logging.disable(logging.CRITICAL)


# --------------------------------------------------------------------------------------------
# From the plugin's objects to the neutral form.


def decode(text):
    """The value the trial receives for an override value text (Transformer.encode's output)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    if not isinstance(text, str):
        return text
    try:
        override = OverridesParser.create().parse_override(f"k={text}")
    except Exception:  # noqa: BLE001 - not an override value: the text as it is
        return text
    return text if override.is_sweep_override() else override.value()


def plain(value):
    """OmegaConf containers and tuples as plain lists and dicts."""
    from omegaconf import OmegaConf

    if hasattr(value, "_metadata"):
        value = OmegaConf.to_container(value, resolve=True)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def optuna_parameter(dist):
    from optuna.distributions import (CategoricalDistribution, FloatDistribution,
                                      IntDistribution)

    if isinstance(dist, CategoricalDistribution):
        return {"distribution": "categorical", "values": [decode(c) for c in dist.choices]}, None
    if isinstance(dist, IntDistribution):
        kind = "int_loguniform" if dist.log else "int_uniform"
        step = dist.step or 1
        candidates = range(dist.low - 2 * step, dist.high + 2 * step + 1)
        return ({"distribution": kind, "min": dist.low, "max": dist.high},
                [x for x in candidates if dist._contains(x)])
    assert isinstance(dist, FloatDistribution)
    if dist.step is None:
        kind = "log_uniform_values" if dist.log else "uniform"
        return {"distribution": kind, "min": dist.low, "max": dist.high}, None
    n = round((dist.high - dist.low) / dist.step)
    candidates = [dist.low + k * dist.step for k in range(-2, n + 3)]
    return ({"distribution": "discrete_uniform", "min": dist.low, "max": dist.high},
            [x for x in candidates if dist._contains(x)])


def shuffled(overrides: list) -> set:
    """The names whose sweep is a shuffle(): their order is random, so the verdict sorts it."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    return {o.get_key_element() for o in OverridesParser.create().parse_overrides(overrides)
            if getattr(o.value(), "shuffle", False)}


def sort_shuffled(params: dict, names: set) -> None:
    for name in names:
        if params.get(name, {}).get("distribution") == "categorical":
            params[name]["values"] = sorted(params[name]["values"])


def rounded_support(lower, upper):
    return list(range(int(math.floor(lower + 0.5)), int(math.floor(upper + 0.5)) + 1))


def nevergrad_parameter(param, from_override: bool):
    if not isinstance(param, Recorded):  # a fixed value: an override's text, or the value
        return {"distribution": "constant",
                "value": decode(param) if from_override else plain(param)}, None
    kind = type(param).__name__
    if kind in ("Choice", "TransitionChoice"):  # each value as the trial's override gives it
        values = [decode(v) for v in plain(param.args[0])]
        return {"distribution": "categorical", "values": values}, None
    lower, upper = param.kwargs.get("lower"), param.kwargs.get("upper")
    if lower is None or upper is None:
        raise ValueError(f"unbounded {kind}: no neutral form")
    log = kind == "Log"
    if param.integer:
        name = "int_loguniform" if log else "int_uniform"
        return {"distribution": name, "min": lower, "max": upper}, rounded_support(lower, upper)
    return {"distribution": "log_uniform_values" if log else "uniform", "min": lower,
            "max": upper}, None


def ax_parameter(config):
    kind = type(config).__name__
    if kind == "RangeParameterConfig":
        log = config.kwargs.get("scaling") == "log"
        low, high = config.kwargs["bounds"]
        if config.kwargs["parameter_type"] == "int":
            name = "int_loguniform" if log else "int_uniform"
            return {"distribution": name, "min": low, "max": high}, list(range(low, high + 1))
        name = "log_uniform_values" if log else "uniform"
        return {"distribution": name, "min": float(low), "max": float(high)}, None
    values = list(config.kwargs["values"])
    if config.kwargs.get("is_ordered") is None and len(values) == 1:  # type: fixed
        return {"distribution": "constant", "value": values[0]}, None
    return {"distribution": "categorical", "values": values}, None


# --------------------------------------------------------------------------------------------
# Each plugin, as its sweep() builds the search space.


def defaults_choice(conf, group: str):
    """The option the file's defaults list picks for a config group (`override GROUP: NAME`)."""
    for entry in conf.get("defaults", []) or []:
        if hasattr(entry, "items"):
            for k, v in entry.items():
                if str(k).replace("override ", "").strip("/ ") == group:
                    return str(v)
    return None


def plugin_of(conf) -> str:
    target = str(conf.hydra.sweeper.get("_target_", "") or "")
    for name in ("optuna", "nevergrad", "ax"):
        if f"hydra_{name}_sweeper" in target:
            return name
    name = defaults_choice(conf, "hydra/sweeper")
    if name is None:
        raise ValueError("the file names no sweeper plugin")
    return name


def run_optuna(sweeper, grid_sampler: bool):
    import functools

    import optuna
    from hydra_plugins.hydra_optuna_sweeper import _impl

    impl = _impl.OptunaSweeperImpl(
        sampler=None, direction=sweeper.get("direction", "minimize"), storage=None,
        study_name=None, n_trials=sweeper.get("n_trials", 20), n_jobs=1,
        max_failure_rate=0.0, custom_search_space=None, params=sweeper.get("params"))
    impl._process_searchspace_config()
    overrides = impl._parse_sweeper_params_config()
    dists, fixed, _ = _impl.create_params_from_overrides(overrides)
    for name in fixed:
        dists.pop(name, None)
    params, support = {}, {}
    for name, dist in dists.items():
        params[name], values = optuna_parameter(dist)
        if values is not None:
            support[name] = values
    for name, value in fixed.items():
        params[name] = {"distribution": "constant", "value": decode(value)}
    sort_shuffled(params, shuffled(overrides))
    grid = None
    if grid_sampler:
        impl.sampler = functools.partial(optuna.samplers.GridSampler)
        choices = {n: impl._to_grid_sampler_choices(d) for n, d in dists.items()}
        for name, values in choices.items():  # what the grid searches: its choices
            if params[name]["distribution"] != "categorical":
                params[name]["max"] = values[-1]
                support[name] = values
        grid = [dict(zip(choices, point)) for point in itertools.product(*choices.values())]
        grid = [{**{k: decode(v) for k, v in p.items()},
                 **{n: decode(v) for n, v in fixed.items()}} for p in grid]
    directions = impl._get_directions()
    return params, support, grid, directions[0] if len(directions) == 1 else None


def run_nevergrad(sweeper, grid_sampler: bool):
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra_plugins.hydra_nevergrad_sweeper import _impl

    params_conf = sweeper.get("params")
    parametrization = sweeper.get("parametrization")
    optim = sweeper.get("optim") or {}
    if params_conf is not None and "parametrization" in params_conf and "optim" in params_conf:
        parametrization = params_conf.parametrization  # Hydra 1.0: params: {optim, parametrization}
        optim, params_conf = params_conf.optim, None
    impl = _impl.NevergradSweeperImpl(optim=optim, parametrization=parametrization,
                                      params=params_conf)
    built, overrides = impl._process_parameter_config()
    from_override = set()
    for override in OverridesParser.create().parse_overrides(overrides):
        from_override.add(override.get_key_element())
        built[override.get_key_element()] = _impl.create_nevergrad_parameter_from_override(
            override)
    params, support = {}, {}
    for name, param in built.items():
        params[name], values = nevergrad_parameter(param, name in from_override)
        if values is not None:
            support[name] = values
    sort_shuffled(params, shuffled(overrides))
    return params, support, None, "maximize" if optim.get("maximize", False) else "minimize"


def run_ax(sweeper, grid_sampler: bool):
    from hydra_plugins.hydra_ax_sweeper import _core
    from hydra_plugins.hydra_ax_sweeper.config import AxConfig
    from omegaconf import OmegaConf

    ax_config = OmegaConf.merge(OmegaConf.structured(AxConfig), sweeper.get("ax_config") or {})
    core = _core.CoreAxSweeper(ax_config, sweeper.get("max_batch_size"))
    client = core.setup_ax_client([])
    params, support = {}, {}
    for config in client.parameters:
        name = config.kwargs["name"]
        params[name], values = ax_parameter(config)
        if values is not None:
            support[name] = values
    return params, support, None, "minimize" if ax_config.experiment.minimize else "maximize"


def verdict(text: str) -> dict:
    from omegaconf import OmegaConf

    try:
        conf = OmegaConf.create(text)
        plugin = plugin_of(conf)
        run = {"optuna": run_optuna, "nevergrad": run_nevergrad, "ax": run_ax}[plugin]
        sampler = conf.hydra.sweeper.get("sampler") or {}
        grid_sampler = (defaults_choice(conf, "hydra/sweeper/sampler") == "grid"
                        or str(sampler.get("_target_", "")).endswith("GridSampler"))
        params, support, grid, goal = run(conf.hydra.sweeper, grid_sampler)
    except Exception as e:  # the plugin refuses the file
        return {"valid": False, "error": f"{type(e).__name__}: {(str(e) or repr(e)).splitlines()[0]}"}
    peer = {"valid": True}
    if goal:
        peer["goal"] = goal
    peer["parameters"] = params
    if support:
        peer["support"] = support
    if grid is not None:
        peer["grid"] = grid
    return peer


# --------------------------------------------------------------------------------------------
# The case files.


def fmt(v) -> str:
    text = number_text(v)
    if text is not None:
        return text
    if isinstance(v, str):  # plain when YAML reads it back as this string, else JSON-quoted
        plain_ok = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_./-]*", v) and yaml.safe_load(v) == v
        return v if plain_ok else json.dumps(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(fmt(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{fmt(str(k))}: {fmt(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"cannot write {v!r}")


def render(header: list, cases: list) -> str:
    out = [f"# {line}".rstrip() for line in header]
    for case in cases:
        out.append(f"- id: {case['id']}")
        out.append(f"  source: {fmt(case['source'])}")
        out.append(f"  kind: {case['kind']}")
        if case.get("note"):
            out.append(f"  note: {fmt(case['note'])}")
        out.append("  file: |")
        out.extend(("    " + line).rstrip() for line in case["file"].rstrip("\n").split("\n"))
        out.append("  peer:")
        for key, value in case["peer"].items():
            if isinstance(value, dict):
                out.append(f"    {key}:")
                out.extend(f"      {fmt(str(k))}: {fmt(v)}" for k, v in value.items())
            elif isinstance(value, list):
                out.append(f"    {key}:")
                out.extend(f"      - {fmt(v)}" for v in value)
            else:
                out.append(f"    {key}: {fmt(value)}")
    return "\n".join(out) + "\n"


def header(topic: str, commit: str, sources: list) -> list:
    return [
        f"Hydra sweeper plugins' conformance cases: {topic}.",
        f"Translated from facebookresearch/hydra (GitHub) at commit {commit}:",
        *[f"  {s}" for s in sources],
        "Every `peer:` block is written by Hydra's own code (its override parser and the",
        "plugin's functions that build the search space), run by",
        f"  /usr/bin/python3 {SCRIPT} <hydra git dir or checkout>",
        "(never edit a peer: block by hand; edit the inputs and rerun). The script's docstring",
        "says what runs and what is a stub (nevergrad and ax are not installed here).",
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("hydra")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tree, commit = export(args.hydra, tmp)
        compile_grammar(tree)
        import_hydra(tree)
        changed = []
        for name in sorted(os.listdir(CASES)):
            path = os.path.join(CASES, name)
            with open(path) as f:
                text = f.read()
            lines = text.split("\n")
            topic = lines[0].split(": ", 1)[1].rstrip(".")
            cases = yaml.safe_load(text)
            for case in cases:
                case["peer"] = verdict(case["file"])
            sources = sorted({c["source"].split(":")[0] for c in cases})
            new = render(header(topic, commit, sources), cases)
            if new != text:
                changed.append(name)
                if not args.check:
                    with open(path, "w") as f:
                        f.write(new)
        summary = [f"{n}: " + str(sum(1 for c in yaml.safe_load(open(os.path.join(CASES, n)))))
                   for n in sorted(os.listdir(CASES))]
        print("cases per file:", ", ".join(summary))
        if args.check and changed:
            sys.exit(f"would change: {', '.join(changed)}")


if __name__ == "__main__":
    main()
