"""A YAML lesson file -> a validated `Lesson`, or every problem in it as FILE:LINE:COL: message.

Three passes, each reporting in the author's words:
1. `yaml_source.read_yaml`: syntax, encoding, duplicate keys, aliases (refused), tags.
2. `LessonFile` (pydantic, `extra="forbid"`): the shape of each key and value. pydantic's error
   `loc` is mapped back to the YAML node; its messages are never shown, only rewritten ones.
3. `_Meaning`: what needs several keys at once: matrix shapes against `sizes`, names,
   limits, costs against activations, selectors against the network.
A valid lesson is then solved once: a value beyond float64 is an error (`finite`), and ReLU
kinks and saturated outputs are warnings.
"""

from __future__ import annotations

import difflib
import hashlib
import math
from collections.abc import Callable, Iterable
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, ValidationError
from pydantic_core import PydanticCustomError

from .activations import ACTIVATIONS
from .costs import COSTS
from .finite import range_errors
from .network import Network, Problem, forward
from .selectors import STEP_KINDS, Selector
from .steps import GradCheck
from .yaml_source import Diagnostic, Loc, Source, decode_utf8, plural, read_yaml, yaml_float

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_LAYERS",
    "MAX_NEURONS",
    "MAX_SAMPLES",
    "MAX_WEIGHTS",
    "Diagnostic",
    "Lesson",
    "LessonError",
    "LessonFile",
    "Sample",
    "draw_parameters",
    "lesson_json_schema",
    "load_lesson",
    "load_lesson_text",
]

# A lesson is worked by hand: these keep every screen and every solve small.
MAX_LAYERS = 10
MAX_NEURONS = 1000  # per layer
MAX_WEIGHTS = 100_000  # in total
MAX_SAMPLES = 100
MAX_FILE_BYTES = 5_000_000
MAX_ERRORS = 50  # past this, one line says how many more there are
MAX_WARNINGS_PER_KIND = 5

FORMAT_VERSION = 1
RELU_ZERO = 1e-12  # |z| at or below this counts as the ReLU kink
SATURATED_A = 1e-9  # a within this of 0 or 1 ...
SATURATED_Z = 30.0  # ... or |z| above this counts as a saturated output
LOG_COSTS = ("cross_entropy", "log_likelihood")
UNIT_INTERVAL_ACTIVATIONS = ("sigmoid", "softmax")
BOOLEAN_WORDS = frozenset({"yes", "no", "on", "off", "true", "false"})
FROM_KINDS = ("bp2_term", "grad_w", "batch_grad_w", "update_w")  # kinds with a `from` index k
BATCH_ONLY_KINDS = ("batch_grad_w", "batch_grad_b")
UPDATE_KINDS = ("update_w", "update_b", "cost_after")


class LessonError(Exception):
    """A lesson that cannot be used; `diagnostics` lists every problem found, sorted by line."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


# =========================================================================== value checks
# Each takes what YAML produced and returns the Python value, or raises a `lesson_value`
# error whose context says what was expected and what kind of thing came instead; the
# message itself is written later, when the author's text and the field name are known.


def _refuse(expected: str, got: str) -> PydanticCustomError:
    return PydanticCustomError("lesson_value", "expected {expected}, got {got}", {"expected": expected, "got": got})


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return "text"


def _number(value: Any) -> float:
    """A finite float. bool is refused first: in Python it is an int, and [yes, no] is no vector."""
    if isinstance(value, bool):
        raise _refuse("a number", "boolean")
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in BOOLEAN_WORDS:
            raise _refuse("a number", "boolean")
        parsed = yaml_float(text)
        if parsed is None:
            raise _refuse("a number", "text")
        value = parsed
    if not isinstance(value, (int, float)):
        raise _refuse("a number", _kind_of(value))
    try:
        result = float(value)
    except OverflowError:
        raise _refuse("a number", "nonfinite") from None
    if not math.isfinite(result):
        raise _refuse("a number", "nonfinite")
    return result


def _whole(value: Any) -> int:
    """An int; 3.0 and "3" are fine, 2.5, true and "abc" are not."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        number = _number(value)
    except PydanticCustomError as exc:
        raise _refuse("a whole number", exc.context["got"]) from None
    if not number.is_integer():
        raise _refuse("a whole number", "fraction")
    return int(number)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _refuse("text", _kind_of(value))
    return value


def _attempt(check: Callable[[Any], Any], value: Any) -> Any:
    """The checked value, or None when pydantic will already report it."""
    try:
        return check(value)
    except PydanticCustomError:
        return None


