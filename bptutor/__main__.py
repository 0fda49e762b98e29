"""The `bptutor` command: open the tutor, or check and solve lesson files for authors.

Exit codes: 0 success, 2 bad input (an invalid lesson, a bad argument), 1 only for a bug.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__

COMMANDS = ("check", "solve", "new", "schema", "docs")

USAGE = """\
bptutor [LESSON.yaml | DIR]        open the tutor (no argument: pick a bundled lesson)
bptutor check LESSON.yaml|DIR...   validate lessons; errors as FILE:LINE:COL: message
bptutor solve LESSON.yaml --json   the worked solution as JSON (see: bptutor docs format)
bptutor solve LESSON.yaml --markdown   the worked solution as Markdown derivation notes
bptutor new NAME                   write a commented template lesson NAME.yaml
bptutor schema                     print the JSON Schema of the lesson format
bptutor docs [format|authoring]    print the lesson format reference or the authoring guide"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bptutor", usage=USAGE, description="Learn backpropagation by doing it, term by term.")
    p.add_argument("--version", action="version", version=f"bptutor {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    c = sub.add_parser("check", prog="bptutor check", help="validate lesson files", usage="bptutor check LESSON.yaml...")
    c.add_argument("files", nargs="+", type=Path, metavar="LESSON")
    s = sub.add_parser("solve", prog="bptutor solve", help="print the worked solution of a lesson", usage="bptutor solve LESSON.yaml [--json | --markdown]")
    s.add_argument("file", type=Path, metavar="LESSON")
    fmt = s.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="the JSON object of docs/lesson-format.md (default)")
    fmt.add_argument("--markdown", action="store_true", help="Markdown with $...$ LaTeX, one step after another")
    n = sub.add_parser("new", prog="bptutor new", help="write a commented template lesson", usage="bptutor new NAME")
    n.add_argument("name", help="file name, .yaml added when missing")
    sub.add_parser("schema", prog="bptutor schema", help="print the JSON Schema of the lesson format", usage="bptutor schema")
    d = sub.add_parser("docs", prog="bptutor docs", help="print a bundled document", usage="bptutor docs [format|authoring]")
    d.add_argument("which", nargs="?", choices=("format", "authoring"), default="format")
    return p


def _open_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bptutor", usage=USAGE, description="Learn backpropagation by doing it, term by term.")
    p.add_argument("--version", action="version", version=f"bptutor {__version__}")
    p.add_argument("target", nargs="?", type=Path, help="a lesson file or a folder of lessons")
    return p


def _load(path: Path):
    """(lesson, warnings) or None after printing the errors."""
    from .core.lesson import LessonError, load_lesson

    try:
        return load_lesson(path)
    except LessonError as exc:
        for d in exc.diagnostics:
            print(d, file=sys.stderr)
        return None


def cmd_check(files: list[Path]) -> int:
    from .core.lint import lint

    bad = False
    for path in _expand(files):
        if path.is_dir():
            print(f"{path}: no lesson files (*.yaml, *.yml) in this folder", file=sys.stderr)
            bad = True
            continue
        loaded = _load(path)
        if loaded is None:
            bad = True
            continue
        lesson, warnings = loaded
        seen = {(w.line, w.col) for w in warnings}  # the loader already explained that spot
        for w in [*warnings, *(w for w in lint(lesson) if (w.line, w.col) not in seen)]:
            print(w, file=sys.stderr)
        print(f"{path}: ok")
    return 2 if bad else 0


def _expand(paths: list[Path]) -> list[Path]:
    """A folder stands for the lesson files in it, as `bptutor DIR` lists them."""
    out: list[Path] = []
    for path in paths:
        found = sorted(p for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml") and p.is_file()) if path.is_dir() else []
        out += found or [path]
    return out


def cmd_solve(path: Path, markdown: bool) -> int:
    from .core.export import solution_json, solution_markdown
    from .core.steps import StepList

    loaded = _load(path)
    if loaded is None:
        return 2
    lesson, warnings = loaded
    for w in warnings:
        print(w, file=sys.stderr)
    steps = StepList.of_lesson(lesson)
    if markdown:
        sys.stdout.write(solution_markdown(lesson.title, steps, lesson.summary))
    else:
        json.dump(solution_json(lesson.title, steps), sys.stdout, allow_nan=False)
        sys.stdout.write("\n")
    return 0


def cmd_new(name: str) -> int:
    from .core.template import write_template

    try:
        path = write_template(Path(name))
    except FileExistsError as exc:
        print(f"bptutor new: {exc.filename} exists already; choose another name", file=sys.stderr)
        return 2
    print(f"wrote {path}; check it with: bptutor check {path}")
    return 0


def cmd_schema() -> int:
    from .core.lesson import lesson_json_schema

    json.dump(lesson_json_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def cmd_docs(which: str) -> int:
    from .core.locations import docs_dir

    name = {"format": "lesson-format.md", "authoring": "authoring.md"}[which]
    sys.stdout.write((docs_dir() / name).read_text(encoding="utf-8"))
    return 0


def cmd_open(target: Path | None) -> int:
    if target is not None and not target.exists():
        print(f"bptutor: {target}: no such file or folder", file=sys.stderr)
        return 2
    loader = None
    if target is not None and target.is_file():
        loaded = _load(target)
        if loaded is None:
            return 2
        loader = lambda _path: loaded  # the app takes the lesson just checked: no second load
    from .app.app import make_app

    make_app(target, loader=loader).run()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            args = _parser().parse_args(argv)
            if args.command == "check":
                return cmd_check(args.files)
            if args.command == "solve":
                return cmd_solve(args.file, args.markdown)
            if args.command == "new":
                return cmd_new(args.name)
            if args.command == "docs":
                return cmd_docs(args.which)
            return cmd_schema()
        args = _open_parser().parse_args(argv)
        return cmd_open(args.target)
    except SystemExit as exc:  # argparse: 0 for --help/--version, 2 for usage errors
        return int(exc.code or 0)
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
