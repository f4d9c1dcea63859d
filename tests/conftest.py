"""Shared fixtures: every test runs with its own studio home and no real credentials.

The simulator fixtures (``simulator``/``server``, ``sim``, ``clients``, ``api``, ``anon``) serve
any test module that declares its simulator timing as a module-level constant::

    from .sim_support import FAST
    SIM_CONFIG = FAST   # or QUICK from .studio_support

The module gets one real simulator for all its tests, built with ``SIM_CONFIG``; ``sim`` resets it
(jobs, faults, log, and back to ``SIM_CONFIG``) before each test.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Compiled bytecode, as Python keeps it by default (``__pycache__`` folders, which .gitignore
# leaves out), even where PYTHONDONTWRITEBYTECODE is set: the workers and the dozens of Python
# processes the suite starts then compile the studio and the tests once, not each time
# (bench/README.md, "Test suite time"). Set before anything else is imported; children inherit it.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

import httpx  # noqa: E402  (after the bytecode settings above)
import pytest  # noqa: E402

# RunComfy's catalog as published (tests/fixtures/README.md): every simulator a test starts, in
# this process or a child, serves and enforces it instead of the studio's bundled snapshots.
PUBLISHED_CATALOG = Path(__file__).resolve().parent / "fixtures" / "runcomfy_catalog.json"
# Set before any test module is imported: module-level SimulatorConfig()s read it when built.
os.environ["STUDIO_SIM_CATALOG"] = str(PUBLISHED_CATALOG)

# Imported only now, so neither the studio nor sim_support's FAST can read the environment before it is set.
from studio.simulator import SimulatorConfig, SimulatorServer  # noqa: E402

from .sim_support import AUTH  # noqa: E402

_CREDENTIALS = ("RUNCOMFY_TOKEN", "RUNCOMFY_API_KEY", "RUNCOMFY_CONFIG_DIR", "RUNCOMFY_MODEL_API_BASE")


# The fast tier: `pytest -m "not slow"` leaves out the browser tests and these modules (real
# subprocesses, kill-and-resume runs, fuzzing, whole-app boots); the README's command runs all.
SLOW_MODULES = {
    "test_attack_surface", "test_crash_points", "test_crash_and_interrupt", "test_fuzz_inputs",
    "test_spaces", "test_storyboard", "test_ui_smoke", "test_images_s3", "test_cli_offline",
    "test_fault_matrix", "test_runcomfy_shapes", "test_end_to_end", "test_logs", "test_mcp",
    "test_code_snippets_run",
}


# Scheduling (pytest.ini runs three xdist workers): each test is its own unit, handed out in the
# suite's order to whichever worker is free (:func:`pytest_xdist_make_scheduler`). The order puts
# the browser tests first, which keep both cores busy, and the modules that mostly wait (on
# studios' simulated queues, renders and restarts) among them, at different points, so their
# waits cost no time; left to the end, they kept the cores a fifth idle. Against browser groups
# pinned to one worker each it measured no worse (bench/README.md, "Test suite time": 5 min 49 s
# – 6 min 19 s this way, 6 min 22 s grouped, within the machine's swing) and is simpler.
WAITING_MODULES = {  # module → where among the browser tests it runs (0 first, 1 after the last)
    "test_attack_surface": 0.0,
    "test_crash_points": 0.5,
    "test_fault_matrix": 1.0, "test_cli_offline": 1.0, "test_crash_and_interrupt": 1.0, "test_mcp": 1.0,
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the slow tests; order the browser tests first with the waiting modules among them,
    then the other slow modules, and the fast tests last: small, they even out the workers' ends
    (a slow module's 20 s test there kept a core idle while it ran alone)."""
    browser: list[pytest.Item] = []
    waiting: dict[float, list[pytest.Item]] = {}
    slow: list[pytest.Item] = []
    fast: list[pytest.Item] = []
    for item in items:
        path = Path(str(item.path))
        if "browser" in path.parts or path.stem in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
        if "browser" in path.parts:
            browser.append(item)
        elif path.stem in WAITING_MODULES:
            waiting.setdefault(WAITING_MODULES[path.stem], []).append(item)
        elif path.stem in SLOW_MODULES:
            slow.append(item)
        else:
            fast.append(item)
    ordered: list[pytest.Item] = []
    done = 0
    for fraction in sorted(waiting):
        at = _module_boundary(browser, fraction)
        ordered += [*browser[done:at], *waiting[fraction]]
        done = max(done, at)
    items[:] = ordered + browser[done:] + slow + fast