# Bounds go before the BeforeValidator so that the JSON Schema shows them as minimum/maximum.
Number = Annotated[float, BeforeValidator(_number)]
Whole = Annotated[int, BeforeValidator(_whole)]
Text = Annotated[str, BeforeValidator(_text)]
Index = Annotated[int, Field(ge=1), BeforeValidator(_whole)]  # every index an author writes counts from 1


# =========================================================================== the file schema
# These mirror the YAML keys exactly; `LessonFile.model_json_schema()` documents the format.

# Union tags show up in pydantic's error loc; they start with "<" so they can be dropped.
_ONE_NAME, _NAME_PER_LAYER, _KIND_NAME, _SELECTOR = "<name>", "<names>", "<kind>", "<selector>"


def _list_or_one(value: Any) -> str:
    return _NAME_PER_LAYER if isinstance(value, list) else _ONE_NAME


def _name_or_mapping(value: Any) -> str:
    return _KIND_NAME if isinstance(value, str) else _SELECTOR


class _FileModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InitFile(_FileModel):
    """Weights and biases drawn from numpy.random.default_rng(seed).normal(0, scale)."""

    seed: Annotated[int, Field(ge=0), BeforeValidator(_whole)]
    scale: Annotated[float, Field(gt=0), BeforeValidator(_number)]
    decimals: Annotated[int, Field(ge=0, le=12), BeforeValidator(_whole)] = 2


class NetworkFile(_FileModel):
    sizes: list[Index]
    activation: Annotated[
        Annotated[Text, Tag(_ONE_NAME)] | Annotated[list[Text], Tag(_NAME_PER_LAYER)],
        Discriminator(_list_or_one),
    ]
    weights: list[list[list[Number]]] | None = None
    biases: list[list[Number]] | None = None
    init: InitFile | None = None


class SampleFile(_FileModel):
    x: list[Number]
    y: list[Number]


class SelectorFile(_FileModel):
    kind: Text | None = None
    layer: Index | None = None
    neuron: Index | None = None
    sample: Index | None = None
    from_: Index | None = Field(None, alias="from")


class NoteFile(SelectorFile):
    text: Text


AskItem = Annotated[
    Annotated[Text, Tag(_KIND_NAME)] | Annotated[SelectorFile, Tag(_SELECTOR)],
    Discriminator(_name_or_mapping),
]


class GradCheckFile(_FileModel):
    """One finite-difference check: a weight (layer, neuron, from) or, without from, a bias."""

    layer: Index
    neuron: Index
    from_: Index | None = Field(None, alias="from")
    epsilon: Annotated[float, Field(gt=0), BeforeValidator(_number)] = 1e-3


class ToleranceFile(_FileModel):
    rtol: Annotated[float, Field(ge=0), BeforeValidator(_number)] = 5e-3
    atol: Annotated[float, Field(ge=0), BeforeValidator(_number)] = 1e-6


class LessonFile(_FileModel):
    """The lesson file as written. Cross-field rules live in `_Meaning`, not here."""

    format_version: Whole = FORMAT_VERSION
    title: Annotated[str, Field(min_length=1), BeforeValidator(_text)]
    summary: Text | None = None
    closing: Text | None = None
    network: NetworkFile
    cost: Text = "quadratic"
    samples: list[SampleFile]
    learning_rate: Annotated[float, Field(gt=0), BeforeValidator(_number)] | None = None
    ask: list[AskItem] | None = None
    notes: list[NoteFile] | None = None
    grad_check: list[GradCheckFile] | None = None
    precision: Annotated[int, Field(ge=1, le=12), BeforeValidator(_whole)] = 4
    tolerance: ToleranceFile | None = None


# =========================================================================== the lesson


class Sample(BaseModel):
    model_config = ConfigDict(frozen=True)

    x: tuple[float, ...]
    y: tuple[float, ...]


