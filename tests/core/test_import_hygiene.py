"""bptutor.core must never import Textual or Rich: the maths and the session run without a terminal."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import bptutor.core


def test_core_imports_no_ui_library():
    modules = [f"bptutor.core.{m.name}" for m in pkgutil.iter_modules(bptutor.core.__path__)]
    assert "bptutor.core.session" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core pulled in: {out.stdout.strip()}"


def test_the_hygiene_check_can_fail():
    code = "import sys, bptutor.core.steps, rich.text; print(any(m.startswith('rich') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
