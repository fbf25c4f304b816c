"""Reference loaders: real public files in ../shared reproduce facts read by hand; broken files fail clearly.

Cases live in ``tests/fixtures/reference/``: ``real_facts.yaml`` (facts per public file), ``malformed.yaml``
(hand-written broken or quirky files and the exact error each must raise) and ``place_names.yaml``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from auditor.errors import ReferenceDataError
from auditor.reference import LOADERS, load_reference
from auditor.reference.loaders_unhcr import load_unhcr_popstats_json, load_unhcr_syria_regional_raw
from auditor.reference.names import place_code, skipped_places
from auditor.schemas import ReferenceSchema

FIXTURES = Path(__file__).parent / "fixtures" / "reference"


def _cases(name: str) -> list[dict[str, Any]]:
    return yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))


def _loader(key: str) -> Callable[..., pd.DataFrame]:
    if key == "unhcr_syria_regional_raw":
        return load_unhcr_syria_regional_raw
    return LOADERS[key]


def _row(table: pd.DataFrame, fact: dict[str, Any]) -> pd.Series:
    hit = table.loc[
        (table["series_id"] == fact["series_id"])
        & (table["location"] == fact["location"])
        & (table["date"] == pd.Timestamp(fact["date"]))
    ]
    assert len(hit) == 1, f"no single row for {fact}"
    return hit.iloc[0]


def _assert_fact(table: pd.DataFrame, fact: dict[str, Any]) -> None:
    row = _row(table, fact)
    assert row["value"] == pytest.approx(fact["value"])
    for bound in ("low", "high"):
        if bound in fact:
            assert row[bound] == pytest.approx(fact[bound])


# --- real files ------------------------------------------------------------------------------------------------

REAL = _cases("real_facts.yaml")


@pytest.mark.shared
@pytest.mark.parametrize("case", REAL, ids=[c["loader"] for c in REAL])
def test_loader_reproduces_facts_of_the_real_file(case: dict[str, Any], shared: Path) -> None:
    table = _loader(case["loader"])(shared / case["file"], **case.get("kwargs", {}))
    ReferenceSchema.validate(table)
    for fact in case["facts"]:
        _assert_fact(table, fact)
    assert len(table) >= case.get("rows_at_least", 1)
    assert set(case.get("skipped", [])) <= set(skipped_places(table))
    cited = table[["publisher", "dataset", "url", "retrieved"]]
    assert cited.notna().all().all(), "every row cites publisher, dataset, url and retrieval date"


@pytest.mark.shared
def test_annual_stocks_are_dated_at_year_end_and_say_so(shared: Path) -> None:
    path = shared / "data/reference/idmc_internal_displacement/idmc_displacement_2008_2017.csv"
    stock = LOADERS["idmc_displacement"](path)
    stock = stock.loc[stock["series_id"] == "idmc.displacement.internally_displaced"]
    assert (stock["date"].dt.strftime("%m-%d") == "12-31").all()
    assert stock["definition"].str.contains("stock at end of year").all()


@pytest.mark.shared
def test_popstats_json_agrees_with_the_flattened_syria_detail(shared: Path) -> None:
    folder = shared / "data/reference/unhcr_popstats_timeseries"
    packed = load_unhcr_popstats_json(
        folder / "unhcr_popstats_timeseries_streamgraph_data.json", origins={"SYR"}
    )
    flat = LOADERS["unhcr_popstats_syria_detail"](folder / "unhcr_popstats_syria_detail.csv")
    key = ["series_id", "location", "date"]
    flat = flat.loc[flat["series_id"].str.endswith(".from_SYR")]
    merged = packed.merge(flat, on=key, how="outer", suffixes=("_json", "_csv"), indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["value_json"] == merged["value_csv"]).all()


@pytest.mark.shared
def test_popstats_json_negative_cell_is_reported_with_its_key_path(shared: Path) -> None:
    # UNHCR's packed JSON holds one cell of -1 (asylum-seekers from Gambia in Angola, 2013)
    path = shared / "data/reference/unhcr_popstats_timeseries/unhcr_popstats_timeseries_streamgraph_data.json"
    with pytest.raises(ReferenceDataError) as caught:
        load_unhcr_popstats_json(path)
    assert caught.value.column == "nested/2013/Asylum-seekers/113/22"
    assert caught.value.value == -1


@pytest.mark.shared
def test_regional_tidy_file_equals_the_raw_portal_file(shared: Path) -> None:
    folder = shared / "data/reference/unhcr_syria_regional_registered_refugees"
    tidy = LOADERS["unhcr_syria_regional"](folder / "syria_registered_refugees_by_host_country.csv")
    raw = load_unhcr_syria_regional_raw(folder / "raw" / "syria-refugees-turkey-150825.csv")
    turkey = tidy.loc[tidy["location"] == "TUR"].reset_index(drop=True)
    pd.testing.assert_frame_equal(turkey[["date", "value"]], raw[["date", "value"]])


# --- malformed files -------------------------------------------------------------------------------------------

MALFORMED = _cases("malformed.yaml")


def _load_fixture(case: dict[str, Any]) -> pd.DataFrame:
    files = [FIXTURES / f for f in case["files"]]
    if case["loader"] == "pack":
        return load_reference(files)
    (path,) = files
    return _loader(case["loader"])(path)


@pytest.mark.parametrize("case", MALFORMED, ids=[c["id"] for c in MALFORMED])
def test_malformed_or_quirky_file(case: dict[str, Any]) -> None:
    if "error" in case:
        expected = case["error"]
        with pytest.raises(ReferenceDataError) as caught:
            _load_fixture(case)
        error, message = caught.value, str(caught.value)
        assert error.path is not None
        assert Path(error.path).name == expected["file"]
        assert message.startswith(error.path)
        if "row" in expected:
            assert error.row == expected["row"]
            assert f"row {expected['row']}" in message
        if "column" in expected:
            assert error.column == expected["column"]
            assert f"column {expected['column']!r}" in message
        if "value" in expected:
            assert str(error.value) == expected["value"]
            assert f"got {error.value!r}" in message
        assert expected["reason"] in message
        for phrase in expected.get("allowed", []):
            assert any(phrase in a for a in error.allowed or []), f"{phrase!r} not in {error.allowed}"
    else:
        table = _load_fixture(case)
        ReferenceSchema.validate(table)
        assert len(table) == case["loads"]["rows"]
        for fact in case["loads"]["values"]:
            _assert_fact(table, fact)


# --- place names -----------------------------------------------------------------------------------------------

PLACES = _cases("place_names.yaml")


@pytest.mark.parametrize(
    "case", PLACES, ids=[f"{c['name']}{'+regions' if c.get('regions') else ''}" for c in PLACES]
)
def test_publisher_place_names_map_to_place_codes(case: dict[str, Any]) -> None:
    assert place_code(case["name"], regions=case.get("regions", False)) == case["code"]
