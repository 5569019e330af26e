"""The REST API under /api/v1: ask (JSON or SSE), the document list, and staff operations behind API keys."""

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import AssistantError
from assistant.types import Answer, DocRecord, Filters
from assistant.web.api.answers import PublicAnswers
from assistant.web.api.errors import ApiError, error_body, from_domain
from assistant.web.api.keys import ApiKey, ApiKeyStore
from assistant.web.staff_actions import ingest_uploads

# Declares the scheme in the OpenAPI schema (the docs page's "Authorize"); the check itself is staff_key's.
_BEARER = HTTPBearer(auto_error=False, description="A staff API key (zs_…), created in the staff pages.")
PUBLIC_DOC_FIELDS = ("doc_id", "title", "file_name", "doc_type", "region", "published", "effective", "expires",
                     "repealed", "validity", "superseded_by", "chunk_count")


class FiltersIn(BaseModel):
    region: str = Field("", description="Province, city or district name (石家庄市, 温江区…); '' = any.")
    doc_type: Literal["", "policy", "regulation", "park", "news", "other"] = ""
    valid_only: bool = Field(False, description="Only documents in force today.")


class AskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(..., min_length=1, max_length=2000,
                          examples=["温江区对入驻产业园的企业有什么租金补贴？"])
    history: list[tuple[str, str]] = Field(
        [], max_length=20, description="Earlier turns, oldest first, as [question, answer] pairs (follow-ups).")
    filters: FiltersIn = FiltersIn()
    language: Literal["", "zh", "en"] = Field(
        "", description="Language of notices; '' = the question's. The answer follows the question's language.")
    k: int | None = Field(None, ge=1, le=20, description="Passages given to the answer (default ASSISTANT_TOP_K).")


class AnswerOut(BaseModel):
    """The Answer exactly as `zhaoshang ask --json` prints it (Answer.as_dict)."""

    model_config = ConfigDict(extra="allow")
    question: str
    answer: str = Field(description="Text with [n] markers, each pointing at citations[n-1].")
    grounded: bool = Field(description="False when the assistant declined: the documents do not say.")
    mode: str = Field(description="extractive | llm | contacts | refusal")
    citations: list[dict] = Field(description="n, doc_id, chunk_id, source, title, page, article, date, quote "
                                              "(exact text of the passage), validity, superseded_by, sha256, scope")
    warnings: list[str]


class MetaIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str | None = None
    doc_type: Literal["policy", "regulation", "park", "news", "other"] | None = None
    province: str | None = None
    city: str | None = None
    district: str | None = None
    published: str | None = Field(None, description="YYYY-MM-DD")
    effective: str | None = Field(None, description="YYYY-MM-DD")
    expires: str | None = Field(None, description="YYYY-MM-DD")
    repealed: str | None = Field(None, description="YYYY-MM-DD")


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def presented_key(request: Request) -> str:
    auth = request.headers.get("authorization", "")
    return auth[7:].strip() if auth.lower().startswith("bearer ") else request.headers.get("x-api-key", "")


def public_doc(rec: DocRecord) -> dict:
    """What anyone may see of a document: no server paths, no ingest errors."""
    full = rec.as_dict()
    return {k: full[k] for k in PUBLIC_DOC_FIELDS}


