"""auditor: find, check and report the numbers in news articles.

Data flow (each arrow a function over a pandas DataFrame validated by a pandera model in :mod:`auditor.schemas`)::

    documents ──extract──▶ claims ──check──▶ findings + verdicts ──render──▶ report
       │                      ▲                  ▲
    auditor.io.documents    auditor.claims.extract     auditor.checks  ◀── references (auditor.reference)
                         (scanner, context)                      rules/*.yaml

Who owns what:

- :mod:`auditor.io.documents` reads articles (files, folders, JSONL, stdin) into :class:`Document` records.
- :mod:`auditor.claims.scanner` finds numeric expressions (value, interval, unit, kind) using the language data in
  ``rules/hedges.yaml`` and ``rules/units.yaml``; :mod:`auditor.claims.numbers` reads written numbers.
- :mod:`auditor.claims.context` reads what a number counts, where, when and who said it (``rules/measures.yaml``,
  ``rules/places.yaml``); :mod:`auditor.claims.places` normalises places and region membership.
- :mod:`auditor.claims.extract` assembles claims tables in batches (flat memory over any corpus).
- :mod:`auditor.checks` runs registered check functions named by ``rules/checks/*.yaml`` against claims and the
  reference table from :mod:`auditor.reference`; it returns findings and one verdict per claim.
- :mod:`auditor.report` renders HTML, charts and CSV/Parquet; nothing else renders.
- :mod:`auditor.history.store` and :mod:`auditor.history.audit` keep the audit history in DuckDB.
- :mod:`auditor.errors` is the one error hierarchy; bad input raises, suspicious claims become findings.

Heavy modules (pandas, pandera, pint, matplotlib) are imported lazily so that the command line starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Document", "__version__", "extract_claims"]

if TYPE_CHECKING:
    from auditor.claims.extract import extract_claims
    from auditor.io.documents import Document


def __getattr__(name: str) -> Any:
    if name == "Document":
        from auditor.io.documents import Document

        return Document
    if name == "extract_claims":
        from auditor.claims.extract import extract_claims

        return extract_claims
    raise AttributeError(f"module 'auditor' has no attribute {name!r}")
