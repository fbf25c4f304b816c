"""The Python API after extraction, for notebooks and scripts: :func:`check` (``auditor check``), :func:`plot`
(``auditor plot``) and :meth:`Result.to_html` (the report page). :func:`auditor.extract_claims` is the first stage.

Each is the command line's own code, not a copy: the same document readers and date parser, the rules and
reference loaders of ``--rules`` and ``--reference`` (added to the shipped pack), the engine calls of a check
batch (:mod:`auditor.checks.pipeline`), the presentation of ``--format jsonl`` and the coverage line, the plot
command's charts and the report's pages. A bad argument raises :class:`~auditor.errors.ArgumentTypeError` (wrong
type) or :class:`~auditor.errors.ArgumentValueError` (unusable value), naming the argument and what it takes.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from auditor.checks import load_rules
from auditor.checks import presentation as present
from auditor.checks.engine import CheckResult
from auditor.checks.pipeline import check_documents
from auditor.checks.rules import RuleSet
from auditor.commands import plot as plot_command
from auditor.errors import ArgumentTypeError, ArgumentValueError, DocumentError, UsageError
from auditor.io.dates import as_date, check_order
from auditor.io.documents import (
    DEFAULT_MAX_DOC_BYTES,
    Document,
    document_from_record,
    documents_frame,
    read_documents,
)
from auditor.reference import load_reference_with_shipped

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from auditor.report.run_info import RunInfo

#: What ``documents_or_text`` takes.
_INPUTS: Final = (
    "a text (str), a Document, a path (pathlib.Path), a documents DataFrame (columns id or doc_id, text, and "
    "optional title, date, source), or a list of texts, Documents or paths"
)
_PATHS: Final = "a path (str or pathlib.Path), a list of paths, or None"
_FIELDS: Final = ("title", "date", "source")
#: Options of ``auditor plot`` and the arguments of :func:`plot` that stand for them (for its errors).
_PLOT_ARGUMENTS: Final = {"--kind": "kind", "--doc": "doc", "--series": "series", "--location": "location"}


@dataclass(frozen=True, slots=True)
class _Setup:
    """The rules and references a result was checked with, as the methods footer of its report describes them."""

    rules: RuleSet
    rules_dir: Path | None
    reference_paths: tuple[Path, ...]
    default_reference: bool
    started: dt.datetime


@dataclass(frozen=True, eq=False)
class Result:
    """What :func:`check` found: the tables ``auditor check`` works with, each validated by its model in
    :mod:`auditor.schemas`, and the counts of its coverage line."""

    #: one row per article (``DocumentsSchema``)
    documents: pd.DataFrame
    #: one row per number found (``ClaimsSchema``)
    claims: pd.DataFrame
    #: one verdict per claim (``VerdictsSchema``: ``verdict`` and, for ``not_checkable``, ``reason``)
    verdicts: pd.DataFrame
    #: what the checks found, pointing at claims (``FindingsSchema``)
    findings: pd.DataFrame
    #: the counts of the coverage line; ``coverage.line()`` is the line ``auditor check`` ends with
    coverage: present.Coverage
    #: the reference table the claims were checked against (the shipped pack plus ``reference``)
    references: pd.DataFrame = field(repr=False)
    _setup: _Setup = field(repr=False)
    #: the publication date given to :func:`check` (it replaced the articles' own), if any
    date: dt.date | None = None

    def __repr__(self) -> str:
        return f"<auditor.Result: {len(self.documents)} article(s); {self.coverage.line()}>"

    @property
    def table(self) -> pd.DataFrame:
        """One row per claim with exactly the columns of ``auditor check --format jsonl``: the claims-table
        columns, ``verdict``, ``reason`` and ``findings`` (the claim's findings as a list of dicts)."""
        return present.per_claim(self.claims, self._engine_result())

    def to_html(self, path: str | os.PathLike[str], *, doc: str | None = None) -> Path:
        """Write the report and return the page to open. A path ending in ``.html`` gets one self-contained page
        of one article (``doc``, its id, when the result holds several): its text with the numbers highlighted,
        their cards, the charts and the tables to download, as ``auditor serve`` shows it. Any other path is a
        folder that gets the run report ``auditor audit`` writes (``index.html``, a page per article, charts,
        CSV and Parquet tables), replaced whole (so a folder holding anything but a report is refused). Both
        are written atomically."""
        if not isinstance(path, str | os.PathLike):
            raise ArgumentTypeError("path", path, "a file or folder path (str or pathlib.Path)")
        target = Path(path)
        if target.suffix.lower() in (".html", ".htm"):
            from auditor.report.article_page import ArticleTables, render_article_page
            from auditor.report.atomic import write_text

            doc_id = self._one_article(doc)
            tables = ArticleTables(
                documents=self.documents[self.documents["doc_id"] == doc_id],
                claims=self.claims[self.claims["doc_id"] == doc_id],
                verdicts=self.verdicts[self.verdicts["doc_id"] == doc_id],
                findings=self.findings[self.findings["doc_id"] == doc_id],
            )
            page = render_article_page(tables, self.references, run=self._run_info(), form_href=None)
            return write_text(target, page)
        from auditor.report.html import render_run_report

        if target.is_dir() and any(target.iterdir()) and not (target / "index.html").is_file():
            reason = (
                "a folder that is not a report would be replaced whole; allowed: a new folder, a report's"
            )
            raise ArgumentValueError("path", str(target), f"{reason} folder, or a file ending in .html")
        return render_run_report(
            target,
            run=self._run_info(),
            documents=self.documents,
            claims=self.claims,
            verdicts=self.verdicts,
            findings=self.findings,
            references=self.references,
            runs_index_href=None,
        )

    def _engine_result(self) -> CheckResult:
        return CheckResult(findings=self.findings, verdicts=self.verdicts)

    def _one_article(self, doc: str | None) -> str:
        known = list(self.documents["doc_id"])
        if doc is not None and not isinstance(doc, str):
            raise ArgumentTypeError("doc", doc, "an article's id (str) or None")
        if doc is None and len(known) == 1:
            return str(known[0])
        if doc is None:
            reason = f"the result holds {len(known)} articles; name one, or give a folder for the run report"
            raise ArgumentValueError("doc", doc, f"{reason}; allowed: {', '.join(known[:20])}")
        if doc not in known:
            raise ArgumentValueError("doc", doc, f"no such article; allowed: {', '.join(known[:20])}")
        return doc

    def _run_info(self) -> RunInfo:
        from auditor.history.methods import run_info

        setup = self._setup
        return run_info(
            f"auditor.check {setup.started:%Y-%m-%dT%H%M%SZ}",
            setup.started,
            setup.rules,
            rules_dir=setup.rules_dir,
            references=setup.reference_paths,
            default_reference=setup.default_reference,
        )


def check(
    documents_or_text: str | os.PathLike[str] | Document | pd.DataFrame | Iterable[Any],
    date: dt.date | dt.datetime | str | None = None,
    reference: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    rules: str | os.PathLike[str] | None = None,
    *,
    date_order: str | None = None,
    default_reference: bool = True,
    all_numbers: bool = False,
) -> Result:
    """Extract and check the numbers of articles, as ``auditor check`` does.

    ``documents_or_text``: a text (``str``; its id is ``"text"``, or ``"text-N"`` for the N-th of a list), a
    :class:`~auditor.Document`, a path (``pathlib.Path``: a file or folder ``auditor check`` reads), a documents
    DataFrame (columns ``id`` or ``doc_id``, ``text``, optional ``title``, ``date``, ``source``; each row read as
    a JSONL line is), or a list of texts, Documents or paths. ``date``: the publication date of every article,
    replacing their own like ``--date`` (a ``datetime.date``, a ``datetime`` or a string such as
    ``"2015-10-01"``; numeric dates such as ``"01/10/2015"`` need ``date_order="dmy"`` or ``"mdy"``).
    ``reference``: reference files added to the shipped pack (``--reference``: a pack CSV, a folder of them or a
    data package); ``default_reference=False`` checks against them alone (``--no-default-reference``).
    ``rules``: a rules folder (``--rules``). ``all_numbers``: list numbers that are not claims too.
    """
    order = check_order(date_order)
    day = as_date(date, "date", order=order)
    if not isinstance(default_reference, bool):
        raise ArgumentTypeError("default_reference", default_reference, "True or False")
    paths = _paths(reference, "reference")
    if not default_reference and not paths:
        raise ArgumentValueError("default_reference", False, "give at least one reference path with it")
    rules_dir = _rules_dir(rules)
    docs = _documents(documents_or_text, order)
    if day is not None:
        docs = [replace(d, date=day) for d in docs]
    started = dt.datetime.now(dt.UTC)
    rule_set = load_rules(rules_dir)
    references = load_reference_with_shipped(paths, shipped=default_reference)
    checked = check_documents(docs, references=references, rules=rule_set, all_numbers=all_numbers)
    coverage = present.Coverage()
    coverage.add(checked.result.verdicts)
    return Result(
        documents=documents_frame(docs),
        claims=checked.claims,
        verdicts=checked.result.verdicts,
        findings=checked.result.findings,
        coverage=coverage,
        references=references,
        date=day,
        _setup=_Setup(rule_set, rules_dir, paths, default_reference, started),
    )


def plot(
    result: Result,
    kind: str,
    *,
    doc: str | None = None,
    series: str | None = None,
    location: str | None = None,
) -> Figure:
    """The chart ``auditor plot --kind KIND`` draws for ``result`` (``"stated-vs-reference"``, ``"timeline"``,
    ``"part-whole"`` or ``"verdicts"``), as a matplotlib Figure: the last value of a Jupyter cell shows it inline,
    ``fig.savefig("chart.png")`` saves it. ``doc``, ``series`` and ``location`` are ``--doc``, ``--series`` and
    ``--location``."""
    if not isinstance(result, Result):
        raise ArgumentTypeError("result", result, "the Result of auditor.check()")
    if not isinstance(kind, str):
        raise ArgumentTypeError("kind", kind, f"one of {', '.join(plot_command.KINDS)}")
    if kind not in plot_command.KINDS:
        raise ArgumentValueError("kind", kind, f"allowed: {', '.join(plot_command.KINDS)}")
    claims = result.claims.merge(result.verdicts, on=["doc_id", "claim_id"], how="left")
    checked = plot_command.Checked(result.documents, claims, result.findings)
    try:
        return plot_command.draw(
            kind,
            plot_command.only_doc(checked, doc),
            load_references=lambda: result.references,
            series_id=series,
            location=location,
            as_of=result.date,
        )
    except UsageError as exc:
        allowed = f"; allowed: {', '.join(exc.allowed)}" if exc.allowed else ""
        argument = _PLOT_ARGUMENTS.get(exc.option, exc.option)
        raise ArgumentValueError(argument, exc.value, f"{exc.reason}{allowed}") from None


def _documents(value: object, order: str | None) -> list[Document]:
    """The articles of ``documents_or_text`` (see :func:`check`); ids must be unique."""
    if isinstance(value, pd.DataFrame):
        docs = _frame_documents(value, order)
    elif isinstance(value, str | Document | os.PathLike):
        docs = _items([value], order, single=True)
    elif isinstance(value, Iterable) and not isinstance(value, bytes | bytearray | Mapping):
        docs = _items(list(value), order, single=False)
    else:
        raise ArgumentTypeError("documents_or_text", value, _INPUTS)
    if not docs:
        raise ArgumentValueError("documents_or_text", value, f"it holds no article; allowed: {_INPUTS}")
    seen: set[str] = set()
    for doc in docs:
        if doc.doc_id in seen:
            raise ArgumentValueError(
                "documents_or_text", doc.doc_id, "a document id is repeated; ids must be unique"
            )
        seen.add(doc.doc_id)
    return docs


def _items(items: list[object], order: str | None, *, single: bool) -> list[Document]:
    docs: list[Document] = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, str):
            docs.append(Document(doc_id="text" if single else f"text-{number}", text=item))
        elif isinstance(item, Document):
            docs.append(item)
        elif isinstance(item, os.PathLike):
            docs.extend(_read(Path(item), order))
        else:
            raise ArgumentTypeError(
                f"documents_or_text[{number - 1}]", item, "a text (str), a Document or a path"
            )
    return docs


