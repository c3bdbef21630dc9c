#!/usr/bin/python3
"""Regenerate tests/conformance/cases/configspace/space.yaml: ConfigSpace spaces and its verdicts.

Usage (from anywhere, with Debian's python):

    /usr/bin/python3 scripts/conformance/configspace_space_verdicts.py CONFIGSPACE [--check]

CONFIGSPACE is a checkout (work tree) of automl/ConfigSpace or its git directory (HEAD is
exported to a temporary directory). Nothing of ConfigSpace is copied here: the script imports
its src/ConfigSpace package from that tree (plain Python, numpy and scipy; Debian's
typing_extensions lacks `deprecated`, stood in for by a decorator that returns its function).
Needs python3-omegaconf, python3-yaml, python3-numpy and python3-scipy.
Each case's `file` is a space as hypersweeper and ARLBench write it, translated from the
ConfigSpace test named by `source`; its verdict is what ConfigSpace's own decoding makes of it:
  file        hyperparameters keyed by name (hypersweeper's layout): loaded by OmegaConf, as
              Hydra loads hypersweeper's config, then hypersweeper's
              search_space_encoding.py:103-107 (the mapping becomes the list with `name`);
              a list of hyperparameters (ConfigSpace's own serialisation): loaded by
              yaml.safe_load, as ConfigurationSpace.from_yaml loads it
              (configuration_space.py:1192); then, either way,
              ConfigurationSpace.from_serialized_dict (read_and_write/dictionary.py);
  valid       it returns a space and cs.sample_configuration draws from it (`error:` the
              exception either raised otherwise);
  parameters  each hyperparameter object in W&B's names: UniformFloat uniform or
              log_uniform_values (min, max: the object's lower and upper); UniformInteger
              int_uniform or int_loguniform; Categorical categorical (values: its choices) or,
              with weights, categorical_w_probabilities (its normalised probabilities); Ordinal
              categorical (its sequence); Constant constant; NormalFloat truncated_normal and
              the beta kinds truncated_beta (mu/sigma or alpha/beta, min, max: no W&B name);
  support     for integer parameters of at most 64 values and categorical ones: the distinct
              values of 2000 draws of cs.sample_configuration (seeded), conditional ones left
              out;
  configurations  for a space with conditions: the configuration ConfigSpace completes when a
              condition's parent takes each of a few values (every choice; for a number its
              bounds, the values conditions compare it with and the midpoints between), the
              others their defaults: util.deactivate_inactive_hyperparameters keeps exactly
              the active hyperparameters, so hpo must give a trial exactly these.
The case file is rewritten whole; --check writes nothing and exits 1 when it would change.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from wandb_config_verdicts import distinct_sorted, emit_case, plain  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
CASE_FILE = os.path.join(REPO, "tests/conformance/cases/configspace/space.yaml")
SCRIPT_REL = "scripts/conformance/configspace_space_verdicts.py"
HP = "test/test_hyperparameters.py"
GT = "test/test_conditions.py:150 test_greater_and_less_condition"

CASES = [
    ("uniform-float", f"{HP}:202 test_uniformfloat",
     "hyperparameters:\n  param: {type: uniform_float, lower: 0, upper: 10}\n"),
    ("uniform-float-log", f"{HP}:202 test_uniformfloat",
     "hyperparameters:\n  param: {type: uniform_float, lower: 1.0e-6, upper: 0.1, log: true}\n"),
    ("uniform-float-log-from-zero", f"{HP}:286 test_uniformfloat_illegal_bounds",
     "hyperparameters:\n  param: {type: uniform_float, lower: 0, upper: 10, log: true}\n"),
    ("uniform-float-upper-below-lower", f"{HP}:286 test_uniformfloat_illegal_bounds",
     "hyperparameters:\n  param: {type: uniform_float, lower: 1, upper: 0}\n"),
    ("uniform-int-float-bounds", f"{HP}:1181 test_uniforminteger",
     "hyperparameters:\n  param: {type: uniform_int, lower: 0.0, upper: 5.0}\n"),
    ("uniform-int-legal-float-values", f"{HP}:1231 test_uniformint_legal_float_values",
     "hyperparameters:\n  n_iter: {type: uniform_int, lower: 5.0, upper: 1000.0, "
     "default_value: 20.0}\n"),
    ("uniform-int-exponent-bounds", f"{HP}:1231 test_uniformint_legal_float_values",
     "hyperparameters:\n  n_iter: {type: uniform_int, lower: 5e3, upper: 5e7}\n"),
    ("uniform-int-log", f"{HP}:1181 test_uniforminteger",
     "hyperparameters:\n  param: {type: uniform_int, lower: 8, upper: 1024, log: true}\n"),
    ("uniform-int-q-dropped", f"{HP}:1181 test_uniforminteger",
     "hyperparameters:\n  param: {type: uniform_int, lower: 0, upper: 10, q: 2}\n"),
    ("uniform-int-log-from-zero", f"{HP}:1245 test_uniformint_illegal_bounds",
     "hyperparameters:\n  param: {type: uniform_int, lower: 0, upper: 10, log: true}\n"),
    ("categorical", f"{HP}:2097 test_categorical",
     "hyperparameters:\n  - {name: param, type: categorical, choices: [0, 1]}\n"),
    ("categorical-weights", "test/read_and_write/test_json.py:40 "
     "test_configspace_with_probabilities",
     "hyperparameters:\n  a: {type: categorical, choices: [0, 1, 2], weights: [0.2, 0.2, 0.6]}\n"),
    ("ordinal", "test/test_conditions.py:150 test_greater_and_less_condition",
     "hyperparameters:\n  ord: {type: ordinal, sequence: [0, 1, 2, 3, 4, 5]}\n"),
    ("constant", f"{HP}:67 test_constant",
     "hyperparameters:\n  value: {type: constant, value: 1}\n  x: {type: uniform_float, "
     "lower: 0, upper: 1}\n"),
    ("normal-float", f"{HP}:471 test_normalfloat",
     "hyperparameters:\n  param: {type: normal_float, mu: 0.5, sigma: 10.5, lower: -20, "
     "upper: 20}\n"),
    ("equals-condition", "test/test_conditions.py:54 test_equals_condition",
     "hyperparameters:\n  parent: {type: categorical, choices: [0, 1]}\n"
     "  child: {type: uniform_int, lower: 0, upper: 10}\n"
     "conditions:\n  - {child: child, parent: parent, type: EQ, value: 0}\n"),
    ("equals-condition-illegal-value", "test/test_conditions.py:78 "
     "test_equals_condition_illegal_value",
     "hyperparameters:\n  parent: {type: categorical, choices: [0, 1]}\n"
     "  child: {type: uniform_int, lower: 0, upper: 10}\n"
     "conditions:\n  - {child: child, parent: parent, type: EQ, value: 2}\n"),
    ("greater-than-condition", GT,
     "hyperparameters:\n  child: {type: uniform_float, lower: 0, upper: 1}\n"
     "  float: {type: uniform_float, lower: 0, upper: 5}\n"
     "conditions:\n  - {child: child, parent: float, type: GT, value: 1}\n"),
    ("less-than-condition", GT,
     "hyperparameters:\n  child: {type: uniform_float, lower: 0, upper: 1}\n"
     "  float: {type: uniform_float, lower: 0, upper: 5}\n"
     "conditions:\n  - {child: child, parent: float, type: LT, value: 1}\n"),
    ("greater-than-condition-int-parent", GT,
     "hyperparameters:\n  child: {type: uniform_float, lower: 0, upper: 1}\n"
     "  int: {type: uniform_int, lower: 0, upper: 5}\n"
     "conditions:\n  - {child: child, parent: int, type: GT, value: 1}\n"),
    ("greater-than-condition-ordinal-parent", GT,
     "hyperparameters:\n  child: {type: uniform_float, lower: 0, upper: 1}\n"
     "  ord: {type: ordinal, sequence: [cold, luke warm, warm, hot]}\n"
     "conditions:\n  - {child: child, parent: ord, type: GT, value: warm}\n"),
    ("less-than-condition-ordinal-parent", GT,
     "hyperparameters:\n  child: {type: uniform_float, lower: 0, upper: 1}\n"
     "  ord: {type: ordinal, sequence: [cold, luke warm, warm, hot]}\n"
     "conditions:\n  - {child: child, parent: ord, type: LT, value: warm}\n"),
    ("greater-than-condition-categorical-parent", GT,
     "hyperparameters:\n  child: {type: uniform_float, lower: 0, upper: 1}\n"
     "  cat: {type: categorical, choices: [0, 1, 2, 3, 4, 5]}\n"
     "conditions:\n  - {child: child, parent: cat, type: GT, value: 1}\n"),
    ("greater-than-condition-illegal-value", GT,
     "hyperparameters:\n  child: {type: uniform_float, lower: 0, upper: 1}\n"
     "  float: {type: uniform_float, lower: 0, upper: 5}\n"
     "conditions:\n  - {child: child, parent: float, type: GT, value: 7}\n"),
    ("greater-than-condition-fractional-on-int", GT,
     "hyperparameters:\n  child: {type: uniform_float, lower: 0, upper: 1}\n"
     "  int: {type: uniform_int, lower: 0, upper: 5}\n"
     "conditions:\n  - {child: child, parent: int, type: GT, value: 1.5}\n"),
    ("and-of-greater-and-less-than", "test/test_conditions.py:238 test_and_conjunction",
     "hyperparameters:\n  child: {type: uniform_float, lower: 0, upper: 1}\n"
     "  float: {type: uniform_float, lower: 0, upper: 5}\n"
     "conditions:\n  - type: AND\n    conditions:\n"
     "      - {child: child, parent: float, type: GT, value: 1}\n"
     "      - {child: child, parent: float, type: LT, value: 3}\n"),
    ("normal-float-mu-outside-the-range", f"{HP}:471 test_normalfloat",
     "hyperparameters:\n  param: {type: normal_float, mu: 100, sigma: 1, lower: -20, "
     "upper: 20}\n"),
    ("normal-float-negative-sigma", f"{HP}:471 test_normalfloat",
     "hyperparameters:\n  param: {type: normal_float, mu: 0.5, sigma: -1, lower: -20, "
     "upper: 20}\n"),
    ("normal-float-upper-below-lower", f"{HP}:471 test_normalfloat",
     "hyperparameters:\n  param: {type: normal_float, mu: 0.5, sigma: 1, lower: 20, "
     "upper: -20}\n"),
    # The scalars YAML 1.1 and 1.2 read differently, as each loader reads them: OmegaConf's for
    # hypersweeper's layout (1e-5 a float), yaml.safe_load for ConfigSpace's own (1e-5 a text)
    ("yaml11-hypersweeper-layout", "src/ConfigSpace/configuration_space.py:990 "
     "from_serialized_dict",
     "hyperparameters:\n  lr: {type: uniform_float, lower: 1e-5, upper: 1e-2, log: yes}\n"
     "  layers: {type: uniform_int, lower: 01, upper: 010}\n"
     "  use_gae: {type: categorical, choices: [yes, no]}\n"),
    ("yaml11-own-layout", "src/ConfigSpace/configuration_space.py:1159 from_yaml",
     "hyperparameters:\n  - {name: lr, type: uniform_float, lower: 1.0e-5, upper: 1.0e-2, "
     "log: yes}\n  - {name: layers, type: uniform_int, lower: 01, upper: 010}\n"
     "  - {name: use_gae, type: categorical, choices: [on, off]}\n"),
    ("yaml11-own-layout-bound-without-a-dot", "src/ConfigSpace/configuration_space.py:1159 "
     "from_yaml",
     "hyperparameters:\n  - {name: lr, type: uniform_float, lower: 1e-5, upper: 1.0e-2}\n"),
]


def prepare(source):
    if os.path.isdir(os.path.join(source, "src", "ConfigSpace")):
        return source, None
    tmp = tempfile.mkdtemp(prefix="configspace_")
    archive = subprocess.run(["git", "--git-dir", source, "archive", "HEAD", "src", "test"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
    return tmp, tmp


def import_configspace(root):
    import typing_extensions

    if not hasattr(typing_extensions, "deprecated"):
        typing_extensions.deprecated = lambda *a, **k: (lambda f: f)
    sys.path.insert(0, os.path.join(root, "src"))
    import ConfigSpace

    return ConfigSpace


def serialized_dict(file_text):
    """The space as ConfigSpace's decoder receives it. ConfigSpace's own layout (a list of
    hyperparameters) from ConfigurationSpace.from_yaml's yaml.safe_load; hypersweeper's (keyed
    by name) loaded by OmegaConf (Hydra's loader, which reads 5e3 as a float where PyYAML reads
    a string), then search_space_encoding.py:103-107 (the mapping becomes the list with
    `name`)."""
    import yaml
    from omegaconf import OmegaConf

    own = yaml.safe_load(file_text)
    if isinstance(own.get("hyperparameters"), list):
        return own
    space = OmegaConf.to_container(OmegaConf.create(file_text))
    hps = space.get("hyperparameters", [])
    if isinstance(hps, dict):
        space["hyperparameters"] = [dict(spec, name=name) for name, spec in hps.items()]
    return space


def describe(cs_module, hp):
    h = cs_module.hyperparameters
    if isinstance(hp, h.UniformFloatHyperparameter):
        return {"distribution": "log_uniform_values" if hp.log else "uniform",
                "min": float(hp.lower), "max": float(hp.upper)}
    if isinstance(hp, h.UniformIntegerHyperparameter):
        return {"distribution": "int_loguniform" if hp.log else "int_uniform",
                "min": int(hp.lower), "max": int(hp.upper)}
    if isinstance(hp, h.CategoricalHyperparameter):
        if hp.weights is not None:
            return {"distribution": "categorical_w_probabilities",
                    "values": plain(list(hp.choices)),
                    "probabilities": [float(p) for p in hp.probabilities]}
        return {"distribution": "categorical", "values": plain(list(hp.choices))}
    if isinstance(hp, h.OrdinalHyperparameter):
        return {"distribution": "categorical", "values": plain(list(hp.sequence))}
    if isinstance(hp, h.Constant):
        return {"distribution": "constant", "value": plain(hp.value)}
    if isinstance(hp, (h.NormalFloatHyperparameter, h.NormalIntegerHyperparameter)):
        return {"distribution": "truncated_normal", "mu": float(hp.mu), "sigma": float(hp.sigma),
                "min": float(hp.lower), "max": float(hp.upper)}
    return {"distribution": "truncated_beta", "alpha": float(hp.alpha), "beta": float(hp.beta),
            "min": float(hp.lower), "max": float(hp.upper)}


def literal_conditions(cs):
    for condition in cs.conditions:
        if hasattr(condition, "get_descendant_literal_conditions"):
            yield from condition.get_descendant_literal_conditions()
        else:
            yield condition


def probe_values(cs_module, hp, compared):
    """Values of a condition's parent to try: every choice of a categorical or ordinal; for a
    number its bounds, the values conditions compare it with, and the midpoints between them
    (integers rounded)."""
    h = cs_module.hyperparameters
    if isinstance(hp, h.CategoricalHyperparameter):
        return list(hp.choices)
    if isinstance(hp, h.OrdinalHyperparameter):
        return list(hp.sequence)
    points = sorted({float(hp.lower), float(hp.upper), *(float(v) for v in compared)})
    points = sorted(set(points) | {(a + b) / 2 for a, b in zip(points, points[1:])})
    if isinstance(hp, (h.UniformIntegerHyperparameter, h.NormalIntegerHyperparameter)):
        return sorted({int(round(v)) for v in points})
    return points


def configurations(cs_module, cs):
    """The configurations ConfigSpace completes for each probe value of each condition's parent,
    every other hyperparameter at its default: util.deactivate_inactive_hyperparameters, as
    ConfigSpace's own samplers call it, drops the children whose conditions the values fail."""
    from ConfigSpace.util import deactivate_inactive_hyperparameters

    compared = {}
    for condition in literal_conditions(cs):
        values = getattr(condition, "values", None) or [condition.value]
        if all(isinstance(v, (int, float)) for v in values):
            compared.setdefault(condition.parent.name, []).extend(values)
        else:
            compared.setdefault(condition.parent.name, [])
    defaults = {name: cs[name].default_value for name in cs}
    out = []
    for parent in compared:
        for value in probe_values(cs_module, cs[parent], compared[parent]):
            values = dict(defaults, **{parent: value})
            out.append(plain(dict(deactivate_inactive_hyperparameters(values, cs))))
    return out


