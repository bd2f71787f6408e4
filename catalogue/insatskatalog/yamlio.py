"""YAML loading that remembers line numbers, so validation errors can say `file:line: message`."""
from __future__ import annotations

from pathlib import Path

import yaml


class LineDict(dict):
    """A dict that knows on which line it starts and on which line each key stands."""
    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return getattr(self, "key_lines", {}).get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode):
    data = LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1
        data[key] = loader.construct_object(value_node, deep=True)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load(path: Path):
    """Parses a YAML file into LineDicts/lists/scalars. Raises yaml.YAMLError on bad syntax."""
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=_LineLoader)  # safe: _LineLoader is a SafeLoader subclass
