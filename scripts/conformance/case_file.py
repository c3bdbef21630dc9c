"""Regenerating one case file from a peer's verdicts: the step every space-verdict script shares.

Each case's inputs are kept, its `peer:` block recomputed by `verdict(case)`, the text checked to
read back the same, and the file rewritten only when it changed (with `check`: whether it would).
"""
import os

import yaml

from wandb_config_verdicts import emit_case, equal


def regenerate_case_file(case_file, repo, input_keys, check_source, verdict, header, check):
    with open(case_file) as f:
        old_text = f.read()
    cases = yaml.safe_load(old_text) or []
    ids, sources, out = set(), [], []
    for case in cases:
        if case["id"] in ids:
            raise ValueError(f"duplicate id {case['id']}")
        ids.add(case["id"])
        test_file = check_source(case)
        if test_file not in sources:
            sources.append(test_file)
        case = {k: case[k] for k in input_keys if k in case}
        case["peer"] = verdict(case["file"])
        out.append(case)
    text = header(sources) + "\n" + "\n\n".join(emit_case(c) for c in out) + "\n"
    for case, back in zip(out, yaml.safe_load(text)):
        if back["file"] != case["file"] or not equal(back["peer"], case["peer"]):
            raise AssertionError(f"{case['id']}: written YAML does not read back the same")
    if check:
        return text != old_text
    if text != old_text:
        with open(case_file, "w") as f:
            f.write(text)
    n_valid = sum(1 for c in out if c["peer"]["valid"])
    print(f"{os.path.relpath(case_file, repo)}: {len(out)} cases ({n_valid} valid)")
    return False
