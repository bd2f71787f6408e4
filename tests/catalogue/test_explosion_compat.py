"""Our package shares the import name `catalogue` with spaCy's registry library (see
docs/architecture.md): spaCy must still work when ours is imported first."""
import subprocess
import sys

from catalogue.vocabulary import DATA_DIR

ROOT = DATA_DIR.parent.parent


def test_spacy_works_with_our_catalogue_first_on_the_path():
    code = (
        "import catalogue, catalogue.routing; assert hasattr(catalogue, 'create'); "
        "import spacy; nlp = spacy.blank('sv'); print(len(nlp('min son röker på')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("4")