class Lesson(BaseModel):
    """A checked lesson: every list has the right length and every number is finite."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    path: str
    content_hash: str  # sha256 hex of the file's bytes
    format_version: int = FORMAT_VERSION
    title: str
    summary: str | None = None  # Markdown
    closing: str | None = None  # Markdown shown at the end
    sizes: tuple[int, ...]
    activations: tuple[str, ...]  # one per layer 2..L
    weights: tuple[tuple[tuple[float, ...], ...], ...]  # weights[i] is w^(i+2)
    biases: tuple[tuple[float, ...], ...]
    cost: str = "quadratic"
    samples: tuple[Sample, ...]
    learning_rate: float | None = None  # None: the lesson stops before the update step
    ask: tuple[Selector, ...] | None = None  # None: ask every step
    notes: tuple[tuple[Selector, str], ...] = ()
    grad_checks: tuple[GradCheck, ...] = ()  # from `grad_check:`
    precision: int = 4
    rtol: float = 5e-3
    atol: float = 1e-6
    positions: dict[str, tuple[int, int]] = Field(default_factory=dict, repr=False)  # "ask[0]" -> (line, col)

    def __hash__(self) -> int:  # the same file gives the same lesson; a dict field is unhashable
        return hash((self.path, self.content_hash))

    def network(self) -> Network:
        return Network.build(self.sizes, self.activations, self.weights, self.biases)

    def problem(self) -> Problem:
        xs = [s.x for s in self.samples]
        ys = [s.y for s in self.samples]
        return Problem.build(self.network(), self.cost, xs, ys, self.learning_rate)


# =========================================================================== loading


def load_lesson(path: str | Path) -> tuple[Lesson, list[Diagnostic]]:
    """Read and check a lesson file: (lesson, warnings), or LessonError with every error."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise LessonError([Diagnostic(name, 1, 1, f"cannot read the file ({exc.strerror or type(exc).__name__})")]) from None
    if len(data) > MAX_FILE_BYTES:
        raise LessonError([Diagnostic(name, 1, 1, _too_big(len(data)))])
    text, problems = decode_utf8(data, name)
    if text is None:
        raise LessonError(problems)
    return _load(text, name, hashlib.sha256(data).hexdigest())


def load_lesson_text(text: str, path: str = "<string>") -> tuple[Lesson, list[Diagnostic]]:
    """Check lesson text as if it were the file `path` (whose hash is that of its UTF-8 bytes)."""
    data = text.encode("utf-8", errors="surrogatepass")
    if len(data) > MAX_FILE_BYTES:
        raise LessonError([Diagnostic(path, 1, 1, _too_big(len(data)))])
    return _load(text, path, hashlib.sha256(data).hexdigest())


def _too_big(size: int) -> str:
    return f"the file has {size:,} bytes; a lesson file may have at most {MAX_FILE_BYTES:,}"


def _load(text: str, path: str, digest: str) -> tuple[Lesson, list[Diagnostic]]:
    source, source_problems = read_yaml(text, path)
    if source is None:
        raise LessonError(_sorted(source_problems))
    parsed, schema_problems = _check_schema(source)
    later = schema_problems + _Meaning(source).run()
    # a refused alias reads as null: do not add "got nothing" on top of it
    taken = {(d.line, d.col) for d in source_problems}
    errors = _sorted(source_problems + [d for d in later if (d.line, d.col) not in taken])
    if errors or parsed is None:
        raise LessonError(errors)
    lesson = _build(parsed, path, digest, source.positions())
    overflow = range_errors(lesson.problem(), source)
    if overflow:
        raise LessonError(overflow)
    return lesson, _warnings(lesson, source)


def _sorted(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """By line and column, without repeats, capped at MAX_ERRORS plus one line saying so."""
    unique = sorted(dict.fromkeys(diagnostics), key=lambda d: (d.line, d.col))
    if len(unique) <= MAX_ERRORS:
        return unique
    rest = unique[MAX_ERRORS]
    more = f"... and {len(unique) - MAX_ERRORS} more problems; fix the ones above first"
    return unique[:MAX_ERRORS] + [Diagnostic(rest.path, rest.line, rest.col, more)]


# =========================================================================== pass 2: schema


def _check_schema(source: Source) -> tuple[LessonFile | None, list[Diagnostic]]:
    try:
        return LessonFile.model_validate(source.data), []
    except ValidationError as exc:
        found = []
        for error in exc.errors(include_url=False):
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("<")))
            found.append(_rewrite(source, error["type"], loc, error.get("ctx") or {}, error["input"]))
        return None, found


def field_name(loc: Loc) -> str:
    """How a message names a field: `samples[1].y[0]`, or `layer 3: weights row 2, column 1`."""
    if len(loc) >= 3 and loc[0] == "network" and loc[1] in ("weights", "biases") and isinstance(loc[2], int):
        rest = [p + 1 for p in loc[3:] if isinstance(p, int)]
        if loc[1] == "biases":
            where = "biases" + (f" value {rest[0]}" if rest else "")
        else:
            where = "weights" + (f" row {rest[0]}" if rest else "") + (f", column {rest[1]}" if len(rest) > 1 else "")
        return f"layer {loc[2] + 2}: {where}"
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _join(name: str, problem: str) -> str:
    return f"{name}: {problem}" if name else problem


def _shown(source: Source, loc: Loc, value: Any) -> str:
    """The value as the author typed it, where it is a single scalar."""
    text = source.text_at(loc)
    if text is not None and not isinstance(value, (list, dict)):
        return text
    return str(value)


def _described(source: Source, loc: Loc, value: Any) -> str:
    """`number 3`, `text "abc"`, `a list` ... for messages of the form `expected X, got Y`."""
    kind = _kind_of(value)
    shown = _shown(source, loc, value)
    return {
        "nothing": "nothing",
        "boolean": f"boolean {shown}",
        "number": f"number {shown}",
        "list": "a list",
        "mapping": "a mapping",
    }.get(kind, f'text "{shown}"')


