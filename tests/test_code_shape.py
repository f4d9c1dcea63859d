"""The code's shape: short functions in the UI layer, and no long module anywhere in the studio.

A UI function over 60 lines is a page wired in one breath (the reason ``build_app`` was split
into one helper per part of the page); a module over 400 lines holds more than one concern.
"""

import ast
from pathlib import Path

import studio

STUDIO = Path(studio.__file__).parent

MAX_UI_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400


def long_functions(root: Path, limit: int) -> list[str]:
    """``path:line name (N lines)`` for every function or method under ``root`` longer than ``limit``
    (decorators not counted; nested functions count in their parent and on their own)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > limit:
                    found.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({lines} lines)")
    return found


def long_modules(root: Path, limit: int) -> list[str]:
    """``path (N lines)`` for every module under ``root`` longer than ``limit`` lines."""
    found = []
    for path in sorted(root.rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append(f"{path.relative_to(root)} ({lines} lines)")
    return found


def test_no_ui_function_is_over_60_lines():
    assert long_functions(STUDIO / "ui", MAX_UI_FUNCTION_LINES) == []


def test_no_studio_module_is_over_400_lines():
    assert long_modules(STUDIO, MAX_MODULE_LINES) == []


def test_the_checker_sees_a_long_function_and_a_long_module(tmp_path):
    body = "\n".join(f"        x{i} = {i}" for i in range(61))
    (tmp_path / "big.py").write_text(f"def short():\n    pass\n\n\nclass C:\n    def wired(self):\n{body}\n")
    assert long_functions(tmp_path, MAX_UI_FUNCTION_LINES) == ["big.py:6 wired (62 lines)"]
    assert long_modules(tmp_path, 60) == ["big.py (67 lines)"]
    assert long_modules(tmp_path, 67) == []
