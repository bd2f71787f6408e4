"""One source for each small vocabulary (issue 14, item 3): a copy that reappears fails here.

Each vocabulary has one home; everything else imports it. The checks read the code as text and as
syntax trees (no import, no model), so they run in `make test-fast`:

- municipality ids: `insatskatalog.vocabulary.KOMMUN_IDS`; names: the data files (`kommun.namn`)
- who the help is for: `insatskatalog.vocabulary.PROFIL_FOR` (a mapping keyed by it must cover it all)
- the consent age: `insatskatalog.routing.SAMTYCKESALDER` (templates get it as a global)
- the right to apply: `insatskatalog.rights`
- reading the counters: `insatskatalog.statistics.read_counts` (the only SQL on `rakneverk` outside the recorder)
- the client-address limiter: `web.security.RateLimiter` (salted HMAC keys, in memory)
- the NLU lookup tables for municipalities and localities: generated from catalogue data
  (bot/lookups.py; tests/bot/test_lookups.py fails on a hand-kept copy in nlu_data/)

KNOWN lists the copies that remain in files other engineers are changing now, each with what
replaces it; a copy anywhere else fails. Remove an entry when its copy is gone.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

from insatskatalog import vocabulary as v

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("catalogue", "bot", "web", "bench")

# (file, vocabulary) -> what replaces the copy there. Only these files may still hold a copy.
KNOWN = {
    ("bot/actions/state.py", "profil_for"): "FOR_VEM_VALUES = tuple(v.PROFIL_FOR)",
    (
        "bot/actions/replies.py",
        "ratt_att_ansoka",
    ): "GENERAL_RIGHT_TO_APPLY = ratt_att_ansoka_utan_kommun()",
    (
        "bot/actions/replies.py",
        "samtyckesalder",
    ): "the age buttons and consent sentences from SAMTYCKESALDER",
    (
        "bot/interpreter.py",
        "samtyckesalder",
    ): "the 'under 15' button ranges from SAMTYCKESALDER",
    (
        "catalogue/insatskatalog/routing.py",
        "profil_for",
    ): "_PLAUSIBLE_FOR_VEM from PROFIL_FOR; validate() against PROFIL_FOR",
    ("bench/robustness.py", "kommun_ids"): "KOMMUNER = tuple(sorted(v.KOMMUN_IDS))",
    (
        "web/staff/login.py",
        "rate_limiter",
    ): "LoginThrottle's keys and per-address cap from web.security",
}


def code_files(*suffixes: str) -> list[Path]:
    return sorted(
        p
        for d in CODE_DIRS
        for p in (ROOT / d).rglob("*")
        if p.suffix in suffixes and "__pycache__" not in p.parts and "data" not in p.relative_to(ROOT / d).parts[:1]
    )


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def strings_outside_docstrings(tree: ast.AST) -> list[ast.Constant]:
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


def literal_collections(tree: ast.AST):
    """(node, the string elements) of every tuple, list and set literal, and of every dict's keys."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            elts = node.elts
        elif isinstance(node, ast.Dict):
            elts = [k for k in node.keys if k is not None]
        else:
            continue
        yield (
            node,
            {e.value for e in elts if isinstance(e, ast.Constant) and isinstance(e.value, str)},
        )


def findings(vocabulary: str, found: list[str]) -> list[str]:
    return [f for f in found if (f.split(":", 1)[0], vocabulary) not in KNOWN]


def python_trees():
    for path in code_files(".py"):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def template_texts():
    for path in code_files(".html", ".js"):
        yield path, path.read_text(encoding="utf-8")


def text_copies(pattern: re.Pattern, home: str = "", templates: bool = True) -> list[str]:
    """Where `pattern` occurs in a string of the code (not a docstring) outside `home`, and, with
    `templates`, in the templates and scripts outside their comments."""
    found = [
        f"{rel(p)}:{n.lineno}"
        for p, tree in python_trees()
        if rel(p) != home
        for n in strings_outside_docstrings(tree)
        if pattern.search(n.value)
    ]
    if templates:
        found += [rel(p) for p, text in template_texts() if pattern.search(re.sub(r"\{#.*?#\}|//.*", "", text))]
    return found


