//! The asynchronous job routes, on the paths existing clients use
//! (`/api/ocr/...`): accept now (202), run in the background, poll the result.

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Extension, Json};
use serde_json::{json, Value};

use super::docs::{Body, RouteDoc};
use super::run::reject;
use super::upload::{query_value, read_upload, Upload};
use super::{ApiError, AppState, Caller, TraceId};
use crate::dispatch::check_media_type;
use crate::envelope::rfc3339_ms;
use crate::store::{Job, JobStatus, NewJob};

/// The target when the client names none: these routes began as OCR routes.
const DEFAULT_TARGET: &str = "ocr";

pub(super) fn routes() -> Vec<(RouteDoc, MethodRouter<AppState>)> {
    vec![
        (
            RouteDoc {
                method: "post",
                path: "/api/ocr/process_image",
                summary: "Queue one document; answers 202 with a request_id at once",
                description: "Same bodies as /v1/run. `?module=NAME` picks the module or pipeline (default ocr). The job survives a restart.",
                auth: true,
                tag: "jobs",
                body: Body::Document,
                responses: &[(202, "accepted"), (400, "malformed request"), (401, "missing or bad API key"), (404, "unknown module"), (413, "over a limit"), (415, "unsupported type"), (429, "rate limited")],
            },
            post(process_image),
        ),
        (
            RouteDoc {
                method: "post",
                path: "/api/ocr/process_batch",
                summary: "Queue many documents: one batch id, one request id each",
                description: "Multipart with several `file` parts, or JSON {\"files\": [{\"file\": base64, \"filename\"}], \"options\": {}}. `?module=NAME` as for process_image.",
                auth: true,
                tag: "jobs",
                body: Body::Documents,
                responses: &[(202, "accepted"), (400, "malformed request"), (401, "missing or bad API key"), (404, "unknown module"), (413, "too many files or over a limit"), (415, "unsupported type"), (429, "rate limited")],
            },
            post(process_batch),
        ),
        (
            RouteDoc {
                method: "get",
                path: "/api/ocr/result/{request_id}",
                summary: "A job's status, and its result or error when finished",
                description: "status is queued, processing, done or failed; result is the contract envelope.",
                auth: true,
                tag: "jobs",
                body: Body::None,
                responses: &[(200, "the job"), (401, "missing or bad API key"), (404, "unknown request id")],
            },
            get(result),
        ),
        (
            RouteDoc {
                method: "get",
                path: "/api/ocr/batch/{batch_id}",
                summary: "Every job of a batch",
                description: "Counts per status and each job's status (results through /api/ocr/result).",
                auth: true,
                tag: "jobs",
                body: Body::None,
                responses: &[(200, "the batch"), (401, "missing or bad API key"), (404, "unknown batch id")],
            },
            get(batch),
        ),
        (
            RouteDoc {
                method: "get",
                path: "/api/ocr/queue/status",
                summary: "Queue depth, jobs in flight, done, failed, workers, throughput",
                description: "throughput_per_minute counts jobs finished in the last 60 seconds.",
                auth: true,
                tag: "jobs",
                body: Body::None,
                responses: &[(200, "queue status"), (401, "missing or bad API key")],
            },
            get(queue_status),
        ),
        (
            RouteDoc {
                method: "post",
                path: "/api/ocr/clean",
                summary: "Delete finished jobs older than N seconds (audited)",
                description: "JSON {\"older_than_secs\": N} (or ?older_than_secs=N). Queued and running jobs are never deleted.",
                auth: true,
                tag: "jobs",
                body: Body::Json,
                responses: &[(200, "what was deleted"), (400, "missing or bad older_than_secs"), (401, "missing or bad API key")],
            },
            post(clean),
        ),
    ]
}

/// The module or pipeline named by `?module=` / `?pipeline=`, else `ocr`.
fn target_of(req: &Request) -> String {
    let q = req.uri().query();
    query_value(q, "module")
        .or_else(|| query_value(q, "pipeline"))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_TARGET.to_string())
}