_BOUNDS = {
    "greater_than": ("greater than", "gt"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "less_than_equal": ("at most", "le"),
}


def _rewrite(source: Source, kind: str, loc: Loc, ctx: dict, value: Any) -> Diagnostic:
    """One pydantic error -> one Diagnostic in our words, at the node it is about."""
    name = field_name(loc)
    if kind in _BOUNDS:
        words, key = _BOUNDS[kind]
        return source.diagnostic(loc, f"{name} must be {words} {ctx[key]:g}, got {_shown(source, loc, value)}")
    if kind == "string_too_short":
        return source.diagnostic(loc, f"{name} must not be empty")
    if kind == "extra_forbidden":
        parent = field_name(loc[:-1])
        message = _join(parent, _unknown("key", str(loc[-1]), _keys_at(loc[:-1])))
        return source.diagnostic(loc, message, key=True)
    if kind == "missing":
        return source.diagnostic(loc[:-1], _join(field_name(loc[:-1]), f'missing required key "{loc[-1]}"'))
    return source.diagnostic(loc, _join(name, _problem(source, kind, loc, ctx, value)))


def _problem(source: Source, kind: str, loc: Loc, ctx: dict, value: Any) -> str:
    shown = _shown(source, loc, value)
    if kind == "lesson_value":
        return _value_problem(ctx["expected"], ctx["got"], shown, _described(source, loc, value))
    if kind in ("list_type", "tuple_type"):
        hint = f" (write [{shown}] for a list of one)" if _kind_of(value) in ("number", "text") else ""
        if loc[:2] == ("network", "weights") and len(loc) == 4:
            hint = " (each matrix is a list of rows, such as [[0.1, 0.2]], inside the list of matrices)"
        return f"expected a list, got {_described(source, loc, value)}{hint}"
    if kind in ("model_type", "model_attributes_type", "dict_type", "dataclass_type"):
        return f"expected a mapping (key: value), got {_described(source, loc, value)}"
    return f"this value is not allowed here ({_described(source, loc, value)})"


def _value_problem(expected: str, got: str, shown: str, described: str) -> str:
    if got == "boolean":
        fix = {"a number": "write 1 or 0 (quoting it makes text, not a number)", "text": "put it in quotes"}.get(expected, "write a number")
        return f"expected {expected}, got boolean {shown} - {fix}"
    if got == "nonfinite":
        return f"{shown} is not a finite number"
    if got == "fraction":
        return f"expected a whole number, got {shown}"
    if got == "number" and expected == "text":
        return f"expected text, got number {shown} - put it in quotes"
    return f"expected {expected}, got {described}"


def _unknown(what: str, name: str, choices: Iterable[str]) -> str:
    """`unknown cost "x" (did you mean "y"?)`, or the list of choices when nothing is close."""
    choices = list(choices)
    close = difflib.get_close_matches(name, choices, n=1) or difflib.get_close_matches(
        name.lower().replace("-", "_").replace(" ", "_"), choices, n=1
    )
    if close:
        return f'unknown {what} "{name}" (did you mean "{close[0]}"?)'
    return f'unknown {what} "{name}" (expected one of: {", ".join(choices)})'


def _keys_at(loc: Loc) -> list[str]:
    """The keys allowed in the mapping at `loc`, read off the file models."""
    model: type[BaseModel] = LessonFile
    for part in loc:
        if isinstance(part, str) and part in _field_names(model):
            field = next(f for n, f in model.model_fields.items() if (f.alias or n) == part)
            model = _model_in(field.annotation) or model
    return _field_names(model)


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The first file model inside a type such as `list[SampleFile] | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) + getattr(annotation, "__metadata__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


# =========================================================================== pass 3: meaning


def _layers(L: int) -> str:
    """`layer 2` or `layers 2..4`: the layers that have weights, biases and an activation."""
    return "layer 2" if L == 2 else f"layers 2..{L}"


def _each_layer(L: int) -> str:
    return "layer 2" if L == 2 else f"each layer 2..{L}"



class _Meaning:
    """Checks across keys, on the plain data; anything of the wrong type is left to pass 2."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.found: list[Diagnostic] = []

    def error(self, loc: Loc, message: str, key: bool = False) -> None:
        self.found.append(self.source.diagnostic(loc, message, key=key))

    def run(self) -> list[Diagnostic]:
        data = self.source.data
        self.format_version(data.get("format_version", FORMAT_VERSION))
        net = data.get("network")
        sizes = activations = None
        if isinstance(net, dict):
            sizes = self.sizes(net.get("sizes"))
            activations = self.activations(net.get("activation"), sizes)
            self.parameters(net, sizes)
        samples = data.get("samples")
        count = self.samples(samples, sizes)
        self.cost(data.get("cost", "quadratic"), activations, samples)
        for key in ("ask", "notes"):
            self.selectors(key, data.get(key), sizes, count)
        self.grad_checks(data.get("grad_check"), sizes)
        return self.found

    # ---- top level

    def format_version(self, raw: Any) -> None:
        version = _attempt(_whole, raw)
        if version is not None and version != FORMAT_VERSION:
            self.error(("format_version",), f"format_version {version} is not supported: this bptutor reads format_version {FORMAT_VERSION}")

    # ---- network

    def sizes(self, raw: Any) -> list[int] | None:
        """The layer sizes when they are usable for shape checks (right types, within limits)."""
        if not isinstance(raw, list):
            return None
        sizes = [_attempt(_whole, n) for n in raw]
        if any(n is None or n < 1 for n in sizes):
            return None
        loc: Loc = ("network", "sizes")
        if len(sizes) < 2:
            self.error(loc, f"network.sizes needs at least 2 layers (inputs and outputs), got {len(sizes)}")
            return None
        usable = True
        if len(sizes) > MAX_LAYERS:
            self.error(loc, f"network.sizes has {len(sizes)} layers; a lesson network has at most {MAX_LAYERS}")
            usable = False
        for i, n in enumerate(sizes):
            if n > MAX_NEURONS:
                self.error(loc + (i,), f"layer {i + 1} has {n:,} neurons; a lesson network has at most {MAX_NEURONS:,} per layer")
                usable = False
        total = sum(a * b for a, b in pairwise(sizes))
        if total > MAX_WEIGHTS:
            self.error(loc, f"this network has {total:,} weights; a lesson network has at most {MAX_WEIGHTS:,}")
            usable = False
        return sizes if usable else None

    def activations(self, raw: Any, sizes: list[int] | None) -> list[tuple[str, Loc]] | None:
        """(name, where it is written) for layers 2..L, when every name is known."""
        loc: Loc = ("network", "activation")
        if isinstance(raw, str):
            written = [(raw, loc)]
        elif isinstance(raw, list) and all(isinstance(a, str) for a in raw):
            written = [(a, loc + (i,)) for i, a in enumerate(raw)]
        else:
            return None
        known = True
        for name, where in written:
            if name not in ACTIVATIONS:
                self.error(where, _unknown("activation", name, ACTIVATIONS))
                known = False
        if sizes is None:
            return None
        L = len(sizes)
        if isinstance(raw, list) and len(raw) != L - 1:
            self.error(
                loc,
                f"network.activation has {plural(len(raw), 'name')}; {_layers(L)} need{'s' if L == 2 else ''} {L - 1} "
                "(or write one name for all of them)",
            )
            return None
        per_layer = written * (L - 1) if isinstance(raw, str) else written
        self.softmax_only_at_output(per_layer, isinstance(raw, str))
        return per_layer if known else None

    def softmax_only_at_output(self, per_layer: list[tuple[str, Loc]], one_name: bool) -> None:
        L = len(per_layer) + 1
        for layer, (name, where) in enumerate(per_layer[:-1], start=2):
            if name != "softmax":
                continue
            if one_name:
                self.error(where, f"softmax can only be the output layer's activation, but one name applies to every layer 2..{L}: write a list such as [sigmoid, softmax]")
                return
            self.error(where, f"softmax can only be used in the output layer (layer {L}), not in layer {layer}: use sigmoid, tanh, relu or linear there")

    def parameters(self, net: dict, sizes: list[int] | None) -> None:
        """Either weights and biases, or init to draw them; then their shapes."""
        if "init" in net:
            for key in ("weights", "biases"):
                if key in net:
                    self.error(("network", key), f"network.{key} is given together with network.init, which draws it: keep one of the two", key=True)
            return
        for key in ("weights", "biases"):
            if key not in net:
                self.error(("network",), f'network: missing required key "{key}" (or give init: {{seed, scale}} to draw weights and biases)')
            elif net[key] is None:
                self.error(("network", key), f"network.{key} has no value", key=True)
        if sizes is not None:
            self.weights(net.get("weights"), sizes)
            self.biases(net.get("biases"), sizes)

    def weights(self, raw: Any, sizes: list[int]) -> None:
        if not isinstance(raw, list):
            return
        L = len(sizes)
        if len(raw) != L - 1:
            wanted = "1 matrix" if L == 2 else f"{L - 1} matrices"
            self.error(("network", "weights"), f"network.weights must have {wanted} (one for {_each_layer(L)}), got {len(raw)}")
        for i, matrix in enumerate(raw[: L - 1]):
            self.matrix(matrix, i + 2, sizes[i + 1], sizes[i])

    def matrix(self, matrix: Any, layer: int, rows: int, cols: int) -> None:
        """w^layer is rows x cols: one row per neuron of `layer`, one column per neuron feeding it."""
        if not isinstance(matrix, list) or not all(isinstance(row, list) for row in matrix):
            return
        loc: Loc = ("network", "weights", layer - 2)
        lengths = [len(row) for row in matrix]
        if len(set(lengths)) <= 1:
            got = (len(matrix), lengths[0] if lengths else 0)
            if got != (rows, cols):
                self.error(
                    loc,
                    f"layer {layer}: weights must be {rows}x{cols} (rows = neurons in layer {layer}, "
                    f"columns = neurons in layer {layer - 1}), got {got[0]}x{got[1]}",
                )
            return
        for r, n in enumerate(lengths):
            if n != cols:
                self.error(loc + (r,), f"layer {layer}: weights row {r + 1} has {plural(n, 'value')}, expected {cols}")
        if len(matrix) != rows:
            self.error(loc, f"layer {layer}: weights must have {plural(rows, 'row')} (one per neuron in layer {layer}), got {len(matrix)}")

    def biases(self, raw: Any, sizes: list[int]) -> None:
        if not isinstance(raw, list):
            return
        L = len(sizes)
        if len(raw) != L - 1:
            wanted = "1 vector" if L == 2 else f"{L - 1} vectors"
            self.error(("network", "biases"), f"network.biases must have {wanted} (one for {_each_layer(L)}), got {len(raw)}")
        for i, vector in enumerate(raw[: L - 1]):
            n = sizes[i + 1]
            if isinstance(vector, list) and len(vector) != n:
                self.error(("network", "biases", i), f"layer {i + 2}: biases must have {plural(n, 'value')}, got {len(vector)}")

    # ---- samples and cost

    def samples(self, raw: Any, sizes: list[int] | None) -> int | None:
        """The number of samples, after checking each x and y against n_1 and n_L."""
        if not isinstance(raw, list):
            return None
        if not raw:
            self.error(("samples",), "samples is empty: give at least one {x: [...], y: [...]}")
        if len(raw) > MAX_SAMPLES:
            self.error(("samples",), f"the lesson has {len(raw)} samples; a lesson has at most {MAX_SAMPLES}")
        if sizes is not None:
            L = len(sizes)
            for s, sample in enumerate(raw):
                for key, layer in (("x", 1), ("y", L)):
                    values = sample.get(key) if isinstance(sample, dict) else None
                    n = sizes[layer - 1]
                    if isinstance(values, list) and len(values) != n:
                        self.error(("samples", s, key), f"samples[{s}].{key} must have {plural(n, 'value')} (n_{layer} = {n}), got {len(values)}")
        return len(raw)

    def cost(self, name: Any, activations: list[tuple[str, Loc]] | None, samples: Any) -> None:
        """A log cost needs outputs strictly inside (0, 1) and targets inside [0, 1]."""
        if not isinstance(name, str):
            return
        if name not in COSTS:
            self.error(("cost",), _unknown("cost", name, COSTS))
            return
        if name not in LOG_COSTS:
            return
        if activations:
            output, where = activations[-1]
            if output not in UNIT_INTERVAL_ACTIVATIONS:
                L = len(activations) + 1
                self.error(where, f"cost {name} needs outputs in (0, 1): use sigmoid or softmax in layer {L}, not {output}")
        for s, sample in enumerate(samples if isinstance(samples, list) else []):
            targets = sample.get("y") if isinstance(sample, dict) else None
            for j, value in enumerate(targets if isinstance(targets, list) else []):
                y = _attempt(_number, value)
                if y is not None and not 0.0 <= y <= 1.0:
                    shown = self.source.text_at(("samples", s, "y", j)) or str(value)
                    self.error(("samples", s, "y", j), f"samples[{s}].y[{j}]: cost {name} needs targets between 0 and 1, got {shown}")

    # ---- ask and notes

    def selectors(self, key: str, raw: Any, sizes: list[int] | None, count: int | None) -> None:
        if not isinstance(raw, list):
            return
        for i, item in enumerate(raw):
            if isinstance(item, str) and key == "ask":
                self.kind((key, i), item)
            elif isinstance(item, dict):
                kind = item.get("kind")
                if isinstance(kind, str) and not self.kind((key, i, "kind"), kind):
                    kind = None
                if sizes is not None:
                    self.indices((key, i), item, kind if isinstance(kind, str) else None, sizes, count)

    def grad_checks(self, raw: Any, sizes: list[int] | None) -> None:
        """Each check names a weight (layer, neuron, from) or a bias (no from) that exists."""
        if not isinstance(raw, list) or sizes is None:
            return
        for i, item in enumerate(raw):
            if not isinstance(item, dict):
                continue
            loc: Loc = ("grad_check", i)
            layer = self.layer(loc, _attempt(_whole, item.get("layer")), None, sizes)
            if layer is None:
                continue
            for key, in_layer in (("neuron", layer), ("from", layer - 1)):
                index = _attempt(_whole, item.get(key))
                if index is not None and index >= 1:
                    self.neuron(loc + (key,), key, index, in_layer, sizes)

    def kind(self, loc: Loc, name: str) -> bool:
        if name in STEP_KINDS:
            return True
        self.error(loc, _unknown("step kind", name, STEP_KINDS))
        return False

    def indices(self, loc: Loc, item: dict, kind: str | None, sizes: list[int], count: int | None) -> None:
        """layer, neuron, from and sample must name things this lesson has."""
        layer = self.layer(loc, _attempt(_whole, item.get("layer")), kind, sizes)
        neuron = _attempt(_whole, item.get("neuron"))
        if neuron is not None and neuron >= 1:
            in_layer = layer or (len(sizes) if kind == "dC_da" else None)
            self.neuron(loc + ("neuron",), "neuron", neuron, in_layer, sizes)
        k = _attempt(_whole, item.get("from"))
        if k is not None and k >= 1:
            if kind is not None and kind not in FROM_KINDS:
                self.error(loc + ("from",), f"{kind} steps have no 'from' index (only {', '.join(FROM_KINDS)} do)")
            else:
                from_layer = None if layer is None or kind is None else layer + 1 if kind == "bp2_term" else layer - 1
                self.neuron(loc + ("from",), "from", k, from_layer, sizes)
        sample = _attempt(_whole, item.get("sample"))
        if sample is not None and count is not None and sample > count:
            self.error(loc + ("sample",), f"sample {sample} does not exist: the lesson has {plural(count, 'sample')}")

    def layer(self, loc: Loc, layer: int | None, kind: str | None, sizes: list[int]) -> int | None:
        """The layer, when it exists and has steps of this kind; else None (after an error)."""
        if layer is None or layer < 1:
            return None
        L = len(sizes)
        first, last = (L, L) if kind == "dC_da" else (2, L - 1) if kind in ("bp2_term", "bp2_sum") else (2, L)
        where = loc + ("layer",)
        if layer > L:
            self.error(where, f"layer {layer} does not exist: the network has layers 1..{L}")
        elif layer == 1:
            self.error(where, "layer 1 is the input layer: steps start at layer 2")
        elif first > last:
            self.error(where, f"a network with {L} layers has no {kind} steps (they need a hidden layer)")
        elif not first <= layer <= last:
            span = f"layer {first}" if first == last else f"layers {first}..{last}"
            self.error(where, f"{kind} steps exist only in {span}, not in layer {layer}")
        else:
            return layer
        return None

    def neuron(self, loc: Loc, label: str, index: int, layer: int | None, sizes: list[int]) -> None:
        if layer is not None and 1 <= layer <= len(sizes):
            n = sizes[layer - 1]
            if index > n:
                self.error(loc, f"{label} {index} does not exist: layer {layer} has {plural(n, 'neuron')}")
            return
        largest = max(sizes)
        if index > largest:
            self.error(loc, f"{label} {index} does not exist: no layer has more than {plural(largest, 'neuron')}")


# =========================================================================== building


def _build(f: LessonFile, path: str, digest: str, positions: dict[str, tuple[int, int]]) -> Lesson:
    net = f.network
    sizes = tuple(net.sizes)
    activations = (net.activation,) * (len(sizes) - 1) if isinstance(net.activation, str) else tuple(net.activation)
    if net.init is not None:
        weights, biases = draw_parameters(sizes, net.init.seed, net.init.scale, net.init.decimals)
    else:
        weights, biases = net.weights, net.biases
    tolerance = f.tolerance or ToleranceFile()
    return Lesson(
        path=path,
        content_hash=digest,
        format_version=f.format_version,
        title=f.title,
        summary=f.summary,
        closing=f.closing,
        sizes=sizes,
        activations=activations,
        weights=_tuples(weights),
        biases=_tuples(biases),
        cost=f.cost,
        samples=tuple(Sample(x=tuple(s.x), y=tuple(s.y)) for s in f.samples),
        learning_rate=f.learning_rate,
        ask=None if f.ask is None else tuple(_selector(a) for a in f.ask),
        notes=tuple((_selector(n), n.text) for n in f.notes or ()),
        grad_checks=tuple(GradCheck(c.layer, c.neuron, c.from_, c.epsilon) for c in f.grad_check or ()),
        precision=f.precision,
        rtol=tolerance.rtol,
        atol=tolerance.atol,
        positions=positions,
    )


def _tuples(nested: Any) -> Any:
    return tuple(_tuples(v) for v in nested) if isinstance(nested, (list, tuple)) else float(nested)


def _selector(item: str | SelectorFile) -> Selector:
    if isinstance(item, str):
        return Selector(kind=item)
    return Selector(kind=item.kind, layer=item.layer, neuron=item.neuron, sample=item.sample, from_=item.from_)


def draw_parameters(sizes: Iterable[int], seed: int, scale: float, decimals: int = 2) -> tuple[list, list]:
    """`init:`: weights layer by layer, then biases, from one seeded generator, rounded.

    The same file gives the same numbers every time, so a drawn lesson is as fixed as a
    written one (numpy's Generator streams are stable across releases in practice).
    """
    sizes = list(sizes)
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0.0, scale, size=(n_out, n_in)) for n_in, n_out in pairwise(sizes)]
    biases = [rng.normal(0.0, scale, size=n_out) for n_out in sizes[1:]]

    def tidy(a: np.ndarray) -> list:
        return (np.round(a, decimals) + 0.0).tolist()  # + 0.0 turns -0.0 into 0.0

    return [tidy(w) for w in weights], [tidy(b) for b in biases]


# =========================================================================== warnings


def _warnings(lesson: Lesson, source: Source) -> list[Diagnostic]:
    """Things that are allowed but that an author should know about."""
    found = _forward_warnings(lesson, source) + _selector_warnings(lesson, source)
    return sorted(found, key=lambda d: (d.line, d.col))


def _forward_warnings(lesson: Lesson, source: Source) -> list[Diagnostic]:
    net = lesson.network()
    trace = forward(net, np.array([s.x for s in lesson.samples], dtype=float))
    kinks, saturated = [], []
    for layer in range(2, net.L + 1):
        if net.act(layer).name == "relu":
            z = trace.z[layer - 2]
            for s, j in np.argwhere(np.abs(z) <= RELU_ZERO):
                message = f"ReLU z^{layer}_{j + 1} is exactly 0 in sample {s + 1}; this course uses relu'(0) = 0"
                kinks.append(source.diagnostic(("samples", int(s)), message, "warning"))
    L, output = net.L, net.act(net.L)
    if output.name in UNIT_INTERVAL_ACTIVATIONS:
        z, a = trace.z[-1], trace.a[-1]
        flat = (a <= SATURATED_A) | (a >= 1.0 - SATURATED_A)
        if output.name == "sigmoid":  # softmax is shift-invariant: a large z alone says nothing
            flat |= np.abs(z) > SATURATED_Z
        for s, j in np.argwhere(flat):
            message = (
                f"{output.name} output a^{L}_{j + 1} = {a[s, j]:.6g} is saturated in sample {s + 1} "
                f"(z^{L}_{j + 1} = {z[s, j]:.6g}): its slope there is almost 0"
            )
            saturated.append(source.diagnostic(("samples", int(s)), message, "warning"))
    return _capped(kinks, "ReLU pre-activations are exactly 0") + _capped(saturated, "outputs are saturated")


def _capped(warnings: list[Diagnostic], what: str) -> list[Diagnostic]:
    if len(warnings) <= MAX_WARNINGS_PER_KIND:
        return warnings
    last = warnings[MAX_WARNINGS_PER_KIND]
    more = Diagnostic(last.path, last.line, last.col, f"... and {len(warnings) - MAX_WARNINGS_PER_KIND} more {what}", "warning")
    return warnings[:MAX_WARNINGS_PER_KIND] + [more]


def _selector_warnings(lesson: Lesson, source: Source) -> list[Diagnostic]:
    """Selectors that are valid but can match no step of this lesson."""
    found = []
    for key, selectors in (("ask", lesson.ask or ()), ("notes", [s for s, _ in lesson.notes])):
        for i, selector in enumerate(selectors):
            if selector.kind in BATCH_ONLY_KINDS and len(lesson.samples) < 2:
                message = f"{key}[{i}]: {selector.kind} steps exist only with two or more samples; this lesson has one"
                found.append(source.diagnostic((key, i), message, "warning"))
            if selector.kind in UPDATE_KINDS and lesson.learning_rate is None:
                message = f"{key}[{i}]: {selector.kind} needs a learning_rate; without one the lesson stops before the update"
                found.append(source.diagnostic((key, i), message, "warning"))
    return found


def lesson_json_schema() -> dict[str, Any]:
    """The JSON Schema of a lesson file, for editors (`bptutor schema`)."""
    schema = LessonFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "bptutor lesson"
    return schema
