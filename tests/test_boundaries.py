"""Architecture rules: imports flow one way, and the public surface is deliberate."""

import ast
from pathlib import Path

import pytest

import studio

STUDIO = Path(studio.__file__).parent

# Only these modules may import each third-party network or UI library.
ALLOWED = {
    "gradio": lambda rel: rel.parts[0] == "ui",
    # The MCP library under Gradio's MCP server: only where the studio narrows that server.
    "mcp": lambda rel: rel.parts[0] == "ui" and rel.name == "mcp_server.py",
    "httpx": lambda rel: rel.parts[0] == "client" and rel.name in ("http.py", "http_public.py"),
    # httpx as shipped: nothing in the studio drives httpcore, sockets or TLS itself.
    "httpcore": lambda rel: False,
    "ssl": lambda rel: rel.parts[0] == "simulator",  # the simulator serves https for the tests
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


# The folders read as the data flow; each may import only the layers listed (and itself).
# Imports under ``if TYPE_CHECKING:`` are annotations, not dependencies, and are not counted.
BASE = {"errors", "config"}
LAYERS: dict[str, set[str]] = {
    "errors": set(),
    "config": {"errors"},
    "secrets_store": BASE,
    "logs": set(),
    "domain": BASE,
    "media": BASE | {"domain"},
    "client": BASE | {"domain", "media"},
    "images": BASE | {"domain", "media", "client"},
    # The simulator speaks RunComfy's protocol by itself: it never borrows the studio's client.
    "simulator": BASE | {"domain", "media"},
    # The one place that plugs the embedded simulator in for offline mode.
    "offline": BASE | {"client", "simulator"},
    "jobs": BASE | {"domain", "media", "client", "images", "offline", "secrets_store"},
    # The UI calls the jobs' facade; it never speaks HTTP or starts a simulator itself.
    "ui": BASE | {"domain", "media", "images", "jobs", "secrets_store"},
    "cli": BASE | {"domain", "media", "client", "images", "jobs", "offline", "simulator", "secrets_store", "logs"},
    "__init__": BASE | {"domain"},
    "__main__": {"cli"},
}


def layer_of(path: Path) -> str:
    rel = path.relative_to(STUDIO)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def studio_imports(source: str, name: str = "<module>") -> set[str]:
    """The studio layers a module's source imports at run time (``studio.X…`` → ``X``)."""
    tree = ast.parse(source, filename=name)
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    layers = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{name}: relative import (write studio.<layer>.<module>)")
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        for module in names:
            parts = module.split(".")
            if parts[0] == "studio" and len(parts) > 1:
                layers.add(parts[1])
            elif parts == ["studio"] and isinstance(node, ast.ImportFrom):
                layers.update(a.name for a in node.names)
    return layers


def test_every_module_sits_in_a_known_layer():
    unknown = sorted({layer_of(p) for p in STUDIO.rglob("*.py")} - set(LAYERS))
    assert unknown == [], f"add these to LAYERS with what they may import: {unknown}"


def test_imports_flow_one_way_between_the_folders():
    offenders = []
    for path in sorted(STUDIO.rglob("*.py")):
        layer = layer_of(path)
        for target in sorted(studio_imports(path.read_text(), str(path.relative_to(STUDIO))) - {layer} - LAYERS.get(layer, set())):
            offenders.append(f"{path.relative_to(STUDIO)} ({layer}) imports studio.{target}")
    assert offenders == []


def test_the_layering_rule_sees_through_from_studio_import_and_skips_annotations():
    source = "from typing import TYPE_CHECKING\nfrom studio import ui\nimport studio.client.http\nif TYPE_CHECKING:\n    from studio.jobs import journal\n"
    assert studio_imports(source) == {"ui", "client"}


def test_relative_imports_are_refused_so_every_import_names_its_layer():
    with pytest.raises(AssertionError, match="relative import"):
        studio_imports("from ..jobs import journal\n", "x.py")


SOCKET_WORK = ("recv(", "recv_into(", "sendall(", "wrap_socket(", "SSLObject", "MemoryBIO", "SSLContext(")


def test_no_studio_module_reads_sockets_or_drives_tls_itself():
    """Downloads, uploads and API calls go through httpx as shipped; only the simulator (a
    server) touches sockets and TLS."""
    offenders = [
        f"{path.relative_to(STUDIO)}: {word}"
        for path in sorted(STUDIO.rglob("*.py"))
        if path.relative_to(STUDIO).parts[0] != "simulator"
        for word in SOCKET_WORK
        if word in path.read_text()
    ]
    assert offenders == []


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
            (isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in n.targets))
            or (isinstance(n, ast.AnnAssign) and getattr(n.target, "id", None) == "__all__")
            for n in tree.body
        )
        if not has_all:
            missing.append(f"{path.relative_to(STUDIO)}: no __all__")
    assert missing == []


def test_public_surface_is_exported():
    for name in studio.__all__:
        assert hasattr(studio, name), name
    assert len(set(studio.__all__)) == len(studio.__all__)
