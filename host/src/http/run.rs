//! `POST /v1/run/{name}` (the contract envelope) and `POST /v1/zapier/{name}`
//! (one flat object).

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, MethodRouter};
use axum::{Extension, Json};

use super::docs::{Body, RouteDoc};
use super::upload::{read_upload, Upload};
use super::{ApiError, AppState, TraceId};
use crate::dispatch::{self, Answer};

const RUN_RESPONSES: &[(u16, &str)] = &[
    (200, "the contract v1.2 response envelope"),
    (400, "malformed request or options"),
    (401, "missing or bad API key"),
    (404, "unknown module or pipeline"),
    (413, "upload over a limit (bytes, pixels, pages)"),
    (415, "the module does not take this type of file"),
    (422, "the module refused the input"),
    (429, "rate limited"),
    (504, "the module ran past its deadline"),
];

pub(super) fn routes() -> Vec<(RouteDoc, MethodRouter<AppState>)> {
    vec![
        (
            RouteDoc {
                method: "post",
                path: "/v1/run/{name}",
                summary: "Run a module or pipeline on one document and wait for the result",
                description: "Body: multipart `file` (+ `options`), a raw body with its Content-Type, JSON {\"file\": base64, \"options\": {}} or a contract v1.2 envelope. Options also as query parameters. A repeated idempotency key answers from the stored result.",
                auth: true,
                tag: "run",
                body: Body::Document,
                responses: RUN_RESPONSES,
            },
            post(run),
        ),
        (
            RouteDoc {
                method: "post",
                path: "/v1/zapier/{name}",
                summary: "Run and answer one flat object (Zapier, spreadsheets)",
                description: "Like /v1/run, plus `file_url` (JSON or form) when offline mode is off. Every key is a scalar and always present (null when unknown); low confidence or a failed validation gives status \"needs_review\" with HTTP 200.",
                auth: true,
                tag: "run",
                body: Body::Document,
                responses: RUN_RESPONSES,
            },
            post(zapier),
        ),
    ]
}

/// Runs the upload's single file through `name`.
pub(super) async fn run_upload(
    state: &AppState,
    name: &str,
    upload: Upload,
    trace: &TraceId,
) -> Result<Answer, ApiError> {
    let file = upload
        .files
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::bad_request("no file in the request"))?;
    let env = upload.envelope.unwrap_or_default();
    let req = dispatch::Request {
        target: name.to_string(),
        data: Arc::new(file.data),
        media_type: file.media_type,
        options: upload.options,
        trace_id: env.trace_id.or_else(|| Some(trace.0.clone())),
        parent_trace_id: env.parent_trace_id,
        ttl: env
            .ttl_ms
            .map(|t| dispatch::Ttl::starting(t, upload.received_ms)),
    };
    let store = state.config.idempotency.then_some(state.store.as_ref());
    let answer = dispatch::dispatch(&state.service, store, req).await;
    if let Err(e) = &answer {
        state
            .metrics
            .inc("grace_rejected_inputs_total", &[("reason", e.code())]);
    }
    Ok(answer?)
}

/// Reads the single-file upload and runs it.
async fn read_and_run(
    state: &AppState,
    name: &str,
    trace: &TraceId,
    req: Request,
) -> Result<Answer, ApiError> {
    let upload = read_upload(state, req, false)
        .await
        .inspect_err(|e| reject(state, e))?;
    run_upload(state, name, upload, trace).await
}

async fn run(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Extension(trace): Extension<TraceId>,
    req: Request,
) -> Result<Response, ApiError> {
    let answer = read_and_run(&state, &name, &trace, req).await?;
    Ok(Json(answer.envelope).into_response())
}

async fn zapier(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Extension(trace): Extension<TraceId>,
    req: Request,
) -> Result<Response, ApiError> {
    let answer = read_and_run(&state, &name, &trace, req).await?;
    // The flat shape has one home: the translate module's library.
    let options = grace_translate::FlatOptions {
        review_threshold: state.config.review.min_confidence,
    };
    let flat = grace_translate::flatten_response(&answer.envelope, &name, &options)
        .map_err(|e| ApiError::internal(format!("cannot flatten the answer: {e}")))?;
    Ok(Json(flat).into_response())
}

/// Counts a refused upload by its error code.
pub(super) fn reject(state: &AppState, e: &ApiError) {
    state
        .metrics
        .inc("grace_rejected_inputs_total", &[("reason", e.code)]);
}
