"""Insatsguidens katalog: the five municipalities' insatser, the SQLite store and the routing core.

Public entry points: `load_catalogue`/`default_catalogue` (loader), `route`/`Profil` (routing),
`build`/`search` (store). See docs/catalogue-schema.md for the data format.
"""
