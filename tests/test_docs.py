"""The documentation cannot drift from the code (in the spirit of sqlite-utils' and datasette's
documentation tests): every command, every environment variable the code reads, every URL rule and
every intent is named in README.md or docs/*.md. A new one without documentation fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("catalogue", "bot", "web", "bench")
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])

# An environment variable read directly, through a copy of the environment (`env.get`), or through
# the small int helpers (`_int`, `_int_env`), or named as a module's `…_ENV` constant.
ENV_READ = re.compile(
    r'(?:environ(?:\.get|\.setdefault)?\s*[\(\[]|getenv\(|\b_int(?:_env)?\(|\benv\.get\(|_ENV\s*=)\s*"([A-Z][A-Z0-9_]*)"'
)


def documented(word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", DOCS) is not None


def python_files():
    return sorted(p for d in CODE_DIRS for p in (ROOT / d).rglob("*.py") if "__pycache__" not in p.parts)


def env_variables() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in python_files():
        for m in ENV_READ.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(m.group(1), path.relative_to(ROOT).as_posix())
    return found


def test_the_scan_finds_the_variables_it_should():
    names = env_variables()
    for name in ("INSATSGUIDEN_MODEL", "DATABASE_URL", "REDIS_URL", "RASA_INSTANCES", "INSATSGUIDEN_WEB_THREADS"):
        assert name in names


@pytest.mark.parametrize("name", sorted(env_variables()))
def test_every_environment_variable_is_documented(name):
    assert documented(name), f"{name} (read in {env_variables()[name]}) is in no README.md or docs/*.md"


def module_commands() -> list[str]:
    """Every module that runs as `python -m …`: a package's __main__ or a module with a main guard."""
    out = []
    for path in python_files():
        # catalogue/insatskatalog/ is the package insatskatalog (pyproject.toml package-dir)
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removeprefix("catalogue.")
        if path.name == "__main__.py":
            out.append(module.removesuffix(".__main__"))
        elif any(isinstance(n, ast.If) and "__main__" in ast.unparse(n.test) for n in ast.parse(path.read_text()).body):
            out.append(module)
    return sorted(out)


@pytest.mark.parametrize("module", module_commands())
def test_every_module_command_is_documented(module):
    short = module.split(".", 1)[-1]
    assert documented(f"python -m {module}") or (module.startswith("bench.") and documented(f"bench.{short}")), (
        f"`python -m {module}` is in no README.md or docs/*.md"
    )


def catalogue_subcommands() -> list[str]:
    from insatskatalog.cli import _parser

    (sub,) = [a for a in _parser()._actions if a.__class__.__name__ == "_SubParsersAction"]
    return list(sub.choices)


@pytest.mark.parametrize("command", catalogue_subcommands())
def test_every_catalogue_subcommand_is_documented(command):
    assert re.search(rf"python -m insatskatalog (\S+\|)*{command}\b", DOCS), f"python -m insatskatalog {command}"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from web import create_app

    return create_app({"TESTING": True, "STATISTIK_DB": tmp_path_factory.mktemp("docs") / "s.db", "SECRET_KEY": "t"})


def test_every_flask_command_is_documented(app):
    for group_name, group in app.cli.commands.items():
        for name in getattr(group, "commands", {}):
            assert documented(f"personal {name}") if group_name == "personal" else documented(name), (
                f"flask --app web {group_name} {name}"
            )


def test_every_url_rule_is_documented(app):
    rules = sorted({r.rule for r in app.url_map.iter_rules() if r.endpoint != "static"})
    assert len(rules) > 10
    assert [r for r in rules if f"`{r}" not in DOCS] == []


def test_every_intent_is_documented():
    intents = yaml.safe_load((ROOT / "bot" / "domain" / "intents.yml").read_text(encoding="utf-8"))["intents"]
    names = [i if isinstance(i, str) else next(iter(i)) for i in intents]
    assert len(names) > 10
    assert [i for i in names if not documented(i)] == []


def block_after(text: str, heading: str) -> str:
    """The first fenced block after a heading."""
    rest = text[text.index(heading) :]
    return rest.split("```", 2)[1]


def architecture_tree() -> set[str]:
    """The paths the module tree in docs/architecture.md names: two spaces of indent a level, a
    name ending in / is a folder."""
    stack: list[str] = []
    paths = set()
    for line in block_after((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"), "## Modules").splitlines():
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip())) // 2
        name = line.split()[0]
        stack[depth:] = [name.rstrip("/")]
        paths.add("/".join(stack))
    return paths


def test_the_module_tree_names_every_module_and_nothing_else():
    modules = {
        p.relative_to(ROOT).as_posix() for p in python_files() if p.read_text(encoding="utf-8").strip()
    }  # empty __init__.py files need no line
    listed = {p for p in architecture_tree() if p.endswith(".py")}
    assert sorted(modules - listed) == [], "add a line for each to the tree in docs/architecture.md"
    assert sorted(listed - modules) == [], "the tree in docs/architecture.md names modules that are gone"


def test_the_readme_layout_names_every_top_level_folder():
    """README's layout lists the project's folders (not the ignored build output) and every
    folder at the top of the module tree."""
    layout = block_after((ROOT / "README.md").read_text(encoding="utf-8"), "## Layout")
    listed = {line.split()[0].rstrip("/") for line in layout.splitlines() if line and not line[0].isspace()}
    ignored = {line.strip().strip("/") for line in (ROOT / ".gitignore").read_text().splitlines()}
    folders = {p.name for p in ROOT.iterdir() if p.is_dir() and p.name[0] != "." and p.name not in ignored}
    folders -= {p.name for p in ROOT.glob("*.egg-info")}
    assert listed == folders
    assert {p.split("/")[0] for p in architecture_tree()} <= listed
