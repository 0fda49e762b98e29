"""YAML 1.2 text -> plain Python values, keeping the node tree so any value has a FILE:LINE:COL.

Lesson files are small and hand-written, so this reader is strict where YAML is generous:
no anchors or aliases (so no billion-laughs expansion), no custom tags, no duplicate keys,
no `%YAML 1.1` typing. Every problem becomes a `Diagnostic`; nothing here raises on bad input.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

Loc = tuple[str | int, ...]

MAX_DEPTH = 32  # a lesson nests 5 deep at most; deeper input is refused before recursion hurts
_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}


@dataclass(frozen=True)
class Diagnostic:
    """One problem in one file, at a 1-based line and column, in words an author acts on."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}:{self.col}: {prefix}{self.message}"


def plural(n: int, word: str) -> str:
    """`1 value`, `2 values`: messages count things the way a person would."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --------------------------------------------------------------------------- decoding


def decode_utf8(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes -> text; a bad byte is reported at its own line and column, not as a traceback."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        bad = exc.start
        line_start = data.rfind(b"\n", 0, bad) + 1
        line = data.count(b"\n", 0, bad) + 1
        col = len(data[line_start:bad].decode("utf-8", errors="replace")) + 1
        message = f"not UTF-8 text (byte 0x{data[bad]:02x} at offset {bad}): save the file as UTF-8"
        return None, [Diagnostic(path, line, col, message)]


def position_of_index(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character `index` in `text`."""
    index = max(0, min(index, len(text)))
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


# --------------------------------------------------------------------------- composing


class _StrictComposer(Composer):
    """Composes nodes but never follows an alias: each one is noted and replaced by a null.

    Aliases are what make a 'billion laughs' file expand; refusing them at this level means
    nothing later can walk a shared subtree twice.
    """

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.warn_double_anchors = False
        self.aliases: list[Any] = []  # AliasEvents, for their marks and names

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            event = self.parser.get_event()
            self.aliases.append(event)
            return ScalarNode(_TAG + "null", "", event.start_mark, event.end_mark)
        return super().compose_node(parent, index)


def _new_yaml() -> YAML:
    yaml = YAML(typ="rt")  # YAML 1.2 typing: 1e-3 is a float, yes is text
    yaml.Composer = _StrictComposer
    yaml.max_depth = MAX_DEPTH
    return yaml


def _yaml_problem(exc: MarkedYAMLError) -> str:
    """ruamel's parser messages, shortened to what an author needs to fix the file."""
    problem = (exc.problem or exc.context or "").strip()
    context = (exc.context or "").strip()
    opened = f" (opened at line {exc.context_mark.line + 1})" if exc.context_mark is not None else ""
    if "maximum depth" in problem:
        return f"the values are nested too deeply (more than {MAX_DEPTH} levels)"
    if "mapping values are not allowed" in problem:
        return "unexpected ':' here: put text that contains ': ' in quotes, or check the indentation"
    if "'\\t'" in problem:
        return "tab character: YAML indents with spaces only"
    if "single document" in context:
        return "a lesson file holds one YAML document: remove the second '---'"
    if "end of stream" in problem and "quoted" in context:
        return f"quoted text is never closed{opened}"
    if "flow sequence" in context:
        return f"this list is not closed or is missing a ','{opened}"
    if "flow mapping" in context:
        return f"this {{...}} mapping is not closed or is missing a ','{opened}"
    if "expected <block end>" in problem:
        return "bad indentation: this line does not line up with the lines above it"
    if "could not find expected ':'" in problem or "simple key" in problem:
        return "expected 'key: value' here"
    first = problem.splitlines()[0] if problem else "unreadable"
    return f"not valid YAML: {first}"


