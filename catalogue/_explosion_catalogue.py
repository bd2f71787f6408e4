"""Compatibility: this package also provides the API of Explosion's `catalogue` library.

spaCy, thinc and confection depend on a PyPI package that is also imported as `catalogue`
(Explosion's function registry). Our design card fixes this project's folder name, and Python
resolves `import catalogue` to whichever comes first on sys.path. Whenever the project root is on
sys.path — `python -m ...` from the root, or inside Rasa, which inserts the working directory —
spaCy would import *this* package and fail.

So when this package is imported, it loads Explosion's library from site-packages under a private
module name and re-exports its public API (`create`, `Registry`, `RegistryError`, ...). The objects
are the library's own, so its registry state is shared; nothing is copied or patched.
"""
from __future__ import annotations

import importlib.util
import sys
import sysconfig
from pathlib import Path

_PRIVATE_NAME = "_explosion_catalogue_library"
_OWN_DIR = Path(__file__).resolve().parent


def load():
    if _PRIVATE_NAME in sys.modules:
        return sys.modules[_PRIVATE_NAME]
    paths = sysconfig.get_paths()
    for base in dict.fromkeys([paths["purelib"], paths["platlib"], *sys.path]):
        init = Path(base or ".") / "catalogue" / "__init__.py"
        try:
            if not init.is_file() or init.resolve().parent == _OWN_DIR:
                continue
        except OSError:
            continue
        spec = importlib.util.spec_from_file_location(_PRIVATE_NAME, init, submodule_search_locations=[str(init.parent)])
        module = importlib.util.module_from_spec(spec)
        sys.modules[_PRIVATE_NAME] = module
        spec.loader.exec_module(module)
        return module
    return None
