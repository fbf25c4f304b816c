"""Place names to codes, mentions in text, region membership and containment (cases in cases/places.yaml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.claims import places
from auditor.errors import DefinitionError

CASES: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "cases" / "places.yaml").read_text("utf-8"))


@pytest.mark.parametrize(("name", "code"), CASES["country_code"].items())
def test_country_code(name: str, code: str | None) -> None:
    assert places.country_code(name) == code


@pytest.mark.parametrize(("text", "code"), CASES["place_of"].items())
def test_place_of(text: str, code: str | None) -> None:
    assert places.place_of(text) == code


@pytest.mark.parametrize("case", CASES["mentions"], ids=[c["text"][:30] for c in CASES["mentions"]])
def test_mentions(case: dict[str, Any]) -> None:
    found = places.mentions(case["text"])
    assert [m.code for m in found] == case["codes"]
    for m in found:  # offsets point at the mention itself
        assert places.place_of(case["text"][m.start : m.end]) == m.code


@pytest.mark.parametrize(("whole", "part", "expected"), CASES["contains"])
def test_contains(whole: str, part: str, expected: bool) -> None:
    assert places.contains(whole, part) is expected


@pytest.mark.parametrize(("region", "spec"), CASES["members"].items())
def test_region_members(region: str, spec: dict[str, Any]) -> None:
    members = places.region_members(region)
    assert set(spec.get("in", [])) <= members
    assert not set(spec.get("out", [])) & members
    if "size" in spec:
        assert len(members) == spec["size"]


def test_every_region_has_members_within_world() -> None:
    world = places.region_members("World")
    for region in places.REGIONS:
        members = places.region_members(region)
        assert members, region
        assert members <= world, region


def test_unknown_region_names_value_and_allowed() -> None:
    with pytest.raises(DefinitionError) as err:
        places.region_members("Atlantis")
    message = str(err.value)
    assert "'Atlantis'" in message
    assert "places.yaml" in message
    assert all(region in message for region in places.REGIONS)


def test_import_is_cheap() -> None:
    """Importing the module loads neither pycountry nor the places file, nor pandas."""
    code = (
        "import sys, auditor.claims.places; "
        "print(any(m in sys.modules for m in ('pycountry', 'yaml', 'pandas', 'country_converter')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_country_library_is_read_without_its_pandas_converter() -> None:
    """country_converter's package imports pandas; reading its table must not."""
    code = (
        "import sys; from auditor.claims.places import region_members; region_members('Europe'); "
        "print('pandas' in sys.modules, 'country_converter' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
