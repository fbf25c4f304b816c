"""What a command imports to start: modules it does not use must not load (tests/cases/startup_modules.yaml)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "startup_modules.yaml").read_text(encoding="utf-8"))

# Runs the command line in a fresh interpreter, then prints the modules it loaded as JSON on stderr.
_RUN = """
import json, sys
from auditor.cli import main
try:
    main(sys.argv[1:], prog_name="auditor")
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_a_command_does_not_import_what_it_does_not_use(case: dict[str, Any], tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(
        "The agency said 4 million people had fled the country since 2011, up from 3.2 million a year ago.\n",
        encoding="utf-8",
    )
    args = [str(article) if a == "ARTICLE" else a for a in case["args"]]
    run = subprocess.run([sys.executable, "-c", _RUN, *args], capture_output=True, text=True, check=True)
    assert "4 million" in run.stdout or "4000000" in run.stdout, run.stderr
    loaded = set(json.loads(run.stderr.rsplit("MODULES ", 1)[1]))
    assert "pandas" in loaded  # the run did its work
    assert sorted(loaded & set(case["absent"])) == []


IMPORT_CASES = yaml.safe_load(
    (Path(__file__).parent / "cases" / "startup_imports.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", IMPORT_CASES, ids=[c["name"] for c in IMPORT_CASES])
def test_importing_a_module_does_not_load_what_it_does_not_use(case: dict[str, Any]) -> None:
    code = f"import json, sys, {case['module']}; print(json.dumps(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(run.stdout))
    assert case["module"] in loaded
    assert sorted(loaded & set(case["absent"])) == []