# -- the checks ------------------------------------------------------------------------------


def test_municipality_ids_are_listed_only_in_the_vocabulary():
    ids = set(v.KOMMUN_IDS)
    found = [
        f"{rel(p)}:{n.lineno}"
        for p, tree in python_trees()
        if rel(p) != "catalogue/insatskatalog/vocabulary.py"
        for n, values in literal_collections(tree)
        if len(values & ids) >= 2
    ]
    assert findings("kommun_ids", found) == [], "use insatskatalog.vocabulary.KOMMUN_IDS"


def test_municipality_names_come_only_from_the_data_files():
    names = set()
    for kid in v.KOMMUN_IDS:
        with open(v.DATA_DIR / f"{kid}.yml", encoding="utf-8") as f:
            namn = yaml.safe_load(f)["kommun"]["namn"]
        short = namn.removesuffix(" kommun")
        names |= {short, short.removesuffix("s")}
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names))) + r")\b")
    found = text_copies(pattern)
    assert findings("kommun_namn", found) == [], "a municipality's name comes from catalogue/data/<id>.yml"


def test_who_the_help_is_for_has_one_list_and_every_mapping_covers_it():
    values = set(v.PROFIL_FOR)
    copies, partial = [], []
    for path, tree in python_trees():
        if rel(path) == "catalogue/insatskatalog/vocabulary.py":
            continue
        for node, found in literal_collections(tree):
            if "mitt-barn" not in found or len(found & values) < 3:
                continue
            where = f"{rel(path)}:{node.lineno}"
            if not isinstance(node, ast.Dict):
                copies.append(where)
            elif found & values != values:
                partial.append(where)
    assert findings("profil_for", copies) == [], "use insatskatalog.vocabulary.PROFIL_FOR"
    assert partial == [], "a mapping keyed by who the help is for must have every value of PROFIL_FOR"


def test_the_guide_asks_its_age_questions_for_every_value():
    from web.guide import ALDERSFRAGOR

    assert set(ALDERSFRAGOR) == set(v.PROFIL_FOR)


CONSENT_AGE = re.compile(r"\b([Uu]nder|[Ff]rån|[Öö]ver) 15\b")


def test_the_consent_age_is_written_only_in_the_routing_core():
    found = text_copies(CONSENT_AGE, home="catalogue/insatskatalog/routing.py")
    assert findings("samtyckesalder", found) == [], "use insatskatalog.routing.SAMTYCKESALDER"


def test_the_right_to_apply_is_written_only_in_rights():
    found = text_copies(re.compile(r"rätt att ansöka om"), home="catalogue/insatskatalog/rights.py")
    assert findings("ratt_att_ansoka", found) == [], "use insatskatalog.rights"


def test_the_counters_are_read_only_by_the_recorder():
    found = text_copies(
        re.compile(r"\bfrom rakneverk\b"),
        home="catalogue/insatskatalog/statistics.py",
        templates=False,
    )
    assert findings("rakneverk", found) == [], "read the counters with insatskatalog.statistics.read_counts"


def test_one_client_address_limiter():
    """A limit per client: keys from a per-process random salt and an HMAC of the address, hits in
    deques. Its home is web/security.py (and its Redis twin in web/shared_state.py)."""
    home = {"web/security.py", "web/shared_state.py"}
    found = []
    for path, tree in python_trees():
        if rel(path) in home:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                body = ast.unparse(node)
                if "token_bytes" in body and "hmac.new" in body and "deque" in body:
                    found.append(f"{rel(path)}:{node.lineno}")
    assert findings("rate_limiter", found) == [], "use web.security.rate_limiter / RateLimiter"


def test_known_copies_name_files_that_exist():
    for path, _vocabulary in KNOWN:
        assert (ROOT / path).exists(), f"{path} is gone: remove its entry from KNOWN"