def verdict(cs_module, file_text):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 'q was removed', 'default should be default_value'
        try:
            cs = cs_module.ConfigurationSpace.from_serialized_dict(serialized_dict(file_text))
        except Exception as e:  # noqa: BLE001: any refusal is the verdict
            return {"valid": False, "error": f"{type(e).__name__}: {str(e).splitlines()[0]}"}
    parameters = {name: describe(cs_module, cs[name]) for name in cs}
    cs.seed(1)
    try:  # a space it builds may still fail to draw (a normal_float of sigma < 0: truncnorm)
        draws = cs.sample_configuration(2000)
    except Exception as e:  # noqa: BLE001: what a sweep over the space would meet
        return {"valid": False, "error": f"{type(e).__name__}: {str(e).splitlines()[0]}"}
    support = {}
    for name, spec in parameters.items():
        if spec["distribution"] not in ("int_uniform", "int_loguniform", "categorical",
                                        "categorical_w_probabilities"):
            continue
        if cs.parents_of[name]:
            continue  # conditional: absent from some draws
        if spec["distribution"].startswith("int") and spec["max"] - spec["min"] >= 64:
            continue  # 2000 draws would not show every value
        support[name] = distinct_sorted(plain(d[name]) for d in draws)
    peer = {"valid": True, "parameters": parameters}
    if support:
        peer["support"] = support
    if cs.conditions:
        peer["configurations"] = configurations(cs_module, cs)
    return peer


