"""Uploads: ``POST /ingest`` starts a background ingest job; ``GET /jobs/{id}`` follows it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from graphsvc.api.deps import JobsAuth, OptionsDep, ReadAuth, WriteAuth
from graphsvc.api.jobs import JobManager, safe_filename
from graphsvc.api.models import Job, JobList
from graphsvc.api.params import MAX_PAGE, QInt, next_offset
from graphsvc.api.problems import ApiProblem, responses
from graphsvc.sources import FORMATS, ReaderOptions

router = APIRouter(tags=["ingest"])

MAX_FILES = 20
_TEXT_FIELDS = ("format", "max_team_size", "authors_column", "title_column", "year_column",
                "author_separator")

_UPLOAD_BODY = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                     "maxItems": MAX_FILES,
                     "description": "one or more publication files (dblp XML, BibTeX, CSV/TSV, "
                                    "JSON Lines, Paperscape, edge lists, GML, text pages; "
                                    ".gz is fine)"},
            "format": {"type": "string", "enum": sorted(FORMATS),
                       "description": "force the input format (default: detected)"},
            "max_team_size": {"type": "integer", "minimum": 0,
                              "description": "papers with more authors add no co-author edges "
                                             "(default: the store's cap, 100; 0 = no cap)"},
            "authors_column": {"type": "string", "description": "CSV/TSV: authors column"},
            "title_column": {"type": "string", "description": "CSV/TSV: title column"},
            "year_column": {"type": "string", "description": "CSV/TSV: year column"},
            "author_separator": {"type": "string",
                                 "description": "CSV/TSV: separator between authors"},
        },
    }}},
}


def _jobs(request: Request) -> JobManager:
    jobs: JobManager | None = getattr(request.app.state, "jobs", None)
    if jobs is None:
        raise ApiProblem(503, "the service is starting or stopping", type="unavailable")
    return jobs


@router.post(
    "/ingest", status_code=202, response_model=Job, dependencies=[WriteAuth],
    responses=responses(400, 401, 403, 413, 422),
    openapi_extra={"requestBody": _UPLOAD_BODY},
    summary="Upload publication files to ingest (a background job)",
)
async def ingest(request: Request, options: OptionsDep) -> JSONResponse:
    """Answers `202` with the job at once (`Location: /jobs/{id}`); poll it for progress and
    the ingest report. Needs the API key. Uploads are limited to `GRAPHSVC_MAX_UPLOAD_MB`
    (default 200 MB): larger ones are refused with `413`."""
    jobs = _jobs(request)
    form = await request.form(max_files=MAX_FILES, max_fields=len(_TEXT_FIELDS) + MAX_FILES)
    try:
        uploads = [v for k, v in form.multi_items() if k == "file" and isinstance(v, UploadFile)]
        if not uploads:
            raise ApiProblem(422, "request body field 'file': send one or more publication "
                             "files as multipart/form-data field 'file'", type="validation-error")
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str) and k in _TEXT_FIELDS}
        fmt = fields.get("format") or None
        if fmt is not None and fmt not in FORMATS:
            raise ApiProblem(422, f"request body field 'format': unknown format {fmt!r}; choose "
                             f"one of: {', '.join(sorted(FORMATS))}", type="validation-error")
        cap = _team_size(fields.get("max_team_size"))
        reader = ReaderOptions(
            authors_column=fields.get("authors_column") or None,
            title_column=fields.get("title_column") or None,
            year_column=fields.get("year_column") or None,
            author_separator=fields.get("author_separator") or None,
        )
        job_id, workdir = jobs.new_upload_dir()
        try:
            paths = await run_in_threadpool(_save, uploads, workdir)
        except BaseException:
            jobs.discard_upload(job_id)
            raise
    finally:
        await form.close()
    job = jobs.submit(job_id, paths, fmt=fmt, max_team_size=cap, options=reader)
    return JSONResponse(Job.model_validate(job.to_dict()).model_dump(mode="json"),
                        status_code=202, headers={"Location": f"/jobs/{job.id}"})


def _team_size(text: str | None) -> int | None:
    if not text:
        return None
    try:
        cap = int(text)
    except ValueError:
        cap = -1
    if cap < 0:
        raise ApiProblem(422, "request body field 'max_team_size': must be 0 (no cap) or a "
                         "positive integer", type="validation-error")
    return cap


def _save(uploads: list[UploadFile], workdir: Path) -> list[Path]:
    paths: list[Path] = []
    for i, up in enumerate(uploads):
        name = safe_filename(up.filename)
        if any(p.name == name for p in paths):
            name = f"{i}-{name}"
        dest = workdir / name
        up.file.seek(0)
        with open(dest, "wb") as out:
            shutil.copyfileobj(up.file, out, 1 << 20)
        paths.append(dest)
    return paths


@router.get("/jobs/{job_id}", response_model=Job, dependencies=[ReadAuth],
            responses=responses(404, 422), summary="State and progress of an ingest job")
def get_job(
    request: Request,
    job_id: Annotated[str, PathParam(min_length=1, max_length=64,
                                     examples=["5f0c1d0e2b3a4c5d9e8f7a6b5c4d3e2f"])],
) -> dict[str, Any]:
    job = _jobs(request).get(job_id)
    if job is None:
        raise ApiProblem(404, f"no job {job_id!r} (jobs are kept for a while after they end)",
                         type="job-not-found", title="Job not found")
    return job


@router.get("/jobs", response_model=JobList, dependencies=[JobsAuth],
            responses=responses(401, 403, 422), summary="Recent ingest jobs, newest first")
def list_jobs(
    request: Request,
    limit: Annotated[QInt, Query(ge=1, le=MAX_PAGE)] = 20,
    offset: Annotated[QInt, Query(ge=0, le=100_000)] = 0,
) -> dict[str, Any]:
    items, total = _jobs(request).recent(limit, offset)
    return {"items": items, "limit": limit, "offset": offset,
            "next_offset": next_offset(offset, limit, total)}