def _compose(yaml: YAML, text: str, path: str) -> tuple[Node | None, list[Diagnostic]]:
    """Parse to a node tree; a YAML syntax error becomes one diagnostic at its mark."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return yaml.compose(text), []
    except ReaderError as exc:
        line, col = position_of_index(text, exc.position)
        char = exc.character if isinstance(exc.character, int) else 0
        return None, [Diagnostic(path, line, col, f"character U+{char:04X} is not allowed in a YAML file")]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return None, [Diagnostic(path, line, col, _yaml_problem(exc))]
    except (YAMLError, RecursionError) as exc:  # defensive: any other reader failure, in our words
        return None, [Diagnostic(path, 1, 1, f"not valid YAML ({type(exc).__name__})")]


def _directive_problem(yaml: YAML, text: str, path: str) -> list[Diagnostic]:
    """A `%YAML 1.1` line would switch on 1.1 typing (yes -> true, 1e-3 -> text): refuse it."""
    info = yaml.doc_infos[-1] if yaml.doc_infos else None
    version = getattr(info, "doc_version", None)
    if version is None or (version.major, version.minor) == (1, 2):
        return []
    index = max(text.find("%YAML"), 0)
    line, col = position_of_index(text, index)
    message = f"%YAML {version.major}.{version.minor} is not supported: lesson files are YAML 1.2; remove this line"
    return [Diagnostic(path, line, col, message)]


# --------------------------------------------------------------------------- plain values


def yaml_float(text: str) -> float | None:
    """A YAML 1.2 or Python float spelling -> float (maybe inf/nan); None when it is not one."""
    s = text.strip().lower()
    if s in (".inf", "+.inf"):
        return math.inf
    if s == "-.inf":
        return -math.inf
    if s == ".nan":
        return math.nan
    try:
        return float(s)
    except ValueError:
        return None


def _scalar(node: ScalarNode) -> Any:
    """Python value of a scalar by its resolved tag; non-finite floats keep their text.

    Keeping `.nan` or `1e999` as text lets the error message quote what the author wrote.
    """
    tag, text = node.tag, node.value
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return text.strip().lower() == "true"
    if tag == _TAG + "int":
        for base in (0, 10):
            try:
                return int(text.replace("_", ""), base)
            except ValueError:
                pass
        return text
    if tag == _TAG + "float":
        value = yaml_float(text.replace("_", ""))
        return value if value is not None and math.isfinite(value) else text
    return text  # str, timestamps and the like: the author's text


class _Converter:
    """Walks the node tree once, building plain values and collecting source-level problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def error(self, node: Node, message: str) -> None:
        mark = node.start_mark
        self.diagnostics.append(Diagnostic(self.path, mark.line + 1, mark.column + 1, message))

    def value(self, node: Node) -> Any:
        if node.anchor is not None:
            self.error(node, f"anchor &{node.anchor} is not allowed: lesson files use no anchors or aliases")
        if node.ctag is not None and node.ctag.handle is not None and node.tag not in _PLAIN_TAGS:
            self.error(node, f"tag {node.ctag.handle}{node.ctag.suffix} is not allowed in a lesson file")
        if isinstance(node, MappingNode):
            return self.mapping(node)
        if isinstance(node, SequenceNode):
            return [self.value(item) for item in node.value]
        return _scalar(node)

    def mapping(self, node: MappingNode) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.error(key_node, "a key must be a plain name, not a list or a mapping")
                continue
            key = key_node.value
            if key in result:
                self.error(key_node, f'duplicate key "{key}" (first at line {first_line[key]})')
                continue
            first_line[key] = key_node.start_mark.line + 1
            result[key] = self.value(value_node)
        return result


# --------------------------------------------------------------------------- the source


@dataclass
class Source:
    """A parsed document: `data` holds plain values, `root` the nodes they came from."""

    path: str
    root: Node
    data: Any

    def node_at(self, loc: Loc, key: bool = False) -> Node:
        """The node at `loc`, or its nearest ancestor that exists; with key=True, the key node.

        Parts of `loc` that do not apply (such as a validator's union tag) are skipped.
        """
        node = self.root
        for i, part in enumerate(loc):
            last = i == len(loc) - 1
            if isinstance(node, MappingNode) and isinstance(part, str):
                pair = next(((k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == part), None)
                if pair is None:
                    return node
                node = pair[0] if key and last else pair[1]
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
        return node

    def position(self, loc: Loc, key: bool = False) -> tuple[int, int]:
        mark = self.node_at(loc, key).start_mark
        return mark.line + 1, mark.column + 1

    def text_at(self, loc: Loc) -> str | None:
        """What the author typed for the scalar at `loc` (without quotes), if it is a scalar."""
        node = self.node_at(loc)
        return node.value if isinstance(node, ScalarNode) else None

    def positions(self, depth: int = 2) -> dict[str, tuple[int, int]]:
        """1-based (line, col) of every node down to `depth`, keyed `ask[0]`, `network.sizes` ..."""
        found: dict[str, tuple[int, int]] = {}

        def walk(node: Node, name: str, level: int) -> None:
            if name:
                found.setdefault(name, (node.start_mark.line + 1, node.start_mark.column + 1))
            if level == depth:
                return
            if isinstance(node, MappingNode):
                for key, value in node.value:
                    if isinstance(key, ScalarNode):
                        walk(value, f"{name}.{key.value}" if name else key.value, level + 1)
            elif isinstance(node, SequenceNode):
                for i, item in enumerate(node.value):
                    walk(item, f"{name}[{i}]", level + 1)

        walk(self.root, "", 0)
        return found

    def diagnostic(self, loc: Loc, message: str, severity: str = "error", key: bool = False) -> Diagnostic:
        line, col = self.position(loc, key)
        return Diagnostic(self.path, line, col, message, severity)


def read_yaml(text: str, path: str) -> tuple[Source | None, list[Diagnostic]]:
    """Text -> (Source, problems). Source is None when nothing further can be checked."""
    text = text.removeprefix("\ufeff")
    yaml = _new_yaml()
    root, problems = _compose(yaml, text, path)
    if problems:
        return None, problems
    problems = _directive_problem(yaml, text, path)
    if problems:  # the values were typed by other rules: checking them would only confuse
        return None, problems
    if root is None:
        return None, [Diagnostic(path, 1, 1, "the file is empty: a lesson needs at least title, network and samples")]
    if not isinstance(root, MappingNode):
        kind = "a list" if isinstance(root, SequenceNode) else f'the text "{root.value[:40]}"'
        line, col = root.start_mark.line + 1, root.start_mark.column + 1
        message = f"the top level must be a mapping of keys such as title:, network:, samples:, got {kind}"
        return None, [Diagnostic(path, line, col, message)]
    converter = _Converter(path)
    data = converter.mapping(root)
    composer = yaml.composer
    for event in getattr(composer, "aliases", []):
        mark = event.start_mark
        message = f"alias *{event.anchor} is not allowed: lesson files use no anchors or aliases; write the value out"
        problems.append(Diagnostic(path, mark.line + 1, mark.column + 1, message))
    return Source(path, root, data), problems + converter.diagnostics
