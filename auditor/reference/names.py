"""Publishers' spellings of places, normalised to the auditor's place codes.

Statistical publishers abbreviate and annotate country names ("Syrian Arab Rep.", "Egypt, Arab Rep.",
"Germany (until 1990 former territory of the FRG)", "Cambodia (Kampuchea)"). :func:`place_code` rewrites
those conventions and hands the result to :func:`auditor.claims.places.country_code`; names of groupings that are not
one place ("Arab World", "Various/Unknown", "India, Pakistan") give ``None`` and the loader leaves the row
out, recording the name (see :func:`skipped_places`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import pandas as pd

from auditor.claims.places import REGIONS, country_code

#: Spellings that no rewriting rule turns into a name the country library knows.
ALIASES: Final[dict[str, str]] = {
    "Bosnia-Herzegovina": "BIH",
    "Bonaire": "BES",
    "China (including Hong Kong)": "CHN",
    "China, Hong Kong SAR": "HKG",
    "China, Macao SAR": "MAC",
    "Hong Kong SAR, China": "HKG",
    "Macao SAR, China": "MAC",
    "Taiwan, China": "TWN",
    "Congo": "COG",  # statistical tables list the DRC separately; in news text "Congo" is the DRC
    "Congo, Dem. Rep.": "COD",
    "Congo, Rep.": "COG",
    "Congo, Rep": "COG",
    "DR Congo (Zaire)": "COD",
    "Dem. Rep. of the Congo": "COD",
    "Korea, Dem. People's Rep.": "PRK",
    "Korea, Dem. Rep.": "PRK",
    "Dem. People's Rep. of Korea": "PRK",
    "Korea, Rep.": "KOR",
    "Rep. of Korea": "KOR",
    "Lao PDR": "LAO",
    "Lao People's Dem. Rep.": "LAO",
    "Macedonia, FYR": "MKD",
    "Former Yugoslav Republic of Macedonia, the": "MKD",
    "The former Yugoslav Republic of Macedonia": "MKD",
    "Micronesia, Fed. Sts.": "FSM",
    "Myanmar/Burma": "MMR",
    "Somalia, Fed. Rep.": "SOM",
    "Wallis and Futuna Islands": "WLF",
    "Rumania": "ROU",
    "Russia (Soviet Union)": "RUS",
    "Serbia (Yugoslavia)": "SRB",
    "Serbia and Kosovo (S/RES/1244 (1999))": "SRB",
    "Saint-Pierre-et-Miquelon": "SPM",
    "St. Kitts and Nevis": "KNA",
    "St. Lucia": "LCA",
    "St. Martin (French part)": "MAF",
    "St. Vincent and the Grenadines": "VCT",
    "Sint Maarten (Dutch part)": "SXM",
    "State of Palestine": "PSE",
    "West Bank and Gaza": "PSE",
    "Palestinian": "PSE",
    "Vatican City State": "VAT",
    "Holy See (the)": "VAT",
    "Virgin Islands (U.S.)": "VIR",
    "Yemen (North Yemen)": "YEM",
    "Germany (until 1990 former territory of the FRG)": "DEU",
    "Channel Islands": "",  # Jersey and Guernsey together: not one ISO code
}

#: Publisher names for the auditor's named regions.
REGION_NAMES: Final[dict[str, str]] = {
    "World": "World",
    "European Union (28 countries)": "European Union",
}

_SUFFIXES: Final = ((", The", ""), (", Rep.", ""), (", Arab Rep.", ""), (", Islamic Rep.", ""), (", RB", ""))
_ABBREVIATIONS: Final = ((r"\bRep\.", "Republic"), (r"\bDem\.", "Democratic"), (r"\bSt\.", "Saint"))
_PARENTHESIS: Final = re.compile(r"\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*$")


@lru_cache(maxsize=4096)
def place_code(name: str, *, regions: bool = False) -> str | None:
    """The ISO3 code of a publisher's country name, or ``None`` for a grouping or an unknown name.

    With ``regions=True`` the publisher's names of the auditor's named regions ("World", "European Union
    (28 countries)") give that region.

    >>> place_code("Syrian Arab Rep."), place_code("Egypt, Arab Rep."), place_code("Arab World")
    ('SYR', 'EGY', None)
    """
    name = name.strip()
    if not name:
        return None
    if regions and name in REGION_NAMES:
        return REGION_NAMES[name]
    if name in REGIONS:
        return None
    if name in ALIASES:
        return ALIASES[name] or None
    for candidate in _candidates(name):
        code = country_code(candidate)
        if code is not None:
            return code
    return None


def _candidates(name: str) -> list[str]:
    out = [name]
    for suffix, replacement in _SUFFIXES:
        if name.endswith(suffix):
            out.append(name[: -len(suffix)] + replacement)
    expanded = name
    for pattern, replacement in _ABBREVIATIONS:
        expanded = re.sub(pattern, replacement, expanded)
    out.append(expanded)
    bare = _PARENTHESIS.sub("", expanded)
    if bare != expanded:
        out.append(bare)
    return out


def skipped_places(df: pd.DataFrame) -> list[str]:
    """Publisher names a loader left out because they are no single known place (stored in ``df.attrs``)."""
    return list(df.attrs.get("skipped_places", []))
