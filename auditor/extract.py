"""Claim extraction: article text to rows of the claims table (work in progress, owned by the lead)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pandas as pd

from auditor.documents import Document


def extract_batches(
    documents: Iterable[Document], *, all_numbers: bool = False, batch_size: int = 500
) -> Iterator[pd.DataFrame]:
    """Stream validated claims tables, one per batch of ``batch_size`` documents."""
    raise NotImplementedError


def extract_claims(text_or_documents: str | Document | Iterable[Document], *, all_numbers: bool = False) -> pd.DataFrame:
    """Extract the claims of one text or of several documents into one validated claims table."""
    raise NotImplementedError
