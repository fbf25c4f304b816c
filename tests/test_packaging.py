"""The rule files and the reference pack are found from an installed wheel, not only from a checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_rules_and_reference_pack_and_finds_them_when_installed(tmp_path: Path) -> None:
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("auditor-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in (
        "auditor/_shipped/rules/hedges.yaml",
        "auditor/_shipped/rules/units.txt",
        "auditor/_shipped/rules/measures.yaml",
        "auditor/_shipped/reference/MANIFEST.json",
    ):
        assert shipped in names, f"{shipped} missing from {wheel.name}"

    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    probe = (
        "from auditor.resources import rules_dir, reference_dir\n"
        "from auditor import extract_claims\n"
        "print(rules_dir()); print(reference_dir())\n"
        "print(extract_claims('More than 250,000 people died.')['low'].iloc[0])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, env=env, cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    rules, reference, low = run.stdout.split()
    assert Path(rules) == target / "auditor" / "_shipped" / "rules"
    assert Path(reference) == target / "auditor" / "_shipped" / "reference"
    assert float(low) == 250000.0
