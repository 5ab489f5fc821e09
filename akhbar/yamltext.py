"""Read a YAML mapping while keeping the line of every key, for `path:line` messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from .i18n import _
from .problems import Problems


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text: we parse them ourselves, with editor-friendly errors."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_FastLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):  # type: ignore[misc,name-defined]
        """The same rules, parsed by libyaml: several times faster on thousands of front matters."""

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    _FastLoader = _CLoader

FAST_MAX_CHARS = 20_000  # libyaml's composer recurses in C: only small, shallow texts go to it


def _compose(text: str) -> Any:
    """The YAML node tree of `text`. Well-formed, small front matter is read by libyaml; anything
    else (and any error, so that messages and lines stay the same) by PyYAML's own parser."""
    if (_FastLoader is not None and len(text) < FAST_MAX_CHARS
            and text.count("[") + text.count("{") < 50):
        try:
            return yaml.compose(text, Loader=_FastLoader)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=_Loader)


@dataclass(frozen=True)
class Entry:
    value: Any
    line: int
    item_lines: tuple[int, ...] = ()  # for a list: the line of each item, in order

    def item_line(self, index: int) -> int:
        """The line of the list's item `index` (the key's line for anything but a list)."""
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def load_mapping(
    text: str, path: str, first_line: int, problems: Problems, what: str
) -> dict[str, Entry] | None:
    """Parse `text` as a YAML mapping; report problems at real file lines (1-based)."""
    try:
        node = _compose(text)
    except yaml.YAMLError as exc:
        context_mark = getattr(exc, "context_mark", None)
        mark = getattr(exc, "problem_mark", None) or context_mark
        context = getattr(exc, "context", None) or ""
        if context_mark and ("quoted" in context or "flow" in context):
            mark = context_mark  # an unclosed quote or bracket: blame the line that opened it
        line = first_line + (mark.line if mark else 0)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.error(path, line, _("{what} is not valid YAML: {reason}").format(what=what, reason=reason),
                       _("check the indentation and quote values that contain ':' or '#'"))
        return None
    except RecursionError:
        problems.error(path, first_line, _("{what} is nested too deeply to read").format(what=what),
                       _("a value such as [[[…]]] opens more brackets than any article needs"))
        return None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        problems.error(path, first_line + node.start_mark.line,
                       _("{what} must be 'key: value' lines, not a list or plain text").format(what=what),
                       _("write one key per line, such as title: …, without a leading '-'"))
        return None
    out: dict[str, Entry] = {}
    loader = _Loader("")
    for key_node, value_node in node.value:
        line = first_line + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode):
            problems.error(path, line, _("{what} has a key that is not plain text").format(what=what))
            continue
        key = str(key_node.value)
        if key in out:
            problems.error(path, line, _("'{key}' is given twice in {what}").format(key=key, what=what),
                           _("first given on line {line}").format(line=out[key].line))
            continue
        try:
            value = loader.construct_object(value_node, deep=True)
        except yaml.YAMLError as exc:
            reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            problems.error(path, line, _("'{key}' could not be read: {reason}").format(key=key, reason=reason),
                           _("write it as plain text, a list or key: value lines, without YAML tags or aliases"))
            continue
        except RecursionError:
            problems.error(path, line, _("'{key}' is nested too deeply to read").format(key=key))
            continue
        items = ()
        if isinstance(value_node, yaml.SequenceNode):
            items = tuple(first_line + item.start_mark.line for item in value_node.value)
        out[key] = Entry(value, line, items)
    loader.dispose()
    return out
