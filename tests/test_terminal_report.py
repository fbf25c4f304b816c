"""``auditor check --format table``: the terminal report an editor reads (auditor/report/terminal.py)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console
from test_checks_cli import write_article, write_pack

import auditor
from auditor.checks import check_claims, load_rules
from auditor.checks.presentation import ATTENTION, Coverage, editor_view
from auditor.cli import main
from auditor.reference import load_reference
from auditor.report.terminal import REPORT_ORDER, TerminalReport
from auditor.report.verdicts import STYLES

ANSI = re.compile(r"\x1b\[[0-9;]*m")
COLOUR = re.compile(r"\x1b\[[0-9;]*(?:38|48);[25];")
WORDS = {STYLES[v].word: v for v in STYLES}
VERDICT_LINE = re.compile(r"^(" + "|".join(sorted(map(re.escape, WORDS), key=len, reverse=True)) + r")\s")


@pytest.fixture
def case(tmp_path: Path) -> tuple[Path, Path]:
    """The article of ``test_checks_cli`` and its small reference pack."""
    return write_article(tmp_path), write_pack(tmp_path)


def check(case: tuple[Path, Path], *args: str | Path, columns: int = 80) -> tuple[str, str]:
    """``auditor check ARTICLE --reference PACK ARGS...`` at ``$COLUMNS`` ``columns``: (stdout, stderr)."""
    article, pack = case
    result = CliRunner(env={"COLUMNS": str(columns)}).invoke(
        main,
        [
            "check",
            str(article),
            "--no-default-reference",
            "--reference",
            str(pack),
            "--date",
            "2015-10-01",
            "--fail-on",
            "never",
        ]
        + [str(a) for a in args],
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr


def claims_of(case: tuple[Path, Path]) -> list[dict[str, object]]:
    out, _ = check(case, "--format", "jsonl")
    return [json.loads(line) for line in out.splitlines()]


def shown_verdicts(out: str) -> list[str]:
    """The verdict codes of the report's rows, top to bottom."""
    return [WORDS[m.group(1)] for line in out.splitlines() if (m := VERDICT_LINE.match(line))]


def render(case: tuple[Path, Path], console: Console) -> str:
    article, pack = case
    claims = auditor.extract_claims(article.read_text(encoding="utf-8"), date="2015-10-01")
    result = check_claims(claims, references=load_reference([pack]), rules=load_rules())
    coverage = Coverage()
    coverage.add(result.verdicts)
    report = TerminalReport(console, coverage.line)
    report.write(editor_view(claims, result))
    report.close()
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def test_verdict_is_never_cut_at_80_columns(case: tuple[Path, Path]) -> None:
    out, _ = check(case)
    assert max(map(len, out.splitlines())) <= 80
    assert sorted(shown_verdicts(out)) == sorted(c["verdict"] for c in claims_of(case))


def test_the_finding_sentence_is_shown_whole_wrapped_to_the_width(case: tuple[Path, Path]) -> None:
    out, _ = check(case)
    flowing = " ".join(out.split())
    messages = [f["message"] for c in claims_of(case) for f in c["findings"][:1]]
    assert messages
    for message in messages:
        assert " ".join(message.split()) in flowing
    wide, _ = check(case, columns=200)
    assert max(map(len, wide.splitlines())) > 100  # the width follows $COLUMNS


def test_claims_are_listed_worst_first(case: tuple[Path, Path]) -> None:
    out, _ = check(case)
    shown = shown_verdicts(out)
    assert shown == sorted(shown, key=REPORT_ORDER.index)
    assert shown[0] == "likely_error"
    assert {"likely_error", "matches", "not_checkable"} <= set(shown)


def test_no_ansi_escapes_when_piped_or_written_to_a_file(case: tuple[Path, Path], tmp_path: Path) -> None:
    out, _ = check(case)
    assert not ANSI.search(out)
    target = tmp_path / "table.txt"
    check(case, "-o", target)
    written = target.read_text(encoding="utf-8")
    assert not ANSI.search(written)
    assert written == out.replace("\r\n", "\n")


def test_colour_marks_verdicts_and_the_number_on_a_terminal(case: tuple[Path, Path]) -> None:
    out = render(case, Console(file=io.StringIO(), force_terminal=True, color_system="truecolor"))
    red, green = (
        tuple(int(STYLES[v].colour[i : i + 2], 16) for i in (1, 3, 5)) for v in ("likely_error", "matches")
    )
    assert "\x1b[1;38;2;{};{};{}m{}".format(*red, STYLES["likely_error"].word) in out
    assert "\x1b[1;38;2;{};{};{}m{}".format(*green, STYLES["matches"].word) in out
    assert "\x1b[1;4mfour million\x1b[0m" in out  # the number highlighted in its quote


def test_no_color_is_honoured(case: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    out = render(case, Console(file=io.StringIO(), force_terminal=True, color_system="truecolor"))
    assert not COLOUR.search(out)
    assert STYLES["likely_error"].word in ANSI.sub("", out)


def test_only_flagged_lists_just_the_claims_needing_attention(case: tuple[Path, Path]) -> None:
    everything, _ = check(case)
    out, _ = check(case, "--only", "flagged")
    verdicts = [c["verdict"] for c in claims_of(case)]
    assert shown_verdicts(out) == sorted((v for v in verdicts if v in ATTENTION), key=REPORT_ORDER.index)
    assert out.splitlines()[-1] == everything.splitlines()[-1]  # the coverage line still counts every claim
    flagged, _ = check(case, "--only", "flagged", "--format", "jsonl")
    assert {json.loads(line)["verdict"] for line in flagged.splitlines()} <= set(ATTENTION)
    assert len(flagged.splitlines()) == sum(v in ATTENTION for v in verdicts)


def test_the_coverage_line_comes_last(case: tuple[Path, Path]) -> None:
    out, _ = check(case)
    _, err = check(case, "--format", "jsonl")
    coverage = next(line for line in err.splitlines() if " numbers found · " in line)
    assert out.rstrip("\n").splitlines()[-1] == coverage
