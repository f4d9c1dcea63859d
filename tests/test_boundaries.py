"""Architecture rules: imports flow one way, and the public surface is deliberate."""

import ast
from pathlib import Path

import studio

STUDIO = Path(studio.__file__).parent

# Only these modules may import each third-party network or UI library.
ALLOWED = {
    "gradio": lambda rel: rel.parts[0] == "ui",
    "httpx": lambda rel: rel.name in ("http.py", "http_public.py", "http_transport.py"),
    "httpcore": lambda rel: rel.name == "http_transport.py",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_gradio_and_httpx_only_where_their_job_is():
    offenders = []
    for path in STUDIO.rglob("*.py"):
        rel = path.relative_to(STUDIO)
        for lib, allowed in ALLOWED.items():
            if lib in imported_modules(path) and not allowed(rel):
                offenders.append(f"{rel} imports {lib}")
    assert offenders == []


def test_every_module_declares_all_and_a_docstring():
    missing = []
    for path in STUDIO.rglob("*.py"):
        if path.name == "__main__.py":
            continue
        tree = ast.parse(path.read_text())
        if ast.get_docstring(tree) is None:
            missing.append(f"{path.relative_to(STUDIO)}: no module docstring")
        has_all = any(
            isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in n.targets)
            for n in tree.body
        )
        if not has_all:
            missing.append(f"{path.relative_to(STUDIO)}: no __all__")
    assert missing == []


def test_public_surface_is_exported():
    for name in studio.__all__:
        assert hasattr(studio, name), name
    assert len(set(studio.__all__)) == len(studio.__all__)
