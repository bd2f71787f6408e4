"""Insatsguidens katalog: the five municipalities' insatser, the SQLite store and the routing core.

Public entry points: `load_catalogue`/`default_catalogue` (loader), `route`/`Profil` (routing),
`build`/`search` (store). See docs/catalogue-schema.md for the data format.

The import name `catalogue` is shared with Explosion's registry library that spaCy depends on;
see _explosion_catalogue.py for why this package also re-exports that library's API.
"""
from . import _explosion_catalogue

_library = _explosion_catalogue.load()
if _library is not None:
    create = _library.create
    Registry = _library.Registry
    RegistryError = _library.RegistryError
    check_exists = _library.check_exists
    REGISTRY = _library.REGISTRY
    AVAILABLE_ENTRY_POINTS = _library.AVAILABLE_ENTRY_POINTS
    importlib_metadata = _library.importlib_metadata
    _get = _library._get
    _get_all = _library._get_all
    _set = _library._set
    _remove = _library._remove