def _module_boundary(tests: list[pytest.Item], fraction: float) -> int:
    """The index nearest ``fraction`` of ``tests`` where a new module starts."""
    starts = [0, *(i for i in range(1, len(tests)) if tests[i].path != tests[i - 1].path), len(tests)]
    return min(starts, key=lambda i: abs(i - fraction * len(tests)))


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """For ``--dist loadgroup`` (pytest.ini): every test its own unit, in the suite's order.

    xdist's own loadgroup finds groups by an ``@group`` suffix that xdist 3.8 writes to
    ``item._nodeid``, which pytest 9 no longer reads: it already ran every test as its own
    unit, by accident. This says so, and keeps it if a later xdist mends the suffix."""
    if config.getvalue("dist") != "loadgroup":
        return None  # another --dist asked for on the command line: xdist's own
    from xdist.scheduler import LoadScopeScheduling

    class OneByOne(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return nodeid

    return OneByOne(config, log)


# The garbage collector, in each worker (bench/README.md, "Test suite time"): what is in memory
# once the tests are collected (Gradio and the studio imported, the collected tests) stays for the
# whole run, and what the run leaves is dropped with the process; frozen, the collector does not
# walk either again (its full collections took 2.0 → 1.4 s a worker over the fast tier, and the
# exit 2.6 s → none).
def pytest_collection_finish(session: pytest.Session) -> None:
    gc.freeze()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    gc.freeze()


@pytest.fixture(autouse=True)
def studio_logging() -> Iterator[None]:
    """A test that runs ``python -m studio`` in this process configures the studio's loggers
    (studio.logs); put them back, so the next test on this worker sees every record."""
    logger = logging.getLogger("studio")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    """No token from the developer's machine, a private data dir and Gradio temp dir per test."""
    for name in _CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("STUDIO_HOME", str(tmp_path / "studio-home"))
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    monkeypatch.setenv("STUDIO_SIM_CATALOG", str(PUBLISHED_CATALOG))
    yield


# -- the module's simulator -------------------------------------------------------------------


def _sim_config(request: pytest.FixtureRequest) -> SimulatorConfig:
    """The requesting test module's ``SIM_CONFIG``; a module without one is a usage error."""
    config = getattr(request.module, "SIM_CONFIG", None)
    if not isinstance(config, SimulatorConfig):
        pytest.fail(
            f"{request.module.__name__} uses the simulator fixtures but declares no module-level "
            "SIM_CONFIG (a SimulatorConfig, e.g. FAST from tests.sim_support or QUICK from tests.studio_support)",
            pytrace=False,
        )
    return config


@pytest.fixture(scope="module")
def simulator(request: pytest.FixtureRequest) -> Iterator[SimulatorServer]:
    """A real simulator for the whole module, built with the module's SIM_CONFIG."""
    with SimulatorServer(_sim_config(request)) as server:
        yield server


@pytest.fixture(scope="module")
def server(simulator: SimulatorServer) -> SimulatorServer:
    """The module's simulator under the name the HTTP-level tests use (the same server)."""
    return simulator


@pytest.fixture
def sim(request: pytest.FixtureRequest, simulator: SimulatorServer) -> SimulatorServer:
    """The module's simulator with no jobs, faults or log entries, and the module's SIM_CONFIG."""
    simulator.store.reset()
    simulator.faults.clear()
    simulator.log.clear()
    simulator.set_config(_sim_config(request))
    return simulator


@pytest.fixture(scope="module")
def clients(server: SimulatorServer) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """One client with the token and one without, for the module (building clients is slow)."""
    with (
        httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10) as api,
        httpx.Client(base_url=server.base_url, timeout=10) as anon,
    ):
        yield api, anon


@pytest.fixture
def api(sim: SimulatorServer, clients: tuple[httpx.Client, httpx.Client]) -> httpx.Client:
    """A client with the token, for a freshly reset simulator."""
    return clients[0]


@pytest.fixture
def anon(sim: SimulatorServer, clients: tuple[httpx.Client, httpx.Client]) -> httpx.Client:
    """A client without a token (also used for /_sim/ and file downloads)."""
    return clients[1]
