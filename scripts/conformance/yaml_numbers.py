"""The one way the verdict scripts write YAML scalars that are not strings: booleans, null,
integers and floats (shortest round-trip form, NaN and infinities as YAML spells them, and a
dot in every mantissa so that YAML 1.1 readers, yaml-cpp's among them, read a float back)."""

import math


def number_text(value):
    """The YAML text of a bool, None, int or float; None for anything else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        if "e" in text and "." not in text.split("e")[0]:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent}"  # 1e-05 -> 1.0e-05
        return text
    return None
