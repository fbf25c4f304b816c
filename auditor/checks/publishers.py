"""Whether a sentence or an attribution names a reference publisher ("the UN" for the UN Special Envoy)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

#: A run of capitalised words ("United Nations"), whose initials may stand for an acronym of the publisher.
_NAME_RUN: Final = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+")


#: An acronym written with dots ("U.N.", "U.S.").
_DOTTED: Final = re.compile(r"\b(?:[A-Z]\.){2,}")


def _plain(text: str) -> str:
    return " ".join(text.lower().replace("centre", "center").split())


@lru_cache(maxsize=4096)
def names_publisher(text: str, publisher: str) -> bool:
    """Whether ``text`` names ``publisher``: its name (British or American spelling), the initials of its
    capitalised words ("SCPR"), or an acronym in its name, spelt out or not ("UN" in "UN Special Envoy for
    Syria": "the UN", "UN figures" or "the United Nations")."""
    if _plain(publisher) in _plain(text):
        return True
    text = _DOTTED.sub(lambda m: m.group().replace(".", ""), text)  # "the U.N." names the UN
    words = publisher.split()
    acronyms = {w for w in words if len(w) >= 2 and w.isupper()}
    acronyms.add("".join(w[0] for w in words if w[:1].isupper()))
    spelt = {"".join(w[0] for w in run.split()) for run in _NAME_RUN.findall(text)}
    return any(
        len(a) >= 2 and (a in spelt or re.search(rf"\b{re.escape(a)}\b", text) is not None) for a in acronyms
    )
