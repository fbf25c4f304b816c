"""Image tests of the editors' charts (auditor.report.charts): each chart is drawn from the hand-built run, rendered
to PNG and SVG, and must carry the artists an editor reads (lines, markers, legend entries, labels, readable ticks).
Expectations per chart live in tests/cases/charts.yaml."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from test_report_fixtures import load_run

from auditor.errors import DataError
from auditor.report import charts
from auditor.report.atomic import figure_bytes, save_figure
from auditor.report.figures import stated_points, with_current_run
from auditor.report.hierarchies import part_whole_tables
from auditor.report.verdicts import STYLES, Coverage

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "charts.yaml").read_text(encoding="utf-8"))
RUN = load_run()


def _claims() -> pd.DataFrame:
    return RUN["claims"].merge(RUN["verdicts"], on=["doc_id", "claim_id"])


def _series(series_id: str, location: str) -> pd.DataFrame:
    refs = RUN["references"]
    return refs[(refs["series_id"] == series_id) & (refs["location"] == location)]


def _doc_claims(doc_id: str) -> pd.DataFrame:
    claims = _claims()
    return claims[claims["doc_id"] == doc_id].assign(label=lambda d: d["surface"])


def stated_vs_reference() -> Figure:
    return charts.stated_vs_reference(stated_points(_claims(), RUN["findings"]), tolerance=0.1)


def timeline_deaths() -> Figure:
    claims = _doc_claims("daily/observatory-2015-10-20").query("measure == 'deaths'")
    return charts.reference_timeline(
        _series("sohr.published.deaths", "SYR"), claims, article_date=pd.Timestamp("2015-10-20")
    )


def timeline_slip() -> Figure:
    claims = _doc_claims("daily/observatory-2015-10-20").query("measure == 'population'")
    return charts.reference_timeline(
        _series("worldbank.population.population", "DEU"), claims, article_date=pd.Timestamp("2015-10-20")
    )


def part_whole() -> Figure:
    tables = part_whole_tables(
        RUN["references"],
        _doc_claims("wire/syria-war-2015-10-01"),
        origin="SYR",
        as_of=pd.Timestamp("2015-10-01"),
    )
    assert tables is not None
    return charts.part_whole(*tables, title="People displaced from Syria")


def verdicts_by_source() -> Figure:
    table = _claims().merge(RUN["documents"][["doc_id", "source"]], on="doc_id")
    return charts.verdicts_by_group(table, by="source")


def flag_rate() -> Figure:
    return charts.flag_rate(RUN["history"])


BUILDERS: dict[str, Callable[[], Figure]] = {
    f.__name__: f
    for f in (stated_vs_reference, timeline_deaths, timeline_slip, part_whole, verdicts_by_source, flag_rate)
}


def _legend_texts(fig: Figure) -> list[str]:
    legend = fig.axes[0].get_legend()
    assert legend is not None, "the chart has no legend"
    return [t.get_text() for t in legend.get_texts()]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["chart"])
def test_chart_renders_with_expected_artists(case: dict[str, Any]) -> None:
    fig = BUILDERS[case["chart"]]()
    png = figure_bytes(fig, "png")
    assert png.startswith(b"\x89PNG")
    assert len(png) > 20_000
    svg = figure_bytes(fig, "svg")
    assert b"<svg" in svg
    assert len(svg) > 10_000
    ax = fig.axes[0]
    assert ax.get_xscale() == case["xscale"]
    assert ax.get_yscale() == case["yscale"]
    assert case["title"] in ax.get_title(loc="left")
    assert case["xlabel"] in ax.get_xlabel()
    assert case["ylabel"] in ax.get_ylabel()
    legend = _legend_texts(fig)
    for entry in case["legend"]:
        assert entry in legend, f"legend {legend} lacks {entry!r}"
    ticks = case["tick_labels"]
    axis = ax.yaxis if ticks["axis"] == "y" else ax.xaxis
    shown = {t.get_text() for t in axis.get_ticklabels()}
    for label in ticks["labels"]:
        assert label in shown, f"{ticks['axis']} ticks {sorted(shown)} lack {label!r}"
    assert not any(t.replace(".", "").isdigit() and len(t) > 5 for t in shown), (
        f"raw numbers on ticks: {shown}"
    )


def test_stated_vs_reference_marks_each_verdict_with_its_own_shape() -> None:
    fig = stated_vs_reference()
    points = stated_points(_claims(), RUN["findings"])
    scatters = [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]
    assert len(scatters) == points["verdict"].nunique()
    legend = _legend_texts(fig)
    for verdict, n in points["verdict"].value_counts().items():
        assert f"{STYLES[str(verdict)].word} ({n})" in legend
    assert sum(len(c.get_offsets()) for c in scatters) == len(points)


def test_stated_vs_reference_shows_the_million_billion_slip() -> None:
    """The 81 billion / 81 million slip sits on the x1,000 line and is labelled with its factor."""
    fig = stated_vs_reference()
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.texts]
    assert any("81 billion" in t and "×1k" in t for t in labels), labels
    slip_lines = [ln for ln in ax.get_lines() if ln.get_linestyle() not in ("-", "None")]
    assert len(slip_lines) == 2
    assert any("×1,000 slip" in t for t in labels)
    assert any(isinstance(c, type(ax.fill_between([1, 2], [1, 2]))) for c in ax.collections)


def test_timeline_carries_the_last_value_to_the_article_date() -> None:
    fig = timeline_deaths()
    step = next(ln for ln in fig.axes[0].get_lines() if ln.get_label() == "Reference (value in force)")
    xs, ys = step.get_data()
    assert pd.Timestamp(pd.to_datetime(xs[-1])) >= pd.Timestamp("2015-10-20")
    assert ys[-1] == ys[-2] == 250124


def test_part_whole_splits_parents_into_parts_and_marks_claims() -> None:
    fig = part_whole()
    ax = fig.axes[0]
    labels = [t.get_text().strip() for t in ax.get_yticklabels()]
    assert labels[0].startswith("Displaced from Syria")
    assert "in Europe" in labels
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() > 0]
    assert len(bars) >= 5 + 2  # one bar per node, the parents split into two parts each
    marks = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(marks) == 3  # 11 million, some 7 million, four million


def test_verdicts_by_source_hatches_every_flagged_verdict() -> None:
    fig = verdicts_by_source()
    hatches = {p.get_hatch() for p in fig.axes[0].patches}
    for verdict in ("likely_error", "outdated", "needs_review", "not_checkable"):
        assert STYLES[verdict].hatch in hatches


def test_flag_rate_plots_the_share_of_checked_numbers() -> None:
    history = RUN["history"]
    fig = flag_rate()
    line = fig.axes[0].get_lines()[0]
    expected = (history["n_attention"] / history["n_checked"]).to_list()
    assert list(line.get_ydata()) == pytest.approx(expected)


def test_flag_rate_of_one_run_does_not_span_empty_years() -> None:
    one = pd.DataFrame(
        {
            "started": [pd.Timestamp("2015-10-21 06:00")],
            "n_checked": [8],
            "n_attention": [2],
            "n_likely_error": [1],
        }
    )
    low, high = charts.flag_rate(one).axes[0].get_xlim()
    assert high - low <= 1.0  # matplotlib x units are days


def test_importing_the_charts_keeps_a_notebooks_backend() -> None:
    code = (
        "import matplotlib; matplotlib.use('svg'); import auditor.report.charts, auditor.report.part_whole_chart; "
        "assert matplotlib.get_backend() == 'svg', matplotlib.get_backend()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_flag_rate_adds_the_current_run_once() -> None:
    cov = Coverage(found=10, checked=8, attention=2, likely_errors=1, not_checkable=2)
    once = with_current_run(RUN["history"], "now", pd.Timestamp("2015-10-21"), cov)
    assert len(once) == len(RUN["history"]) + 1
    assert len(with_current_run(once, "now", pd.Timestamp("2015-10-21"), cov)) == len(once)


@pytest.mark.parametrize(
    ("draw", "note"),
    [
        (
            lambda: charts.stated_vs_reference(stated_points(_claims(), RUN["findings"].iloc[0:0])),
            "No checked",
        ),
        (lambda: charts.reference_timeline(RUN["references"].iloc[0:0]), "no observation"),
        (lambda: charts.verdicts_by_group(_claims().iloc[0:0].assign(source=None)), "No claims"),
        (lambda: charts.flag_rate(RUN["history"].iloc[0:0]), "No past runs"),
    ],
    ids=["stated-vs-reference", "timeline", "verdicts", "flag-rate"],
)
def test_empty_input_draws_a_note_not_a_crash(draw: Callable[[], Figure], note: str) -> None:
    fig = draw()
    assert any(note in t.get_text() for t in fig.axes[0].texts)
    assert figure_bytes(fig, "png").startswith(b"\x89PNG")


def test_missing_columns_name_what_is_needed() -> None:
    with pytest.raises(DataError, match=r"lacks column\(s\) reference_value.*allowed: a table with observed"):
        charts.stated_vs_reference(pd.DataFrame({"observed": [1.0], "verdict": ["matches"]}))


def test_timeline_refuses_two_series_at_once() -> None:
    with pytest.raises(DataError, match="several values in column 'series_id'"):
        charts.reference_timeline(RUN["references"])


def test_part_whole_refuses_an_unknown_parent() -> None:
    nodes = pd.DataFrame(
        {"node": ["a", "b"], "label": ["A", "B"], "parent": [None, "zz"], "value": [2.0, 1.0]}
    )
    with pytest.raises(DataError, match="node 'b' has parent 'zz', which is not a node"):
        charts.part_whole(nodes)


def test_save_figure_writes_by_suffix_and_refuses_others(tmp_path: Path) -> None:
    from auditor.errors import OutputError

    fig = flag_rate()
    assert save_figure(fig, tmp_path / "rate.svg").read_bytes().lstrip().startswith(b"<?xml")
    assert save_figure(fig, tmp_path / "rate.png").read_bytes().startswith(b"\x89PNG")
    with pytest.raises(OutputError, match=r"unsupported chart format '\.jpg'; allowed: \.png, \.svg"):
        save_figure(fig, tmp_path / "rate.jpg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rate.png", "rate.svg"]


def test_png_is_reproducible() -> None:
    """No timestamps in the files: the same chart gives the same bytes (reports diff cleanly)."""
    assert figure_bytes(flag_rate(), "png") == figure_bytes(flag_rate(), "png")
    assert figure_bytes(flag_rate(), "svg") == figure_bytes(flag_rate(), "svg")


# --- point labels -------------------------------------------------------------------------------------------

LABEL_CASES = yaml.safe_load(
    (Path(__file__).parent / "cases" / "chart_labels.yaml").read_text(encoding="utf-8")
)
#: Smallest type (points) an editor reads on a chart at its default size.
LEGIBLE = 8.0


def _crowded(case: dict[str, Any]) -> Figure:
    if case["chart"] == "stated_vs_reference":
        points = pd.DataFrame(case["points"], columns=["observed", "reference_value", "verdict", "label"])
        return charts.stated_vs_reference(points)
    series = pd.DataFrame(case["series"], columns=["date", "value"]).assign(
        date=lambda d: pd.to_datetime(d["date"])
    )
    claims = pd.DataFrame(case["claims"], columns=["as_of", "value", "verdict", "label"]).assign(
        as_of=lambda d: pd.to_datetime(d["as_of"]), low=None, high=None, comparator="eq"
    )
    return charts.reference_timeline(series, claims, article_date=pd.Timestamp(case["article_date"]))


def _label_params() -> list[Any]:
    built = [
        pytest.param(BUILDERS[name], 1, id=name)
        for name in ("stated_vs_reference", "timeline_deaths", "timeline_slip", "part_whole")
    ]
    crowded = [
        pytest.param(lambda c=case: _crowded(c), case["shown"], id=case["name"]) for case in LABEL_CASES
    ]
    return [*built, *crowded]


@pytest.mark.parametrize(("draw", "shown"), _label_params())
def test_point_labels_are_legible_and_never_overlap(draw: Callable[[], Figure], shown: int) -> None:
    """Regression (issue 12): point labels were 7 pt and drawn at one fixed offset, so close points' labels
    covered each other. Measured on the rendered figure, at its default size."""
    fig = draw()
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    texts = [t for t in ax.texts if t.get_text().strip()]
    assert len(texts) >= shown, [t.get_text() for t in texts]
    assert min(t.get_fontsize() for t in texts) >= LEGIBLE
    frame = ax.get_window_extent(renderer)
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    for text, box in boxes:
        assert frame.x0 <= box.x0 <= box.x1 <= frame.x1 + 1, f"{text!r} sticks out of the axes"
    legend = ax.get_legend()
    if legend is not None:
        boxes.append(("the legend", legend.get_window_extent(renderer)))
    for (a, box_a), (b, box_b) in combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"labels {a!r} and {b!r} overlap"
