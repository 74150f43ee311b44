//! One request to one module or pipeline, the same for every entry point
//! (sync route, Zapier route, job worker, CLI): resolve the name, check the
//! media type, answer from the stored result when the idempotency key was
//! seen, otherwise run and store the contract envelope.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::envelope::{self, RunContext};
use crate::runtime::RunError;
use crate::service::{ExecError, ResolveError, Service, Target};
use crate::store::{Store, StoreError};

/// A document to run.
#[derive(Debug, Clone)]
pub struct Request {
    /// Module or pipeline name.
    pub target: String,
    /// The bytes.
    pub data: Arc<Vec<u8>>,
    /// Their sniffed media type.
    pub media_type: String,
    /// Options.
    pub options: Map<String, Value>,
    /// Caller's trace id, if any.
    pub trace_id: Option<String>,
    /// Caller's parent trace id, if any.
    pub parent_trace_id: Option<String>,
    /// The caller's time to live (envelope `ttl_ms`), if any.
    pub ttl: Option<Ttl>,
}

/// A request's time to live: past `expires_at_ms` it is answered TIMEOUT,
/// whether it was still queued or running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ttl {
    /// The time to live the caller gave.
    pub ttl_ms: u64,
    /// When it runs out (ms since the Unix epoch).
    pub expires_at_ms: i64,
}

impl Ttl {
    /// `ttl_ms` counted from `accepted_ms`.
    pub fn starting(ttl_ms: u64, accepted_ms: i64) -> Ttl {
        Ttl {
            ttl_ms,
            expires_at_ms: accepted_ms.saturating_add(ttl_ms.min(i64::MAX as u64) as i64),
        }
    }
}

/// The answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The response envelope.
    pub envelope: Value,
    /// True when it came from the stored result (the module did not run).
    pub cached: bool,
}

/// Why a request got no result.
#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    /// Unknown module/pipeline, or a pipeline missing a module.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// The target does not take this media type.
    #[error("{target} does not accept {media_type} (it accepts: {accepted})")]
    MediaType {
        /// Target name.
        target: String,
        /// Sniffed media type.
        media_type: String,
        /// What it accepts.
        accepted: String,
    },
    /// The run failed; `envelope` is the contract answer describing it.
    #[error("{error}")]
    Exec {
        /// The failure.
        error: ExecError,
        /// The contract envelope with `status.code` ERROR/TIMEOUT.
        envelope: Value,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl DispatchError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            DispatchError::Resolve(ResolveError::Unknown { .. }) => "unknown_module",
            DispatchError::Resolve(ResolveError::Unavailable { .. }) => "unavailable",
            DispatchError::MediaType { .. } => "unsupported_media_type",
            DispatchError::Exec { error, .. } => exec_code(error),
            DispatchError::Store(_) => "unavailable",
        }
    }
}

/// The code of a failed execution.
pub fn exec_code(error: &ExecError) -> &'static str {
    match error {
        ExecError::Options(_) => "bad_request",
        ExecError::Pipeline(_) => "internal",
        ExecError::Expired { .. } | ExecError::Deadline { .. } => "timeout",
        ExecError::Step { error, .. } => match error {
            RunError::InvalidInput(_) => "invalid_input",
            RunError::Unsupported(_) => "unsupported",
            RunError::MemoryLimit { .. } => "memory_limit",
            RunError::MemoryBudget { .. } => "memory_budget",
            RunError::Timeout(_) => "timeout",
            RunError::Trap(_) => "module_failed",
            _ => "internal",
        },
    }
}

/// What a client may hear of a trap: that the module stopped on its input.
/// The guest's panic text (source paths of the build machine, allocator
/// internals, parts of the input) goes to the log under the trace id.
pub const TRAP_MESSAGE: &str = "the module stopped on this input (a guest panic or trap); the server log has the details under this request's trace id";

fn without_internals(error: ExecError, trace_id: &str) -> ExecError {
    match error {
        ExecError::Step {
            step,
            module,
            error: RunError::Trap(detail),
            trace,
        } => {
            tracing::warn!(%trace_id, %module, step, %detail, "module trapped");
            ExecError::Step {
                step,
                module,
                error: RunError::Trap(TRAP_MESSAGE.into()),
                trace,
            }
        }
        other => other,
    }
}

/// Runs (or answers from the store) one request.
///
/// With `store` None (idempotency off) every request runs and nothing is kept.
pub async fn dispatch(
    service: &Arc<Service>,
    store: Option<&Store>,
    req: Request,
) -> Result<Answer, DispatchError> {
    let started_ms = crate::store::now_ms();
    let target = service.resolve(&req.target)?;
    check_media_type(&target, &req.media_type)?;
    let key = envelope::idempotency_key(&req.data, &target.sha256(), &req.options);
    let ctx = RunContext {
        trace_id: req.trace_id.clone().unwrap_or_else(crate::store::new_id),
        parent_trace_id: req.parent_trace_id.clone(),
        step_id: crate::store::new_id(),
        idempotency_key: key.clone(),
        started_ms,
    };
    let stored = match store {
        Some(store) => store.stored_result(&key)?,
        None => None,
    };
    if let Some(stored) = stored {
        if let Some(env) = envelope::reissue(&stored, &ctx, crate::store::now_ms()) {
            service
                .metrics()
                .inc("grace_idempotent_hits_total", &[("target", target.name())]);
            return Ok(Answer {
                envelope: env,
                cached: true,
            });
        }
    }
    let run = service.execute(&target, req.data.clone(), &req.media_type, &req.options);
    // The host's deadline, or the caller's time to live when that is sooner.
    // Dropping the run cancels the calls not yet started; one already running
    // finishes on the compute runtime (bounded by its own deadline) unheard.
    let deadline = service.request_deadline();
    let mut expired = ExecError::Deadline {
        secs: deadline.as_secs_f64(),
    };
    let mut left = deadline;
    if let Some(ttl) = req.ttl {
        let ttl_left = ttl.expires_at_ms - crate::store::now_ms();
        let ttl_left = std::time::Duration::from_millis(ttl_left.max(0) as u64);
        if ttl_left <= left {
            left = ttl_left;
            expired = ExecError::Expired { ttl_ms: ttl.ttl_ms };
        }
    }
    let result = if left.is_zero() {
        Err(expired)
    } else {
        tokio::time::timeout(left, run)
            .await
            .unwrap_or(Err(expired))
    };
    match result {
        Ok(exec) => {
            let env = envelope::success(&ctx, &target, &exec, crate::store::now_ms());
            if let Some(store) = store {
                store.store_result(&key, target.name(), &env.to_string())?;
            }
            Ok(Answer {
                envelope: env,
                cached: false,
            })
        }
        Err(error) => {
            let error = without_internals(error, &ctx.trace_id);
            let code = exec_code(&error);
            let env = envelope::failure(&ctx, &target, &error, code, crate::store::now_ms());
            Err(DispatchError::Exec {
                error,
                envelope: env,
            })
        }
    }
}

/// 415 unless the target takes `media_type`.
pub fn check_media_type(target: &Target, media_type: &str) -> Result<(), DispatchError> {
    if target.accepts(media_type) {
        return Ok(());
    }
    Err(DispatchError::MediaType {
        target: target.name().into(),
        media_type: media_type.into(),
        accepted: target.media_types().join(", "),
    })
}
