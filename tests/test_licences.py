"""A city's procurement reads the licences in README: every runtime dependency must be listed there."""
from __future__ import annotations

import re
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def _licence_table() -> dict[str, tuple[str, str]]:
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## Licence"):]
    table = section[section.index("| package (`requirements.txt`)"):].split("\n\n")[0]
    rows = {}
    for line in table.splitlines()[2:]:
        name, version, licence = (cell.strip() for cell in line.strip("|").split("|"))
        rows[canonicalize_name(re.sub(r"\s*\(.*\)$", "", name))] = (version, licence)
    return rows


def test_every_runtime_dependency_has_its_licence_in_the_readme():
    pins, table = _pins(), _licence_table()
    assert sorted(set(pins) - set(table)) == [], "add these packages and their licences to README's Licence table"
    assert sorted(set(table) - set(pins)) == [], "README lists packages that requirements.txt no longer pins"
    for name, version in pins.items():
        assert table[name][0] == version, f"{name}: README says {table[name][0]}, requirements.txt pins {version}"
        assert table[name][1], f"{name}: no licence given"


def test_the_licence_table_check_would_notice_a_new_dependency(tmp_path, monkeypatch):
    """Does the check fail for a package added to requirements.txt without its licence?"""
    fake = tmp_path / "repo"
    fake.mkdir()
    (fake / "README.md").write_text((REPO / "README.md").read_text())
    (fake / "requirements.txt").write_text((REPO / "requirements.txt").read_text() + "left-pad==1.0.0\n")
    monkeypatch.setattr(f"{__name__}.REPO", fake)
    assert "left-pad" in set(_pins()) - set(_licence_table())


def test_docflow_has_an_osi_licence_and_names_the_dictionary_licence():
    licence = (REPO / "LICENSE").read_text()
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    readme = (REPO / "README.md").read_text()
    assert "kata-dasar.txt" in readme and "CC BY-NC-SA 3.0" in readme