/// Checks the target and types, then stores the jobs (one transaction).
async fn accept(
    state: &AppState,
    caller: &Caller,
    target: &str,
    upload: Upload,
    trace: &TraceId,
    batch: Option<&str>,
) -> Result<Vec<(String, Option<String>)>, ApiError> {
    let key_id = caller.owner(state.config.auth);
    let resolved = state
        .service
        .resolve(target)
        .map_err(crate::dispatch::DispatchError::from)?;
    for (i, f) in upload.files.iter().enumerate() {
        check_media_type(&resolved, &f.media_type).map_err(|e| {
            let mut err = ApiError::from(e);
            if upload.files.len() > 1 {
                err.message = format!(
                    "file {i} ({}): {}",
                    f.filename.as_deref().unwrap_or("unnamed"),
                    err.message
                );
            }
            err
        })?;
    }
    let options = crate::canonical_json(&Value::Object(upload.options.clone()));
    let env = upload.envelope.clone().unwrap_or_default();
    let trace_id = env.trace_id.clone().unwrap_or_else(|| trace.0.clone());
    let names: Vec<Option<String>> = upload.files.iter().map(|f| f.filename.clone()).collect();
    let jobs: Vec<NewJob> = upload
        .files
        .into_iter()
        .map(|f| NewJob {
            target: target.to_string(),
            filename: f.filename,
            media_type: f.media_type,
            options: options.clone(),
            trace_id: trace_id.clone(),
            parent_trace_id: env.parent_trace_id.clone(),
            ttl_ms: env.ttl_ms,
            key_id: key_id.clone(),
            data: f.data,
        })
        .collect();
    let store = state.store.clone();
    let batch_id = batch.map(str::to_string);
    let ids = tokio::task::spawn_blocking(move || store.enqueue(jobs, batch_id.as_deref()))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    state.jobs.notify();
    Ok(ids.into_iter().zip(names).collect())
}

async fn process_image(
    State(state): State<AppState>,
    Extension(trace): Extension<TraceId>,
    Extension(caller): Extension<Caller>,
    req: Request,
) -> Result<Response, ApiError> {
    let target = target_of(&req);
    let upload = read_upload(&state, req, false)
        .await
        .inspect_err(|e| reject(&state, e))?;
    let accepted = accept(&state, &caller, &target, upload, &trace, None)
        .await
        .inspect_err(|e| reject(&state, e))?;
    let (id, filename) = accepted
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::internal("no job stored"))?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({
            "request_id": id,
            "status": "queued",
            "module": target,
            "filename": filename,
            "trace_id": trace.0,
            "result_url": format!("/api/ocr/result/{id}"),
        })),
    )
        .into_response())
}

async fn process_batch(
    State(state): State<AppState>,
    Extension(trace): Extension<TraceId>,
    Extension(caller): Extension<Caller>,
    req: Request,
) -> Result<Response, ApiError> {
    let target = target_of(&req);
    let upload = read_upload(&state, req, true)
        .await
        .inspect_err(|e| reject(&state, e))?;
    let batch_id = crate::store::new_id();
    let accepted = accept(&state, &caller, &target, upload, &trace, Some(&batch_id))
        .await
        .inspect_err(|e| reject(&state, e))?;
    let jobs: Vec<Value> = accepted
        .iter()
        .map(|(id, filename)| json!({"request_id": id, "filename": filename, "result_url": format!("/api/ocr/result/{id}")}))
        .collect();
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({
            "batch_id": batch_id,
            "status": "queued",
            "module": target,
            "count": jobs.len(),
            "jobs": jobs,
            "trace_id": trace.0,
        })),
    )
        .into_response())
}

fn job_json(job: &Job) -> Value {
    let result: Value = job
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or(Value::Null);
    let error = match (&job.error_code, &job.error_message) {
        (Some(code), message) => json!({"code": code, "message": message}),
        _ => Value::Null,
    };
    json!({
        "request_id": job.id,
        "batch_id": job.batch_id,
        "module": job.target,
        "status": job.status.as_str(),
        "filename": job.filename,
        "media_type": job.media_type,
        "trace_id": job.trace_id,
        "created_at": rfc3339_ms(job.created_at),
        "started_at": job.started_at.map(rfc3339_ms),
        "finished_at": job.finished_at.map(rfc3339_ms),
        "attempts": job.attempts,
        "result": result,
        "error": error,
    })
}

