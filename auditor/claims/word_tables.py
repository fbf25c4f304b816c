"""The number words of ``rules/numbers.yaml``, read once and checked (file, key and bad value in any error)."""

from __future__ import annotations

from functools import cache
from typing import Any, Final

from auditor.claims.lexicon import read_yaml_doc
from auditor.resources import rules_dir

#: key -> "map" (word -> number) or "list" (of words)
SHAPES: Final = {
    "units": "map",
    "tens": "map",
    "scales": "map",
    "scale_abbreviations": "map",
    "denominators": "map",
    "ordinals": "map",
    "unicode_fractions": "map",
    "dozens": "list",
    "vague_quantities": "list",
    "months": "list",
    "not_names": "list",
    "abbreviations": "list",
}


@cache
def number_words() -> dict[str, Any]:
    """The shipped ``rules/numbers.yaml`` as plain dicts and lists."""
    path = rules_dir() / "numbers.yaml"
    doc = read_yaml_doc(path)
    if not isinstance(doc.data, dict):
        raise doc.error("expected a mapping", allowed=sorted(SHAPES))
    for key in doc.data:
        if key not in SHAPES:
            raise doc.error("unknown key", str(key), value=key, allowed=sorted(SHAPES))
    for key, shape in SHAPES.items():
        value = doc.data.get(key)
        if shape == "map":
            ok = (
                isinstance(value, dict)
                and value
                and all(
                    isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
                    for k, v in value.items()
                )
            )
            if not ok:
                raise doc.error("expected a non-empty mapping of words to numbers", key, value=value)
        elif not (isinstance(value, list) and value and all(isinstance(w, str) and w for w in value)):
            raise doc.error("expected a non-empty list of words", key, value=value)
    return dict(doc.data)