def render(cs_module, sha):
    lines = [
        "# ConfigSpace search spaces as hypersweeper and ARLBench write them.",
        f"# Translated from the tests of automl/ConfigSpace (GitHub) at commit {sha}.",
        "# Every `peer:` block is written by ConfigSpace's own code, run by",
        f"#   /usr/bin/python3 {SCRIPT_REL} <ConfigSpace checkout or git dir>",
        "# (never edit a peer: block by hand; edit the inputs in the script and rerun). The",
        "# script's docstring says how each field is computed.",
        "",
    ]
    for short, source, text in CASES:
        case = {"id": f"configspace/space/{short}", "source": source, "kind": "sweep_file",
                "file": text}
        case["peer"] = verdict(cs_module, text)
        lines.append(emit_case(case))
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("configspace", help="ConfigSpace checkout, or its git directory")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file would change")
    args = parser.parse_args()
    root, tmp = prepare(args.configspace)
    try:
        git_dir = args.configspace if tmp else os.path.join(args.configspace, ".git")
        sha = subprocess.run(["git", "--git-dir", git_dir, "rev-parse", "HEAD"], check=True,
                             capture_output=True, text=True).stdout.strip()
        for _, source, _ in CASES:
            path, rest = source.split(":", 1)
            line, func = rest.split(" ")
            with open(os.path.join(root, path)) as f:
                if f"def {func}(" not in f.read().split("\n")[int(line) - 1]:
                    raise ValueError(f"{source}: not `def {func}(`")
        text = render(import_configspace(root), sha)
        old = open(CASE_FILE).read() if os.path.exists(CASE_FILE) else ""
        if text == old:
            return 0
        if args.check:
            print("out of date: " + os.path.relpath(CASE_FILE, REPO))
            return 1
        os.makedirs(os.path.dirname(CASE_FILE), exist_ok=True)
        with open(CASE_FILE, "w") as f:
            f.write(text)
        return 0
    finally:
        if tmp:
            subprocess.run(["rm", "-rf", tmp], check=False)


if __name__ == "__main__":
    sys.exit(main())
