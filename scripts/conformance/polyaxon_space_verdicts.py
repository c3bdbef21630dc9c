#!/usr/bin/python3
"""Regenerate the Polyaxon (v0) verdicts of tests/conformance/cases/polyaxon/space.yaml.

Usage (from anywhere, with Debian's python):

    /usr/bin/python3 scripts/conformance/polyaxon_space_verdicts.py SCHEMAS [--commit SHA] [--check]

SCHEMAS is a checkout (work tree) of polyaxon/polyaxon-schemas, the home of Polyaxon v0's
polyaxonfile (`hptuning:`), or its git directory (HEAD, or --commit, is exported to a temporary
directory). The script imports its package (nothing of it is copied here) and, for the `file:`
of every case, validates `hptuning` with HPTuningConfig.from_dict and writes each matrix entry
(a MatrixConfig) in the suite's neutral names. --check writes nothing and exits 1 when the file
would change.

Needs Debian's python3-yaml, python3-numpy, python3-marshmallow and python3-six. Stand-ins, at
import time and without touching the package's code: collections.Mapping & co. (removed in
Python 3.10) are collections.abc's; marshmallow.utils.utc (gone from Debian's marshmallow) is
datetime's; marshmallow's schema hooks drop the many=/partial= keywords its version passes
and the package's hooks do not take; `hestia` (Polyaxon's helpers, not in Debian) is a module
whose to_list, cached_property and the few names the package imports do what their names say;
`rhea` (its io typing, not used by the matrix code) is a module of placeholder names.
"""

import argparse
import collections
import collections.abc
import functools
import os
import sys
import types

import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from case_file import regenerate_case_file  # noqa: E402
from wandb_config_verdicts import (  # noqa: E402
    REPO, check_source, distinct_sorted, prepare_checkout_at)

CASE_FILE = os.path.join(REPO, "tests/conformance/cases/polyaxon/space.yaml")
SCRIPT_REL = "scripts/conformance/polyaxon_space_verdicts.py"
INPUT_KEYS = ("id", "source", "kind", "note", "file")
DENSE = 1 << 16  # evenly spaced draws handed to a q distribution to find its values


def install_stand_ins():
    for name in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable"):
        setattr(collections, name, getattr(collections.abc, name))

    def to_list(value, check_none=False):
        if value is None and not check_none:
            return []
        return list(value) if isinstance(value, (list, tuple, set)) else [value]

    modules = {
        "hestia": {},
        "hestia.list_utils": {"to_list": to_list},
        "hestia.cached_property": {"cached_property": functools.cached_property},
        "hestia.humanize": {"humanize_timesince": str, "humanize_timedelta": str},
        "hestia.units": {"to_percentage": str, "to_unit_memory": str},
        "hestia.unknown": {"UNKNOWN": "unknown"},
        "hestia.string_utils": {"strip_spaces": lambda s, **kw: s.strip()},
        "hestia.tz_utils": {"get_time_zone": lambda: None},
        "hestia.imports": {"import_string": __import__},
    }
    for name, attrs in modules.items():
        module = types.ModuleType(name)
        module.__dict__.update(attrs)
        sys.modules[name] = module
    class Placeholder(Exception):  # any attribute, an empty iterable, callable
        def __getattr__(self, name):
            return Placeholder()

        def __iter__(self):
            return iter(())

        def __call__(self, *args, **kwargs):
            return Placeholder()

    class AnyName(types.ModuleType):  # `rhea`, Polyaxon's io typing: only imported here
        RheaError = Placeholder

        def __getattr__(self, name):
            return Placeholder()

    for name in ("rhea", "rhea.rhea_types", "rhea.parser", "rhea.utils"):
        sys.modules[name] = AnyName(name)
    import datetime

    import marshmallow.utils

    marshmallow.utils.utc = datetime.timezone.utc  # removed after marshmallow 3.0
    import marshmallow

    # marshmallow >= 3 calls schema hooks with many=, partial=: the package's take (self, data)
    for hook in ("validates_schema", "post_load", "pre_load", "post_dump", "pre_dump"):
        setattr(marshmallow, hook, _dropping_keywords(getattr(marshmallow, hook)))


def _dropping_keywords(decorator):
    def drop(fn):
        @functools.wraps(fn)
        def hook(self, data, *args, **kwargs):
            return fn(self, data, *args)

        return hook

    def wrapped(fn=None, *args, **kwargs):
        if callable(fn) and not args and not kwargs:
            return decorator(drop(fn))
        return lambda f: decorator(fn, *args, **kwargs)(drop(f)) if fn is not None else \
            decorator(*args, **kwargs)(drop(f))

    return wrapped


def plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    return value


class DenseUniform:
    """A rand_generator whose uniform() returns evenly spaced points of [low, high): handed to
    the peer's own q functions, it shows every value they can give."""

    def uniform(self, low, high, size=None):
        return low + (high - low) * (np.arange(DENSE) + 0.5) / DENSE


