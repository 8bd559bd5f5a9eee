"""`make test` runs every test file there is: a new app's tests are not left out of `testpaths`
(the API's 195 tests once were), and no test file sits where pytest does not look."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "node_modules", "staticfiles", ".git"}


def test_every_test_file_is_under_a_testpath():
    ini = configparser.ConfigParser()
    ini.read(ROOT / "pytest.ini")
    paths = [ROOT / p for p in ini["pytest"]["testpaths"].split()]
    test_files = [path for path in ROOT.rglob("test_*.py") if not SKIP & set(path.relative_to(ROOT).parts)]
    assert test_files, "no test files found"
    outside = [str(f.relative_to(ROOT)) for f in test_files if not any(f.is_relative_to(p) for p in paths)]
    assert outside == [], "add their folder to testpaths in pytest.ini"
