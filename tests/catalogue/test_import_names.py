"""`import catalogue` is Explosion's registry library (spaCy, thinc and confection import it); ours
is `insatskatalog`, in catalogue/insatskatalog/ (docs/architecture.md). A regular, non-editable
install is tested in test_regular_install.py (slow tier)."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("catalogue", "bot", "web", "bench", "tests", "scripts")

WHICH = (
    "import json, catalogue, insatskatalog, insatskatalog.routing; "
    "print(json.dumps({'catalogue': catalogue.__file__, 'create': hasattr(catalogue, 'create'), "
    "'insatskatalog': insatskatalog.__file__}))"
)


def which(cwd: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", WHICH], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


def test_outside_the_project_catalogue_is_explosions_and_insatskatalog_ours(tmp_path):
    found = which(tmp_path)
    assert found["create"], found
    assert not Path(found["catalogue"]).resolve().is_relative_to(ROOT / "catalogue"), found
    assert "site-packages" in Path(found["catalogue"]).parts, found
    assert Path(found["insatskatalog"]).resolve() == ROOT / "catalogue" / "insatskatalog" / "__init__.py"


def test_from_the_project_root_the_folder_catalogue_does_not_win():
    """The project root is on sys.path for `python -m` and inside Rasa: the folder catalogue/ (no
    __init__.py) must not shadow the installed library."""
    found = which(ROOT)
    assert found["create"] and "site-packages" in Path(found["catalogue"]).parts, found


def test_catalogue_folder_holds_no_module_of_its_own():
    assert list((ROOT / "catalogue").glob("*.py")) == []


def test_no_code_imports_our_package_by_its_old_name():
    """`catalogue` may be imported only as Explosion's library: no import names one of our modules
    under it (the old name of this package)."""
    ours = {p.stem for p in (ROOT / "catalogue" / "insatskatalog").glob("*.py")}
    bad = []
    for path in [p for d in CODE_DIRS for p in (ROOT / d).rglob("*.py") if "node_modules" not in p.parts]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            bad += [f"{path.relative_to(ROOT)}: {n}" for n in names
                    if n.startswith("catalogue.") and n.split(".")[1] in ours]
    assert bad == []


def test_pyproject_lists_every_package():
    """pyproject.toml lists the packages (it must, to map insatskatalog): a new package folder
    that is not listed would be left out of a regular install."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    listed = set(re.findall(r'"([\w.]+)"', re.search(r"^packages = \[(.*)\]$", text, re.M).group(1)))
    found = {".".join(p.parent.relative_to(ROOT).parts).removeprefix("catalogue.")
             for d in ("catalogue", "bot", "web", "bench") for p in (ROOT / d).rglob("__init__.py")}
    assert listed == found | {"insatskatalog.data"}