def translate(matrix_module, config):
    """(spec or None, support or None) of one MatrixConfig."""
    key, value = list(config.to_dict().items())[0]
    if key == "values":
        return {"distribution": "categorical", "values": plain(value)}, plain(value)
    if key == "pvalues":
        values = [plain(v[0]) for v in value]
        return ({"distribution": "categorical_w_probabilities", "values": values,
                 "probabilities": [float(v[1]) for v in value]}, values)
    if key in ("range", "linspace", "logspace", "geomspace"):
        values = plain(config.to_numpy())
        spec = None if key == "range" else {"distribution": "categorical", "values": values}
        return spec, distinct_sorted(values)
    if key == "uniform":
        return {"distribution": "uniform", "min": float(value["low"]),
                "max": float(value["high"])}, None
    if key == "loguniform":  # exp(uniform(low, high)): matrix.py loguniform
        return {"distribution": "log_uniform_values", "min": float(np.exp(value["low"])),
                "max": float(np.exp(value["high"]))}, None
    if key in ("normal", "lognormal"):
        return {"distribution": "normal" if key == "normal" else "log_normal",
                "mu": float(value["loc"]), "sigma": float(value["scale"])}, None
    if key == "qnormal":  # np.round(x // q) * q = round(N(loc - q/2) / q) * q
        return {"distribution": "q_normal", "mu": float(value["loc"] - value["q"] / 2),
                "sigma": float(value["scale"]), "q": float(value["q"])}, None
    if key in ("quniform", "qloguniform"):  # floor(x / q) * q of a uniform or exp(uniform)
        draws = getattr(matrix_module, key)(value["low"], value["high"], value["q"],
                                            rand_generator=DenseUniform())
        return None, distinct_sorted(plain(np.unique(draws)))
    return {"distribution": "polyaxon_" + key}, None


def verdict(schemas, file_text):
    hptuning_module, matrix_module = schemas
    data = yaml.safe_load(file_text)
    try:
        config = hptuning_module.HPTuningConfig.from_dict(data["hptuning"])
    except Exception as exc:  # the schema's refusal, whichever its type
        return {"valid": False, "error": f"{type(exc).__name__}: {exc}".split("\n")[0]}
    parameters, support = {}, {}
    for name, entry in config.matrix.items():
        spec, values = translate(matrix_module, entry)
        if spec is not None:
            parameters[name] = spec
        if values is not None:
            support[name] = values
    peer = {"valid": True}
    if parameters:
        peer["parameters"] = parameters
    if support:
        peer["support"] = support
    return peer


def header(sha, sources):
    return "\n".join([
        "# Polyaxon v0 conformance cases: the search an `hptuning.matrix` defines.",
        f"# Translated from the tests of polyaxon/polyaxon-schemas (GitHub) at commit {sha}:",
        *(f"#   {s}" for s in sources),
        "# Every `peer:` block is written by Polyaxon's own code, run by",
        f"#   /usr/bin/python3 {SCRIPT_REL} <polyaxon/polyaxon-schemas checkout or git dir>",
        "# (never edit a peer: block by hand; edit the inputs and rerun). How it is computed:",
        "#   valid     HPTuningConfig.from_dict(file.hptuning) accepts it; `error:` otherwise;",
        "#   parameters  each MatrixConfig: values as categorical, pvalues as",
        "#             categorical_w_probabilities as written, linspace/logspace/geomspace as",
        "#             categorical of to_numpy(); uniform; loguniform as log_uniform_values",
        "#             [e^low, e^high] (it draws exp(uniform(low, high))); normal; lognormal as",
        "#             log_normal; qnormal as q_normal around loc - q/2 (it floors:",
        "#             np.round(x // q) * q); range, quniform and qloguniform by their",
        "#             support only;",
        "#   support   values/pvalues/range/...: to_numpy() or the values; quniform and",
        "#             qloguniform: the distinct values of matrix.quniform (qloguniform) over",
        "#             2**16 evenly spaced points of [low, high).",
        "",
    ])


def regenerate(schemas, src_root, sha, check):
    return regenerate_case_file(
        CASE_FILE, REPO, INPUT_KEYS, lambda case: check_source(src_root, case),
        lambda file_text: verdict(schemas, file_text), lambda sources: header(sha, sources), check)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("schemas", help="polyaxon/polyaxon-schemas checkout, or its git dir")
    parser.add_argument("--commit", help="commit to use (git dir) or to name (checkout)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file would change")
    args = parser.parse_args()
    src_root, sha, tmp = prepare_checkout_at(args.schemas, args.commit, "polyaxon_schemas",
                                             ("polyaxon_schemas", "tests"))
    try:
        sys.path.insert(0, src_root)
        install_stand_ins()
        from polyaxon_schemas.ops.group import hptuning, matrix

        if regenerate((hptuning, matrix), src_root, sha, args.check):
            print("out of date: " + os.path.relpath(CASE_FILE, REPO))
            return 1
        return 0
    finally:
        if tmp:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
