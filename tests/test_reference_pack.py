"""The shipped reference pack: it loads fast, validates, cites every row, matches its MANIFEST, holds the
figures the Syria acceptance article needs, and is exactly what ``scripts/build_reference_pack.py`` builds.

Figures and aggregate cases live in ``tests/fixtures/reference/`` (``pack_figures.yaml``, ``aggregates.yaml``).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import pytest
import yaml

from auditor.errors import ReferenceDataError
from auditor.reference import load_reference, read_manifest, verify_manifest
from auditor.reference.pack import (
    carried_region_sum,
    pack_csv_text,
    region_sums,
    sha256_of,
    write_atomic,
)
from auditor.schemas import ReferenceSchema

FIXTURES = Path(__file__).parent / "fixtures" / "reference"


def _yaml(name: str) -> Any:
    return yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pack() -> pd.DataFrame:
    return load_reference()


def test_shipped_pack_loads_and_validates(pack: pd.DataFrame) -> None:
    ReferenceSchema.validate(pack)
    assert len(pack) > 1000
    assert not pack.duplicated(["series_id", "location", "date"]).any()


def test_every_row_cites_publisher_dataset_date_and_source(pack: pd.DataFrame) -> None:
    assert pack[["publisher", "dataset", "date", "retrieved", "definition"]].notna().all().all()
    # a row without a link names the document the figure was found in
    unlinked = pack.loc[pack["url"].isna()]
    assert unlinked["definition"].str.contains("found in").all()
    assert (pack.loc[pack["url"].notna(), "url"].str.startswith(("http://", "https://"))).all()


def test_manifest_matches_the_files(repo: Path) -> None:
    folder = repo / "reference"
    assert verify_manifest(folder) == []
    manifest = read_manifest(folder)
    for entry in manifest["files"]:
        table = load_reference([folder / entry["file"]])
        assert len(table) == entry["rows"]
        assert sha256_of(folder / entry["file"]) == entry["sha256"]
        assert entry["as_of"]["first"] == table["date"].min().date().isoformat()
        assert all(source["provenance"] for source in entry["sources"]), entry["file"]


def test_manifest_notices_a_changed_file(repo: Path, tmp_path: Path) -> None:
    for path in (repo / "reference").glob("*"):
        if path.is_file():
            (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "curated").mkdir()
    curated = repo / "reference" / "curated" / "syria_death_toll_published.csv"
    (tmp_path / "curated" / curated.name).write_bytes(curated.read_bytes())
    target = tmp_path / "ucdp_brd.csv"
    target.write_bytes(target.read_bytes() + b"\n")
    assert verify_manifest(tmp_path) == ["ucdp_brd.csv: sha256 differs from MANIFEST.json"]


FIGURES = _yaml("pack_figures.yaml")


@pytest.mark.parametrize(
    "case", FIGURES, ids=[f"{c['series_id']}@{c['location']}@{c['as_of']}" for c in FIGURES]
)
def test_pack_holds_the_figures_the_acceptance_article_needs(
    case: dict[str, Any], pack: pd.DataFrame
) -> None:
    rows = pack.loc[
        (pack["series_id"] == case["series_id"])
        & (pack["location"] == case["location"])
        & (pack["date"] <= pd.Timestamp(case["as_of"]))
    ].sort_values("date")
    assert not rows.empty, case["what"]
    latest = rows.iloc[-1]
    assert latest["date"] == pd.Timestamp(case["date"])
    assert latest["value"] == case["value"]
    low, high = case["between"]
    assert low <= latest["value"] <= high
    if "low" in case:
        assert latest["low"] == case["low"]


def test_displaced_equals_internally_displaced_plus_refugees_abroad(pack: pd.DataFrame) -> None:
    def latest(series: str, place: str) -> float:
        rows = pack.loc[(pack["series_id"] == series) & (pack["location"] == place)]
        return float(rows.loc[rows["date"] <= "2015-10-01"].sort_values("date")["value"].iloc[-1])

    total = latest("idmc.displacement.internally_displaced", "SYR") + latest(
        "unhcr.syria_regional.refugees.from_SYR", "Syria's neighbours"
    )
    assert 11_000_000 <= total <= 12_000_000  # "11 million displaced" in October 2015 coverage


def test_figures_found_only_in_the_news_corpus_are_marked(pack: pd.DataFrame) -> None:
    published = pack.loc[pack["series_id"].str.endswith(".published.deaths")]
    assert set(published["publisher"]) == {
        "United Nations",
        "UN Special Envoy for Syria",
        "Syrian Observatory for Human Rights",
        "Syrian Centre for Policy Research",
    }
    corpus = published["dataset"].str.contains("FA-KES")
    assert corpus.any()
    assert not corpus.all()
    assert published["cumulative"].all()


def test_default_pack_is_loaded_once_and_handed_out_as_copies(monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_reference()
    first.loc[:, "value"] = -1.0

    def no_second_read(paths: object) -> None:
        raise AssertionError(f"the default pack was read again from {paths}")

    monkeypatch.setattr("auditor.reference.pack._load", no_second_read)
    second = load_reference()
    assert (second["value"] >= 0).all()


def test_folder_load_ignores_the_curated_subfolder(repo: Path, pack: pd.DataFrame) -> None:
    folder = load_reference([repo / "reference"])
    pd.testing.assert_frame_equal(folder, pack)


def test_missing_reference_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match="no such file or folder"):
        load_reference([tmp_path / "nowhere"])
    with pytest.raises(ReferenceDataError, match="no reference CSV files"):
        load_reference([tmp_path])


def test_pack_csv_writer_is_the_inverse_of_the_reader(repo: Path) -> None:
    for path in sorted((repo / "reference").glob("*.csv")):
        assert pack_csv_text(load_reference([path])) == path.read_text(encoding="utf-8"), path.name


def test_atomic_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    write_atomic(target, b"a,b\n")
    write_atomic(target, b"a,b\n1,2\n")
    assert target.read_bytes() == b"a,b\n1,2\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


# --- region aggregates ----------------------------------------------------------------------------------------

AGGREGATES = _yaml("aggregates.yaml")


@pytest.fixture(scope="module")
def members() -> pd.DataFrame:
    return load_reference([FIXTURES / "aggregate_members.csv"])


@pytest.mark.parametrize("case", AGGREGATES["region_sums"], ids=lambda c: c["region"])
def test_region_sum_adds_the_members_present(case: dict[str, Any], members: pd.DataFrame) -> None:
    sums = region_sums(members, [case["region"]])
    ReferenceSchema.validate(sums)
    row = sums.loc[(sums["series_id"] == case["series_id"]) & (sums["date"] == pd.Timestamp(case["date"]))]
    assert len(row) == 1
    assert row["location"].iloc[0] == case["region"]
    assert row["value"].iloc[0] == case["value"]
    for bound in ("low", "high"):
        expected = case.get(bound)
        assert (pd.isna(row[bound].iloc[0]) and expected is None) or row[bound].iloc[0] == expected
    assert f"sum over the {case['members']} of" in row["definition"].iloc[0]


def test_carried_region_sum_waits_for_every_member(members: pd.DataFrame) -> None:
    case = AGGREGATES["carried"]
    series = members.loc[members["series_id"] == case["series_id"]]
    sums = carried_region_sum(series, case["region"])
    ReferenceSchema.validate(sums)
    got = [(d.date().isoformat(), v) for d, v in zip(sums["date"], sums["value"], strict=True)]
    assert got == [(str(s["date"]), s["value"]) for s in case["sums"]]


# --- the build script ----------------------------------------------------------------------------------------


def _build_script(repo: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    path = repo / "scripts" / "build_reference_pack.py"
    spec = importlib.util.spec_from_file_location("build_reference_pack", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.shared
@pytest.mark.slow
def test_build_is_deterministic_and_the_shipped_pack_is_up_to_date(
    repo: Path, shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = _build_script(repo, monkeypatch)
    script.build(shared, tmp_path / "a")
    script.build(shared, tmp_path / "b")
    built = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert built == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    for name in built:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
        assert (tmp_path / "a" / name).read_bytes() == (repo / "reference" / name).read_bytes(), (
            f"reference/{name} is stale: run scripts/build_reference_pack.py"
        )
    total = sum((tmp_path / "a" / n).stat().st_size for n in built)
    # the pack ships inside the wheel: a few MB (World Bank population for every year since 1960 is ~2.7 MB)
    assert total < 6e6
