"""The project's own documents (docs/): the code cites its security requirements by id and its
domain rules by docs/domain.md, and refers to nothing outside the repository (issue 22)."""

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", ".git", ".pytest_cache", ".ruff_cache", "node_modules", "staticfiles", "locale", "vendor"}
TEXT = {".py", ".html", ".md", ".txt", ".yaml", ".yml", ".toml", ".ini", ".sh", ".js", ".css", ".cfg"}
REQUIREMENT = re.compile(r"\b(?:AC|AU|LG|PV|IV|CC|DP)-\d+\b")
DEFINED = re.compile(r"^- \*\*((?:AC|AU|LG|PV|IV|CC|DP)-\d+) ", re.MULTILINE)
# Documents that lived beside the checkout and are not in it. (Spelt in two parts so that this
# file does not find itself.)
OUTSIDE = re.compile("DOMAIN" + r"\.md|" + "SECURITY" + r"\.md|" + r"\.\./" + "shared")
# The HSDS tests compare the schema the app carries (directory/hsds/schema) with the upstream
# copy where one happens to lie beside the checkout, and skip without it.
MAY_LOOK_OUTSIDE = {"directory/tests/test_hsds.py", "directory/tests/test_hsds_tabular.py"}


def project_files():
    for folder, folders, names in os.walk(ROOT):
        folders[:] = sorted(name for name in folders if name not in SKIP)
        for name in sorted(names):
            path = Path(folder) / name
            if path.suffix in TEXT or name in {"Makefile", "run"}:
                yield path.relative_to(ROOT), path.read_text(errors="replace")


def test_every_requirement_the_code_cites_is_in_docs_security():
    defined = set(DEFINED.findall((ROOT / "docs" / "security.md").read_text()))
    assert {"AU-2", "CC-3", "DP-3"} <= defined
    cited = {
        (requirement, str(relative))
        for relative, text in project_files()
        if relative.parts[0] != "docs"
        for requirement in REQUIREMENT.findall(text)
    }
    assert cited, "the code cites no requirement: is the pattern right?"
    missing = sorted((requirement, where) for requirement, where in cited if requirement not in defined)
    assert missing == [], "define these in docs/security.md"


def test_no_file_refers_to_documents_outside_the_repository():
    outside = [
        f"{relative}: {match.group()}"
        for relative, text in project_files()
        if str(relative) not in MAY_LOOK_OUTSIDE and relative != Path("tests/test_docs.py")
        for match in OUTSIDE.finditer(text)
    ]
    assert outside == []


def test_every_docs_file_the_code_names_exists():
    docs = re.compile(r"\bdocs/[\w-]+\.md\b")
    named = {match for _relative, text in project_files() for match in docs.findall(text)}
    assert {"docs/domain.md", "docs/security.md"} <= named
    assert [name for name in sorted(named) if not (ROOT / name).is_file()] == []
