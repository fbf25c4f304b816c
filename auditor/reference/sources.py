"""Citations of the public reference files: who published them, where the copy came from, when it was taken.

Every reference row carries ``publisher``, ``dataset``, ``url`` and ``retrieved`` from one of these records.
The URL is the publisher's page for the data where the README or provenance names one, else a permalink to the
exact file the loader reads (repository, commit and path from ``data/PROVENANCE.md`` in ``../shared``);
``retrieved`` is the date the data left the publisher, as far as the provenance records it (a snapshot or
download date), so an editor can tell which vintage was used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_SHORT_COMMIT: Final = re.compile(r"/(blob|tree)/([0-9a-f]{12})[0-9a-f]{28}/")


@dataclass(frozen=True, slots=True)
class Source:
    """One public reference file: its citation and where it sits under ``../shared``."""

    key: str
    publisher: str
    dataset: str
    url: str
    retrieved: str
    #: path relative to the ``../shared`` root, as listed in ``data/PROVENANCE.md``.
    shared_path: str
    #: the publisher's own page for the data, when the README or provenance gives one.
    homepage: str | None = None

    @property
    def cite_url(self) -> str:
        """The link each row carries: the publisher's page when known, else the permalink of the copy read
        (with the commit abbreviated to 12 hex digits, which GitHub resolves, to keep the pack small)."""
        return self.homepage or _SHORT_COMMIT.sub(r"/\1/\2/", self.url)


def _gh(repo: str, commit: str, path: str) -> str:
    return f"https://github.com/{repo}/blob/{commit}/{path}"


_UNHCR_STREAM = _gh(
    "unhcr/dataviz-streamgraph-explorer", "dd394c1abc28c50d590268590ed50a65f82d1455", "data/data.json"
)
_POPSTATS = "data/reference/unhcr_popstats_timeseries/"
_LUCIFY = "lucified/lucify-refugees"
_LUCIFY_COMMIT = "39ed13be4ac38d3710b2baf6f0d92a494d06bb44"
_DW = ("dw-data/quantify-europe_asylum-seekers", "57bbef82a1d298f4d0f9c5506540c204e14a6f92")

SOURCES: Final[dict[str, Source]] = {
    s.key: s
    for s in (
        Source(
            "unhcr_popstats_json",
            "UNHCR",
            "Population Statistics (popstats)",
            _UNHCR_STREAM,
            "2017-08-23",
            _POPSTATS + "unhcr_popstats_timeseries_streamgraph_data.json",
        ),
        Source(
            "unhcr_popstats_by_origin",
            "UNHCR",
            "Population Statistics (popstats)",
            _UNHCR_STREAM,
            "2017-08-23",
            _POPSTATS + "unhcr_popstats_by_origin_year.csv",
        ),
        Source(
            "unhcr_popstats_by_asylum",
            "UNHCR",
            "Population Statistics (popstats)",
            _UNHCR_STREAM,
            "2017-08-23",
            _POPSTATS + "unhcr_popstats_by_asylum_year.csv",
        ),
        Source(
            "unhcr_popstats_syria_detail",
            "UNHCR",
            "Population Statistics (popstats)",
            _UNHCR_STREAM,
            "2017-08-23",
            _POPSTATS + "unhcr_popstats_syria_detail.csv",
        ),
        Source(
            "unhcr_asylum_monthly",
            "UNHCR",
            "Population Statistics, asylum seekers (monthly data)",
            _gh(
                _LUCIFY,
                "e25aa012e46dfcbf301fb17e74a96e3cf796da6b",
                "data/unhcr_popstats_export_asylum_seekers_monthly.csv",
            ),
            "2017-08-09",
            "data/reference/unhcr_asylum_applications_monthly/unhcr_asylum_applications_monthly_2012_2017.csv",
        ),
        Source(
            "unhcr_syria_regional",
            "UNHCR",
            "Syria Regional Refugee Response portal",
            f"https://github.com/{_LUCIFY}/tree/{_LUCIFY_COMMIT}/data",
            "2015-09-12",
            "data/reference/unhcr_syria_regional_registered_refugees/syria_registered_refugees_by_host_country.csv",
            "https://data.unhcr.org/syrianrefugees",
        ),
        Source(
            "idmc_displacement",
            "IDMC",
            "Global Internal Displacement Database (2018)",
            _gh(
                "ReDI-School/python-data-science",
                "1e1ce657cebac9fa906a04e734b3d281579dc794",
                "datasets/idmc/idmc_displacement_all_dataset.csv",
            ),
            "2018-10-03",
            "data/reference/idmc_internal_displacement/idmc_displacement_2008_2017.csv",
        ),
        Source(
            "eurostat_first_time_by_citizenship",
            "Eurostat",
            "migr_asyappctza (asylum applicants by citizenship)",
            _gh(*_DW, "asylum-data/migr_asyappctza_allcitizenships.csv"),
            "2017-05",
            "data/reference/eurostat_asylum/migr_asyappctza_first_time_by_citizenship_2012_2016.csv",
        ),
        Source(
            "eurostat_totals",
            "Eurostat",
            "migr_asyappctza (asylum applicants by citizenship)",
            _gh(*_DW, "asylum-data/migr_asyappctza_1_Data-2017-05-31-ADDED.csv"),
            "2017-05-31",
            "data/reference/eurostat_asylum/migr_asyappctza_totals_2008_2016.csv",
        ),
        Source(
            "ucdp_brd",
            "UCDP",
            "Battle-Related Deaths v19.1",
            _gh(
                "NUpolisci/Intermediate-Beginner-R-Fall-2019",
                "7d5ad8622e8bb0fbb744824dffef6fb16079bef9",
                "BattleDeaths_v19_1.csv",
            ),
            "2019",
            "data/reference/ucdp_battle_related_deaths/ucdp_brd_dyadic_v19_1.csv",
        ),
        Source(
            "worldbank_population",
            "World Bank",
            "WDI SP.POP.TOTL",
            _gh("datasets/population", "425fc447a53a26c767a15a7de60c4cc2478a0595", "data/population.csv"),
            "2026-03-06",
            "data/reference/world_bank_population/population.csv",
            "http://data.worldbank.org/indicator/SP.POP.TOTL",
        ),
        Source(
            "vdc_documented_deaths",
            "Violations Documentation Center in Syria",
            "documented deaths",
            _gh("mobeets/deaths-in-syria", "8bd7f00e83dc4c131d76cc8c95460bf3f7003c11", "data/counts.csv"),
            "2016-07-21",
            "data/reference/vdc_syria_documented_deaths/vdc_documented_deaths_daily_2011_2016.csv",
            "http://vdc-sy.info",
        ),
        Source(
            "iom_missing_migrants",
            "IOM",
            "Missing Migrants Project",
            _gh(
                "ruthvik07071995/Missing-Migrants-Data",
                "2b2411a8ab3bbc171b073448752a2355cdb65fe3",
                "MissingMigrants-Global-2019-03-29T18-36-07.csv",
            ),
            "2019-03-29",
            "data/reference/iom_missing_migrants/MissingMigrants-Global-2019-03-29T18-36-07.csv",
            "https://missingmigrants.iom.int",
        ),
        Source(
            "published_death_tolls",
            "(per row)",
            "published death tolls",
            "",
            "(per row)",
            "data/reference/syria_death_toll_published/README.md",
        ),
    )
}
