"""The built wheel works outside the checkout: `zhaoshang ingest --sample`, `zhaoshang ask` and `zhaoshang serve`
from a fresh venv in a temp folder, with the prompts and demo corpus the wheel ships (no network: the venv borrows
this venv's dependencies through a .pth file, and pip runs with --no-index)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_CACHE

ROOT = Path(__file__).resolve().parent.parent
# What a source distribution of the project holds; the build runs on a copy so the checkout gets no build/.
SOURCES = ("pyproject.toml", "setup.py", "README.md", "assistant", "ingest", "vectorstore", "prompts", "data")


def _run(cmd: list, cwd: Path, env: dict | None = None, timeout: float = 180) -> str:
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the wheel installed in it (its dependencies seen through a .pth); returns its bin/."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, src / name)
    # --no-build-isolation: build with this venv's setuptools (the dev extra pins one with bdist_wheel), offline.
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
          "-w", work / "dist", src], cwd=work)
    (wheel,) = (work / "dist").glob("zhaoshang_assistant-*.whl")
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=work)
    site = Path(_run([venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                     cwd=work).strip())
    # Paths in a .pth are appended after the venv's own site-packages, so the wheel's `assistant` comes first;
    # .pth files *inside* those paths (this venv's editable install) are not processed.
    deps = dict.fromkeys((sysconfig.get_path("purelib"), sysconfig.get_path("platlib")))
    (site / "_borrowed_dependencies.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--no-deps", "--no-index",
          "-q", wheel], cwd=work)
    return venv / "bin"


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "OPENAI_", "PYTHON"))}
    env.update(ASSISTANT_CACHE_DIR=str(TEST_CACHE), HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    return env


def test_installed_wheel_ingests_and_answers_with_citations_outside_the_checkout(installed: Path, tmp_path: Path):
    where = _run([installed / "python", "-c", "import assistant.prompts as p; print(p.__file__); "
                  "print(len(p.load_prompt('answer')))"], cwd=tmp_path, env=_env()).split()
    assert where[0].startswith(str(installed.parent)) and int(where[1]) > 100  # the wheel's code and prompts

    out = _run([installed / "zhaoshang", "ingest", "--sample", "--index", "idx"], cwd=tmp_path, env=_env())
    assert "added 11" in out and "failed 0" in out

    out = _run([installed / "zhaoshang", "ask", "外商投资法什么时候施行？", "--json", "--index", "idx"],
               cwd=tmp_path, env=_env())
    answer = json.loads(out)
    assert answer["grounded"] and "2020年1月1日" in answer["answer"] and "[1]" in answer["answer"]
    cited = answer["citations"][0]
    assert (cited["source"], cited["article"]) == ("外商投资法(2019-03-15).md", "第四十二条")
    assert cited["doc_id"].startswith(str(installed.parent))  # the demo corpus shipped inside the wheel
    assert str(ROOT) not in out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_installed_wheel_serves_the_app(installed: Path, tmp_path: Path):
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([installed / "zhaoshang", "serve", "--index", "idx", "--port", str(port)],
                                cwd=tmp_path, env=_env(), stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline, page = time.monotonic() + 120, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        assert page is not None and page.status_code == 200, log.read_text()[-3000:]
        assert "招商政策助手" in page.text
        # First start on an empty index: the demo corpus shipped in the wheel was indexed.
        assert "demo corpus indexed: added 11" in log.read_text()
        # The widget's files ship in the wheel too.
        assert "attachShadow" in httpx.get(f"http://127.0.0.1:{port}/widget.js", timeout=10).text
        assert httpx.get(f"http://127.0.0.1:{port}/widget/app.js", timeout=10).status_code == 200
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
