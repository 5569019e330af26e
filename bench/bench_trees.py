"""Run the same questions against the current checkout and a baseline commit, each with its own index.

The baseline is checked out with `git worktree add --detach` into a temporary folder and removed afterwards;
each tree builds its index with its own ingest code (the shared embedding cache makes the second build cheap).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKER = Path(__file__).with_name("bench_worker.py")
# What decides answers; when none of it differs from the baseline, one run serves both columns.
CODE = ("assistant", "ingest", "vectorstore", "prompts", "pyproject.toml")
DEFAULT_BASELINE = "8834778"  # today's code when the scope benchmark was written (before the scope gate)


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@contextmanager
def baseline_tree(ref: str):
    """A detached worktree of ref, removed on exit."""
    commit = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
    git("worktree", "add", "--detach", str(tmp / "tree"), commit)
    try:
        yield tmp / "tree", commit
    finally:
        git("worktree", "remove", "--force", str(tmp / "tree"))
        tmp.rmdir()


def ask_tree(tree: Path, index: Path, ingest: list[Path], questions: list[dict], out: Path) -> dict:
    """Run bench_worker.py with `assistant` imported from tree; returns its JSON (answers by question id)."""
    qfile = out.with_suffix(".questions.json")
    qfile.write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    cmd = [sys.executable, str(WORKER), "--index", str(index.resolve()), "--questions", str(qfile.resolve()),
           "--out", str(out.resolve()), "--ingest", *[str(p.resolve()) for p in ingest]]
    subprocess.run(cmd, cwd=tree, env=env, check=True)
    result = json.loads(out.read_text(encoding="utf-8"))
    if Path(result["code"]).resolve() != tree.resolve():
        raise SystemExit(f"worker imported assistant from {result['code']}, not {tree}. Fix: check PYTHONPATH/.pth")
    return result


def commit_label(commit: str) -> str:
    """A 40-hex commit (and any note after it) shortened to 12 hex digits for tables."""
    return commit[:12] + commit[40:] if len(commit) >= 40 and all(c in "0123456789abcdef" for c in commit[:40]) \
        else commit


def same_code(commit: str) -> bool:
    """The current checkout's product code (tracked and untracked) is byte-identical to commit's."""
    changed = git("diff", "--name-only", commit, "--", *CODE)
    untracked = git("ls-files", "--others", "--exclude-standard", "--", *CODE)
    return not changed and not untracked


def run_trees(name: str, questions: list[dict], ingest: list[Path], out_dir: Path, baseline: str | None) -> dict:
    """{'baseline': worker result, 'current': worker result}; baseline None = current tree only.
    When the current code is identical to the baseline's, its answers are reused (deterministic extractive
    answers; only latency would differ) and the report says so."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results = {}
    if baseline:
        with baseline_tree(baseline) as (tree, commit):
            results["baseline"] = ask_tree(tree, out_dir / f"index-{name}-{commit[:8]}", ingest, questions,
                                           out_dir / f"answers-{name}-baseline.json")
            results["baseline"]["commit"] = commit
        head = git("rev-parse", "HEAD")  # read now: the checkout may have moved while the baseline ran
        if same_code(commit):
            results["current"] = {**results["baseline"], "commit": f"{head} (product code identical to "
                                                                    f"{commit[:8]}: answers reused)"}
            return results
    results["current"] = ask_tree(ROOT, out_dir / f"index-{name}-current", ingest, questions,
                                  out_dir / f"answers-{name}-current.json")
    dirty = git("status", "--porcelain", "--", *CODE)
    results["current"]["commit"] = git("rev-parse", "HEAD") + (" (+uncommitted)" if dirty else "")
    return results
