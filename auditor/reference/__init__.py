"""Reference data: loaders for the publishers' public formats and the shipped reference pack.

Every loader returns a table validated by :class:`~auditor.schemas.ReferenceSchema` (one row per series,
place and as-of date, each citing publisher, dataset, URL and retrieval date) or raises
:class:`~auditor.errors.ReferenceDataError` naming the file, row, column, bad value and what is allowed.
:func:`load_reference` reads the pack format (CSV files, folders, data packages) that ``--reference`` takes;
:func:`load_reference_with_shipped` adds it to the shipped pack.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

import pandas as pd

from auditor.reference.loaders import (
    load_idmc_displacement,
    load_iom_missing_migrants,
    load_published_death_tolls,
    load_ucdp_brd,
    load_vdc_documented_deaths,
    load_worldbank_population,
)
from auditor.reference.loaders_eurostat import (
    load_eurostat_asylum_by_citizenship,
    load_eurostat_asylum_totals,
)
from auditor.reference.loaders_unhcr import (
    load_unhcr_popstats_by_asylum,
    load_unhcr_popstats_by_origin,
    load_unhcr_popstats_json,
    load_unhcr_popstats_syria_detail,
    load_unhcr_syria_regional,
    load_unhcr_syria_regional_raw,
)
from auditor.reference.loaders_unhcr_monthly import load_unhcr_asylum_monthly
from auditor.reference.pack import (
    load_reference,
    load_reference_with_shipped,
    read_manifest,
    reference_files,
    verify_manifest,
)

#: One loader per public format, by the key of its citation in :data:`auditor.reference.sources.SOURCES`.
LOADERS: Final[dict[str, Callable[[Path], pd.DataFrame]]] = {
    "unhcr_popstats_json": load_unhcr_popstats_json,
    "unhcr_popstats_by_origin": load_unhcr_popstats_by_origin,
    "unhcr_popstats_by_asylum": load_unhcr_popstats_by_asylum,
    "unhcr_popstats_syria_detail": load_unhcr_popstats_syria_detail,
    "unhcr_syria_regional": load_unhcr_syria_regional,
    "unhcr_asylum_monthly": load_unhcr_asylum_monthly,
    "idmc_displacement": load_idmc_displacement,
    "eurostat_first_time_by_citizenship": load_eurostat_asylum_by_citizenship,
    "eurostat_totals": load_eurostat_asylum_totals,
    "ucdp_brd": load_ucdp_brd,
    "worldbank_population": load_worldbank_population,
    "vdc_documented_deaths": load_vdc_documented_deaths,
    "iom_missing_migrants": load_iom_missing_migrants,
    "published_death_tolls": load_published_death_tolls,
}

__all__ = [
    "LOADERS",
    "load_eurostat_asylum_by_citizenship",
    "load_eurostat_asylum_totals",
    "load_idmc_displacement",
    "load_iom_missing_migrants",
    "load_published_death_tolls",
    "load_reference",
    "load_reference_with_shipped",
    "load_ucdp_brd",
    "load_unhcr_asylum_monthly",
    "load_unhcr_popstats_by_asylum",
    "load_unhcr_popstats_by_origin",
    "load_unhcr_popstats_json",
    "load_unhcr_popstats_syria_detail",
    "load_unhcr_syria_regional",
    "load_unhcr_syria_regional_raw",
    "load_vdc_documented_deaths",
    "load_worldbank_population",
    "read_manifest",
    "reference_files",
    "verify_manifest",
]
