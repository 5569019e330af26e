"""Shared test setup: isolated settings per test, one embedding cache per machine, a shared fixture index."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.corpus_fixture import make_corpus

# Embeddings are content-addressed (model + text hash), so sharing the cache between tests and runs is safe
# and saves minutes on 2 cores; every index still lives in its own tmp dir.
TEST_CACHE = Path(os.environ.get("ASSISTANT_TEST_CACHE", Path.home() / ".cache" / "zhaoshang-assistant-tests"))

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("OMP_NUM_THREADS", "2")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`stress` tests (extra kill points, load) run only when asked for: `pytest -m stress`."""
    if "stress" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="stress test: run with `pytest -m stress`")
    for item in items:
        if "stress" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """No developer setting (an LLM key, an index dir, a .env) leaks into a test."""
    for key in list(os.environ):
        if key.startswith(("ASSISTANT_", "OPENAI_")) and key != "ASSISTANT_TEST_CACHE":
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(TEST_CACHE))
    monkeypatch.chdir(tmp_path)  # relative doc_ids and a stray .env stay inside the test


@pytest.fixture
def settings(tmp_path: Path):
    from assistant.settings import Settings

    return Settings(index_dir=tmp_path / "index", cache_dir=TEST_CACHE)


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def fixture_assistant(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path):
    """A real index (Chroma + BM25 + catalog) of the fixture corpus, built once per session. Read-only."""
    from assistant.factory import build_assistant
    from assistant.settings import Settings

    s = Settings(index_dir=tmp_path_factory.mktemp("fixture-index"), cache_dir=TEST_CACHE)
    a = build_assistant(s)
    report = a.library.ingest([corpus_dir])
    assert report.ok, report.failed
    return a


@pytest.fixture(scope="session")
def demo_assistant(tmp_path_factory: pytest.TempPathFactory):
    """A real index of the bundled demo corpus (data/sample), built once per session. Read-only."""
    from assistant.factory import build_assistant
    from assistant.settings import PROJECT_ROOT, Settings

    s = Settings(index_dir=tmp_path_factory.mktemp("demo-index"), cache_dir=TEST_CACHE)
    a = build_assistant(s)
    report = a.library.ingest([PROJECT_ROOT / "data" / "sample"])
    assert report.ok, report.failed
    return a
