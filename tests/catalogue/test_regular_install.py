"""A regular (non-editable) `pip install .` installs `insatskatalog` beside Explosion's `catalogue`
without touching it, finds its data files inside the package, and spaCy still works
(docs/architecture.md). Slow tier: it builds and installs the project into a new venv (about 15 s).

The new venv gets the test venv's installed libraries through a .pth file and the project with
--no-deps --no-index, so nothing is downloaded; the copy of the project it installs from keeps
setuptools' build folders out of the working tree."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import json, catalogue, insatskatalog, spacy
from insatskatalog import vocabulary as v
from insatskatalog.loader import load_catalogue
from insatskatalog.routing import Profile, route
catalogue_lib = load_catalogue()
result = route(Profile(kommun="uppsala", for_vem="sig", alder=30, amnen=("beroende",)), catalogue_lib)
print(json.dumps({
    "catalogue": catalogue.__file__, "create": hasattr(catalogue, "create"),
    "insatskatalog": insatskatalog.__file__, "data": str(v.DATA_DIR),
    "kommuner": sorted(catalogue_lib.kommuner), "recommended": len(result.rekommenderade),
    "tokens": len(spacy.blank("sv")("min son röker på")),
}))
"""


def test_regular_install_imports_ours_and_spacy(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("catalogue", "bot", "web", "bench"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
    env = {k: val for k, val in os.environ.items() if k != "PYTHONPATH"}  # only what is installed
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "test-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                              "--no-index", str(src)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr[-3000:]
    assert not (site / "catalogue").exists(), "the install wrote a package `catalogue`"
    assert sorted(p.name for p in (site / "insatskatalog" / "data").glob("*.yml")) == sorted(
        p.name for p in (ROOT / "catalogue" / "data").glob("*.yml"))

    out = subprocess.run([str(python), "-c", CHECK], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["create"] and Path(found["catalogue"]).parent.parent == Path(sysconfig.get_paths()["purelib"])
    assert Path(found["insatskatalog"]).parent == site / "insatskatalog"
    assert Path(found["data"]) == site / "insatskatalog" / "data"
    assert found["kommuner"] == ["alingsas", "lekeberg", "mellerud", "sala", "uppsala"]
    assert found["recommended"] > 0
    assert found["tokens"] == 4