async fn result(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let store = state.store.clone();
    let lookup = id.clone();
    let job = tokio::task::spawn_blocking(move || store.job(&lookup))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    // Another key's job reads as absent: its existence is not this caller's business.
    match job.filter(|j| caller.may_see(j.key_id.as_deref())) {
        Some(job) => Ok(Json(job_json(&job)).into_response()),
        None => Err(ApiError::not_found(format!(
            "no job with request_id {id:?} (finished jobs may have been cleaned)"
        ))),
    }
}

async fn batch(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let store = state.store.clone();
    let lookup = id.clone();
    let mut jobs = tokio::task::spawn_blocking(move || store.batch_jobs(&lookup))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    jobs.retain(|j| caller.may_see(j.key_id.as_deref()));
    if jobs.is_empty() {
        return Err(ApiError::not_found(format!("no batch with id {id:?}")));
    }
    let count = |s: JobStatus| jobs.iter().filter(|j| j.status == s).count();
    let list: Vec<Value> = jobs
        .iter()
        .map(|j| json!({"request_id": j.id, "filename": j.filename, "status": j.status.as_str()}))
        .collect();
    Ok(Json(json!({
        "batch_id": id,
        "count": jobs.len(),
        "queued": count(JobStatus::Queued),
        "processing": count(JobStatus::Processing),
        "done": count(JobStatus::Done),
        "failed": count(JobStatus::Failed),
        "finished": count(JobStatus::Done) + count(JobStatus::Failed) == jobs.len(),
        "jobs": list,
    }))
    .into_response())
}

async fn queue_status(State(state): State<AppState>) -> Result<Response, ApiError> {
    let store = state.store.clone();
    let since = crate::store::now_ms() - 60_000;
    let (counts, recent) = tokio::task::spawn_blocking(move || {
        Ok::<_, crate::store::StoreError>((store.queue_counts()?, store.finished_since(since)?))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(Json(json!({
        "depth": counts.queued,
        "in_flight": counts.processing,
        "done": counts.done,
        "failed": counts.failed,
        "workers": state.jobs.workers(),
        "throughput_per_minute": recent,
    }))
    .into_response())
}

async fn clean(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    req: Request,
) -> Result<Response, ApiError> {
    let from_query = query_value(req.uri().query(), "older_than_secs");
    let bytes = axum::body::to_bytes(req.into_body(), 64 * 1024)
        .await
        .map_err(|_| {
            ApiError::too_large(
                "payload_too_large",
                "the clean request body is larger than 64 KiB",
            )
        })?;
    let from_body = if bytes.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let v: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::malformed_json(format!("the body is not valid JSON: {e}")))?;
        Some(v.get("older_than_secs").cloned().unwrap_or(Value::Null))
    };
    let secs = match (from_body, from_query) {
        (Some(v), _) => v.as_u64(),
        (None, Some(q)) => q.parse::<u64>().ok(),
        (None, None) => None,
    }
    .ok_or_else(|| {
        ApiError::bad_request(
            "older_than_secs is required: a whole number of seconds (0 deletes every finished job)",
        )
    })?;
    let before = crate::store::now_ms() - (secs.min(i64::MAX as u64 / 1000) as i64) * 1000;
    let store = state.store.clone();
    let actor = format!("key:{}", caller.key_id);
    // A user key cleans its own jobs; an admin key every job and the stored
    // results (the idempotency cache, which belongs to no key).
    let owner = (!caller.admin).then(|| caller.key_id.clone());
    let (deleted, results) = tokio::task::spawn_blocking(move || {
        let ids = store.delete_finished_before(before, owner.as_deref())?;
        let results = match owner {
            None => store.delete_results_before(before)?,
            Some(_) => 0,
        };
        store.audit(
            &actor,
            "jobs.clean",
            "queue",
            &json!({"older_than_secs": secs, "deleted": ids.len(), "request_ids": ids, "results_deleted": results}),
        )?;
        Ok::<_, crate::store::StoreError>((ids, results))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(Json(json!({
        "deleted": deleted.len(),
        "request_ids": deleted,
        "results_deleted": results,
        "older_than_secs": secs
    }))
    .into_response())
}
