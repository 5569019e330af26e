"""Every setting is documented in the README (datasette's rule): an undocumented knob does not exist."""

from pathlib import Path

from assistant.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_setting_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    missing = [f"ASSISTANT_{name.upper()}" for name in Settings.model_fields if f"ASSISTANT_{name.upper()}" not in text]
    assert not missing, f"document these in README.md: {missing}"


def test_openai_variables_enable_llm(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_MODEL", "qwen")
    s = Settings()
    assert s.llm_enabled and s.openai_base_url.endswith("/v1")
    monkeypatch.delenv("OPENAI_MODEL")
    assert not Settings().llm_enabled  # a URL without a model name stays extractive