def _read(path: Path, order: str | None) -> list[Document]:
    """The articles at ``path``, read as ``auditor check`` reads them; a bad file or line raises its error."""

    def fail(error: DocumentError) -> None:
        raise error

    return list(read_documents([path], on_error=fail, date_order=order, max_doc_bytes=DEFAULT_MAX_DOC_BYTES))


def _frame_documents(frame: pd.DataFrame, order: str | None) -> list[Document]:
    """A documents DataFrame's rows, each read as a JSONL line with the same keys (dates may be date objects)."""
    key = "doc_id" if "doc_id" in frame.columns else "id"
    if key not in frame.columns or "text" not in frame.columns:
        raise ArgumentValueError(
            "documents_or_text",
            list(map(str, frame.columns)),
            "a documents DataFrame needs the columns id (or doc_id) and text; optional: title, date, source",
        )
    docs = []
    for number, row in enumerate(frame.to_dict("records"), start=1):
        record = {"id": row[key], "text": row["text"]}
        for name in _FIELDS:
            value = row.get(name)
            missing = value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))
            record[name] = None if missing else value.isoformat() if isinstance(value, dt.date) else value
        try:
            docs.append(document_from_record(record, "documents_or_text", number, date_order=order))
        except DocumentError as exc:
            raise ArgumentValueError("documents_or_text", f"row {number}", exc.reason) from None
    return docs


def _paths(value: object, argument: str) -> tuple[Path, ...]:
    """``reference`` as the paths ``--reference`` takes: each must exist."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str | os.PathLike) else value
    if not isinstance(items, Iterable) or isinstance(items, bytes | Mapping):
        raise ArgumentTypeError(argument, value, _PATHS)
    paths = []
    for item in items:
        if not isinstance(item, str | os.PathLike):
            raise ArgumentTypeError(argument, item, _PATHS)
        path = Path(item)
        if not path.exists():
            raise ArgumentValueError(argument, str(path), "no such file or folder")
        paths.append(path)
    return tuple(paths)


def _rules_dir(value: object) -> Path | None:
    """``rules`` as the folder ``--rules`` takes."""
    if value is None:
        return None
    if not isinstance(value, str | os.PathLike):
        raise ArgumentTypeError("rules", value, "a rules folder path (str or pathlib.Path) or None")
    path = Path(value)
    if not path.is_dir():
        raise ArgumentValueError("rules", str(path), "no such folder; allowed: a rules folder")
    return path
