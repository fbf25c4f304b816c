"""auditor: find, check and report the numbers in news articles.

Data flow (each arrow a function over a pandas DataFrame validated by a pandera model in :mod:`auditor.schemas`)::

    documents ──extract──▶ claims ──check──▶ findings + verdicts ──render──▶ report
       │                      ▲                  ▲
    auditor.io            auditor.claims     auditor.checks  ◀── references (auditor.reference)
                                                                 rules/*.yaml

Who owns what (each stage imports only the ones before it):

- :mod:`auditor.io` reads articles (files, folders, JSONL, stdin) into :class:`Document` records and writes tables.
- :mod:`auditor.claims` reads claims: the scanner finds numeric expressions (value, interval, unit, kind) with
  ``rules/hedges.yaml``, ``rules/units.yaml`` and ``rules/numbers.yaml``; :mod:`auditor.claims.context` reads what a
  number counts, where, when and who said it (``rules/measures.yaml``, ``rules/places.yaml``,
  ``rules/grammar.yaml``); :mod:`auditor.claims.extract` assembles claims tables in batches (flat memory).
- :mod:`auditor.reference` loads the reference datasets into one validated table.
- :mod:`auditor.checks` runs registered check functions named by ``rules/checks/*.yaml`` against claims and the
  reference table; it returns findings and one verdict per claim.
- :mod:`auditor.report` renders HTML, charts and CSV; nothing else renders.
- :mod:`auditor.history` runs the audit job and keeps its history in DuckDB.
- :mod:`auditor.cluster` runs extract and check on a Dask cluster (``--dask``), one Parquet file per part.
- :mod:`auditor.commands` holds one click command per module; :mod:`auditor.cli` is the group.
- The Python API: :func:`extract_claims` (:mod:`auditor.claims.extract`), then :func:`check`, :func:`plot` and
  ``Result.to_html`` (:mod:`auditor.api`), each the command line's code for ``extract``, ``check``, ``plot`` and
  the report page.
- :mod:`auditor.errors` is the one error hierarchy (and the exit statuses); bad input raises, suspicious claims
  become findings. :mod:`auditor.schemas` declares every table once. :mod:`auditor.resources` finds shipped data.

Heavy modules (pandas, pandera, pint, matplotlib) are imported lazily so that the command line starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Document", "Result", "__version__", "check", "extract_claims", "plot"]

if TYPE_CHECKING:
    from auditor.api import Result, check, plot
    from auditor.claims.extract import extract_claims
    from auditor.io.documents import Document


def __getattr__(name: str) -> Any:
    if name == "Document":
        from auditor.io.documents import Document

        return Document
    if name == "extract_claims":
        from auditor.claims.extract import extract_claims

        return extract_claims
    if name in ("Result", "check", "plot"):
        from auditor import api

        return getattr(api, name)
    raise AttributeError(f"module 'auditor' has no attribute {name!r}")