def rest_router(assistant, answers: PublicAnswers, keys: ApiKeyStore) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    library, settings = assistant.library, assistant.settings

    def staff_key(request: Request, _: Annotated[Any, Depends(_BEARER)]) -> ApiKey:
        return require_key(request)

    def require_key(request: Request) -> ApiKey:
        key = keys.check(presented_key(request))
        if key is None:
            raise ApiError(401, "invalid_api_key", "This operation needs a staff API key.",
                           "create one in the staff pages (/staff/, tab “API keys”) and send it as "
                           "'Authorization: Bearer zs_…'", headers={"WWW-Authenticate": "Bearer"})
        return key

    Staff = Annotated[ApiKey, Depends(staff_key)]

    def domain(call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except AssistantError as exc:
            raise from_domain(exc) from exc

    def ask_args(body: AskIn) -> tuple:
        question = body.question.strip()
        if not question:
            raise ApiError(422, "invalid_request", "The question is empty.", 'send {"question": "…"} with text')
        filters = Filters(body.filters.region, body.filters.doc_type, body.filters.valid_only)
        return question, tuple(body.history), filters, body.k, body.language

    @router.post("/ask", response_model=AnswerOut, tags=["answers"], summary="Ask a question, get a cited answer")
    def ask(body: AskIn) -> JSONResponse:
        return JSONResponse(answers.ask(*ask_args(body)).as_dict())

    @router.post("/ask/stream", tags=["answers"], summary="Ask, streamed as server-sent events",
                 response_class=StreamingResponse,
                 description="Events: `delta` {text} while the answer is written, then one `answer` (the same JSON "
                             "as /ask; its text replaces the deltas, checks may have removed sentences), or `error`.")
    def ask_stream(body: AskIn) -> StreamingResponse:
        args = ask_args(body)

        def events() -> Iterator[str]:
            try:
                for item in answers.stream(*args):
                    yield sse("answer", item.as_dict()) if isinstance(item, Answer) else sse("delta", {"text": item})
            except ApiError as exc:
                yield sse("error", error_body(exc.code, exc.message, exc.fix))

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @router.get("/documents", tags=["documents"], summary="The document library",
                description="Indexed documents with title, type, region, dates and validity. With a staff API key: "
                            "every record (failed and duplicate files too), with sources, errors and contacts.")
    def documents(request: Request) -> JSONResponse:
        if presented_key(request):
            require_key(request)  # a wrong key is an error, not a silent downgrade to the public list
            return JSONResponse({"documents": [d.as_dict() for d in library.docs()]})
        return JSONResponse({"documents": [public_doc(d) for d in library.docs() if d.status == "indexed"]})

    @router.get("/health", tags=["documents"], summary="Whether the assistant is up, and where it answers",
                description="`answering`: `process` (visitors' questions go to the answering process, the default), "
                            "`starting` (it is loading; this process answers meanwhile) or `in-process` "
                            "(ASSISTANT_ANSWER_PROCESS=false, or it failed to start: see the server log). "
                            "`documents`: how many are indexed.")
    def health() -> JSONResponse:
        answering = assistant.answering if hasattr(type(assistant), "answering") else "in-process"
        indexed = sum(d.status == "indexed" for d in library.docs())
        return JSONResponse({"status": "ok", "answering": answering, "documents": indexed})

    @router.post("/documents", tags=["staff"], summary="Upload and index files (staff key)")
    def upload(files: Annotated[list[UploadFile], File()], key: Staff) -> JSONResponse:
        with tempfile.TemporaryDirectory(prefix="zhaoshang-api-upload-") as tmp:
            received = [(_receive(f, Path(tmp) / str(i), settings.upload_max_mb), f.filename or "upload")
                        for i, f in enumerate(files)]
            report, rejected = domain(ingest_uploads, library, received, settings)
        return JSONResponse({"report": _report(report), "rejected": rejected},
                            status_code=200 if report is not None else 400)

    @router.patch("/documents/{doc_id:path}", tags=["staff"], summary="Correct a document's metadata (staff key)")
    def edit(doc_id: str, body: MetaIn, key: Staff) -> JSONResponse:
        fields = body.model_dump(exclude_none=True)
        if not fields:
            raise ApiError(422, "invalid_request", "No field to change.",
                           f"send one or more of {', '.join(MetaIn.model_fields)}")
        return JSONResponse({"document": domain(library.update_meta, doc_id, **fields).as_dict()})

    @router.delete("/documents/{doc_id:path}", tags=["staff"], summary="Remove a document from the index (staff key)")
    def delete(doc_id: str, key: Staff) -> JSONResponse:
        return JSONResponse({"deleted": domain(library.delete, doc_id).doc_id})

    @router.post("/reindex", tags=["staff"], summary="Re-read every source file (staff key)")
    def reindex(key: Staff) -> JSONResponse:
        return JSONResponse({"report": _report(domain(library.reindex))})

    return router


def _receive(upload: UploadFile, target: Path, max_mb: int) -> Path:
    """Copy an upload to disk, refusing it as soon as it passes the size limit (never read whole into memory)."""
    size, limit = 0, max_mb * 1024 * 1024
    with target.open("wb") as out:
        while block := upload.file.read(1 << 20):
            size += len(block)
            if size > limit:
                raise ApiError(413, "file_too_large", f"{upload.filename} is larger than {max_mb} MB.",
                               "split the file, or ask the operator to raise ASSISTANT_UPLOAD_MAX_MB")
            out.write(block)
    return target


def _report(report) -> dict | None:
    if report is None:
        return None
    from dataclasses import asdict

    return {**asdict(report), "summary": report.summary_line()}
