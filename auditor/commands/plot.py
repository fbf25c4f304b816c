"""``auditor plot CLAIMS_OR_ARTICLE --kind KIND --out FILE``: one chart, as PNG or SVG, for an editor to paste.

The input is either the output of ``auditor check --format jsonl`` (one claim a line: the claims-table columns,
``verdict``, ``reason`` and ``findings``) or articles in any form ``auditor extract`` reads, which are then
extracted and checked here first.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final

import click

from auditor.commands.options import date_option, reference_option
from auditor.errors import DocumentError, UsageError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

KINDS: Final = ("stated-vs-reference", "timeline", "part-whole", "verdicts")
SUFFIXES: Final = (".png", ".svg")


@dataclass(frozen=True, slots=True)
class Checked:
    """What the chart is drawn from: documents (``None`` for a check file), claims with ``verdict`` and
    ``reason``, and findings."""

    documents: pd.DataFrame | None
    claims: pd.DataFrame
    findings: pd.DataFrame


def is_check_output(path: Path) -> bool:
    """True when ``path`` is JSON lines whose first record is a checked claim (has ``claim_id`` and
    ``verdict``)."""
    if path.suffix.lower() != ".jsonl" or not path.is_file():
        return False
    with path.open("rb") as handle:
        for raw in handle:
            if raw.strip():
                try:
                    record = json.loads(raw)
                except ValueError:
                    return False
                return isinstance(record, dict) and "claim_id" in record and "verdict" in record
    return False


def read_check_output(path: Path) -> Checked:
    """Claims, verdicts and findings from a ``check --format jsonl`` file; a bad line raises
    :class:`~auditor.errors.DocumentError` naming the file and line."""
    import pandas as pd

    from auditor.schemas import (
        ClaimsSchema,
        FindingsSchema,
        VerdictsSchema,
        columns,
        empty,
        validate,
    )

    claims, findings = [], []
    needed = [*columns(ClaimsSchema), "verdict"]
    with path.open(encoding="utf-8-sig") as handle:
        for line, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise DocumentError(path, f"not a JSON object ({exc.msg})", line=line) from exc
            if not isinstance(record, dict):
                raise DocumentError(path, f"expected a JSON object, got {type(record).__name__}", line=line)
            lacking = [c for c in needed if c not in record]
            if lacking:
                raise DocumentError(
                    path, f"missing key(s) {', '.join(lacking)}; allowed: a line of 'auditor check --format "
                    "jsonl' output", line=line,
                )  # fmt: skip
            claims.append(record)
            for finding in record.get("findings") or []:
                findings.append({**finding, "doc_id": record["doc_id"], "claim_id": record["claim_id"]})
    table = pd.DataFrame(claims, columns=[*needed, "reason"])
    claim_table = validate(ClaimsSchema, table[columns(ClaimsSchema)], f"claims in {path}")
    verdicts = validate(VerdictsSchema, table[columns(VerdictsSchema)], f"verdicts in {path}")
    found = (
        validate(FindingsSchema, pd.DataFrame(findings)[columns(FindingsSchema)], f"findings in {path}")
        if findings
        else empty(FindingsSchema)
    )
    merged = claim_table.merge(verdicts, on=["doc_id", "claim_id"], how="left")
    return Checked(None, merged, found)


def check_articles(
    path: Path,
    *,
    references: pd.DataFrame,
    rules_dir: Path | None,
    as_of: date | None,
    date_order: str | None = None,
) -> Checked:
    """Read, extract and check the articles at ``path`` with the checking engine."""
    from dataclasses import replace

    from auditor.checks import check_claims, load_rules
    from auditor.claims.extract import extract_claims
    from auditor.io.documents import documents_frame, read_documents

    def fail(error: DocumentError) -> None:
        raise error

    docs = list(read_documents([path], on_error=fail, date_order=date_order))
    if as_of is not None:
        docs = [replace(d, date=as_of) for d in docs]
    if not docs:
        raise DocumentError(
            path, "no article to plot; allowed: a file or folder that 'auditor extract' reads"
        )
    documents = documents_frame(docs)
    claims = extract_claims(docs)
    result = check_claims(claims, documents, references=references, rules=load_rules(rules_dir))
    merged = claims.merge(result.verdicts, on=["doc_id", "claim_id"], how="left")
    return Checked(documents, merged, result.findings)


def only_doc(checked: Checked, doc_id: str | None) -> Checked:
    """The claims of article ``doc_id`` only (all of them for None); an unknown id raises
    :class:`~auditor.errors.UsageError` naming ``--doc`` and the known ids."""
    if doc_id is None:
        return checked
    known = sorted(set(checked.claims["doc_id"]))
    if doc_id not in known:
        raise UsageError("--doc", doc_id, known[:20], reason="no claim of that article in the input")
    docs = None if checked.documents is None else checked.documents[checked.documents["doc_id"] == doc_id]
    return Checked(
        docs,
        checked.claims[checked.claims["doc_id"] == doc_id],
        checked.findings[checked.findings["doc_id"] == doc_id],
    )


def draw(
    kind: str,
    checked: Checked,
    *,
    load_references: Callable[[], pd.DataFrame],
    series_id: str | None = None,
    location: str | None = None,
    as_of: date | None = None,
) -> Figure:
    """The chart of ``kind`` for ``checked``; ``load_references()`` is called only by the charts that need the
    reference table."""
    import pandas as pd

    from auditor.report import charts
    from auditor.report.figures import stated_points
    from auditor.report.formatting import place_name
    from auditor.report.hierarchies import origins, part_whole_tables

    claims, findings = checked.claims, checked.findings
    if kind == "stated-vs-reference":
        return charts.stated_vs_reference(stated_points(claims, findings))
    if kind == "verdicts":
        table = claims[["doc_id", "verdict"]]
        if checked.documents is not None and checked.documents["source"].notna().any():
            table = table.merge(checked.documents[["doc_id", "source"]], on="doc_id")
            return charts.verdicts_by_group(table, by="source", title="Verdicts by source")
        return charts.verdicts_by_group(
            table.rename(columns={"doc_id": "article"}), by="article", title="Verdicts by article"
        )
    references = load_references()
    when = pd.Timestamp(as_of) if as_of is not None else _latest(claims["as_of"])
    if kind == "timeline":
        sid, place = _pick_series(claims, findings, references, series_id, location)
        series = references[(references["series_id"] == sid) & (references["location"] == place)]
        marked = claims[claims["claim_id"].isin(findings.loc[findings["series_id"] == sid, "claim_id"])]
        marked = (
            marked[marked["location"].isna() | (marked["location"] == place)] if len(marked) > 1 else marked
        )
        article_date = _article_date(checked, marked) if as_of is None else when
        return charts.reference_timeline(
            series, marked.assign(label=marked["surface"].str.slice(0, 30)), article_date=article_date
        )
    for origin in origins(references, claims):
        tables = part_whole_tables(references, claims, origin=origin, as_of=when)
        if tables is not None:
            return charts.part_whole(*tables, title=f"People displaced from {place_name(origin)}")
    raise UsageError(
        "--kind", kind, KINDS, reason="no claim in the input belongs on a part-whole view with reference data "
        "(displacement figures for a country of origin)",
    )  # fmt: skip


def _latest(values: pd.Series) -> pd.Timestamp | None:
    present = values.dropna()
    return None if present.empty else present.max()


def _article_date(checked: Checked, marked: pd.DataFrame) -> pd.Timestamp | None:
    docs = checked.documents
    if docs is not None and not marked.empty:
        dates = docs.loc[docs["doc_id"].isin(marked["doc_id"]), "date"].dropna()
        if not dates.empty:
            return dates.max()  # type: ignore[no-any-return]
    return _latest(marked["as_of"]) if not marked.empty else None


def _pick_series(
    claims: pd.DataFrame,
    findings: pd.DataFrame,
    references: pd.DataFrame,
    series_id: str | None,
    location: str | None,
) -> tuple[str, str]:
    """The series and place to draw: as asked, else those behind the most serious finding."""
    from auditor.report.verdicts import STYLES

    known = sorted(set(references["series_id"]))
    used = findings[findings["series_id"].notna()]
    if series_id is None:
        if used.empty:
            raise UsageError("--series", None, known[:20], reason="no finding in the input names a series")
        ranked = used.assign(rank=used["verdict"].map(lambda v: STYLES[v].rank)).sort_values("rank")
        series_id = str(ranked["series_id"].iloc[0])
    if series_id not in known:
        raise UsageError("--series", series_id, known[:20], reason="not in the reference data")
    places = sorted(set(references.loc[references["series_id"] == series_id, "location"]))
    if location is None:
        with_series = claims[claims["claim_id"].isin(used.loc[used["series_id"] == series_id, "claim_id"])]
        location = next((str(p) for p in with_series["location"].dropna() if p in places), places[0])
    if location not in places:
        raise UsageError("--location", location, places, reason=f"series {series_id} has no such place")
    return series_id, location


def _out_path(_ctx: click.Context, _param: click.Parameter, value: Path) -> Path:
    if value.suffix.lower() not in SUFFIXES:
        raise UsageError("--out", str(value), SUFFIXES, reason="the chart format comes from the suffix")
    if not value.parent.is_dir():
        raise UsageError("--out", str(value), reason=f"folder {str(value.parent)!r} does not exist")
    return value


@click.command("plot")
@click.argument("source", type=click.Path(exists=True, path_type=Path), metavar="CLAIMS_OR_ARTICLE")
@click.option("--kind", type=click.Choice(KINDS), required=True, help="Which chart to draw.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    callback=_out_path,
    help="The chart file, .png or .svg (replaced in one step).",
)
@reference_option
@click.option("--rules", "rules_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@date_option
@click.option("--doc", "doc_id", help="Draw only the claims of this article (its doc id).")
@click.option("--series", "series_id", help="timeline: the reference series to draw (default: the one behind "
              "the most serious finding).")  # fmt: skip
@click.option("--location", help="timeline: the place of that series (default: the claim's place).")
def command(
    *,
    source: Path,
    kind: str,
    out: Path,
    references: tuple[Path, ...],
    no_default_reference: bool,
    rules_dir: Path | None,
    as_of: date | None,
    date_order: str | None,
    doc_id: str | None,
    series_id: str | None,
    location: str | None,
) -> None:
    """Draw one chart of the claims in CLAIMS_OR_ARTICLE (a 'check --format jsonl' file, or articles)."""
    from auditor.reference import load_reference_with_shipped
    from auditor.report.atomic import save_figure

    cache: list[pd.DataFrame] = []

    def load_references() -> pd.DataFrame:
        if not cache:
            cache.append(load_reference_with_shipped(references, shipped=not no_default_reference))
        return cache[0]

    if is_check_output(source):
        checked = read_check_output(source)
    else:
        checked = check_articles(
            source, references=load_references(), rules_dir=rules_dir, as_of=as_of, date_order=date_order
        )
    checked = only_doc(checked, doc_id)
    fig = draw(
        kind, checked, load_references=load_references, series_id=series_id, location=location, as_of=as_of
    )
    click.echo(save_figure(fig, out))
