"""rules/units.yaml and rules/units.txt agree with pint, and the unit lexicon reaches the scanner."""

from __future__ import annotations

import pytest

from auditor.claims.numeric_rules import default_numeric_rules
from auditor.claims.units import convert, is_unit, registry


def _units() -> list[str]:
    rules = default_numeric_rules()
    return sorted(
        {form.unit for form in rules.unit_after_form.values()} | set(rules.currency_before.table.values())
    )


@pytest.mark.parametrize("unit", _units())
def test_every_unit_in_the_lexicon_is_a_pint_unit(unit: str) -> None:
    assert is_unit(unit), f"{unit!r} (rules/units.yaml) is not defined by pint or rules/units.txt"


def test_currencies_are_their_own_dimensions() -> None:
    ureg = registry()
    assert ureg.Unit("USD").dimensionality != ureg.Unit("EUR").dimensionality
    assert convert(250, "USC", "USD") == pytest.approx(2.5)
    assert convert(150, "GBX", "GBP") == pytest.approx(1.5)


def test_news_units_convert() -> None:
    assert convert(3, "percentage_point", "pp") == 3
    assert convert(1.6, "kilometer", "meter") == pytest.approx(1600)
    assert convert(40, "percent", "dimensionless") == pytest.approx(0.4)


def test_every_unit_the_extractor_writes_is_a_pint_unit() -> None:
    from pathlib import Path

    import yaml

    from auditor import extract_claims

    cases = yaml.safe_load((Path(__file__).parent / "cases" / "extraction.yaml").read_text(encoding="utf-8"))
    text = "\n\n".join(c["text"] for c in cases)
    units = set(extract_claims(text, all_numbers=True)["unit"].dropna())
    assert units, "the extraction cases name units"
    assert {u for u in units if not is_unit(u)} == set()
