"""Insatsguidens katalog: the five municipalities' insatser, the SQLite store and the routing core.

Public entry points: `load_catalogue`/`default_catalogue` (loader), `route`/`Profile` (routing),
`build`/`search` (store). See docs/catalogue-schema.md for the data format.

The package lives in catalogue/insatskatalog/ and is imported as `insatskatalog`, never as
`catalogue`: that name belongs to Explosion's registry library, which spaCy imports
(docs/architecture.md). Its data files are catalogue/data/ (vocabulary.DATA_DIR).
"""
