//! `/health`, `/metrics`, `/v1/modules` and `/api/ocr/resources`.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::Json;
use serde_json::{json, Value};

use super::docs::{Body, RouteDoc};
use super::{ApiError, AppState};
use crate::metrics::Gauge;

pub(super) fn routes() -> Vec<(RouteDoc, MethodRouter<AppState>)> {
    vec![
        (
            RouteDoc {
                method: "get",
                path: "/health",
                summary: "Deep health check",
                description: "Store writable, every module loaded and answering describe() on a fresh instance. 503 names the failing part.",
                auth: false,
                tag: "operations",
                body: Body::None,
                responses: &[(200, "healthy"), (503, "a part is failing")],
            },
            get(health),
        ),
        (
            RouteDoc {
                method: "get",
                path: "/metrics",
                summary: "Prometheus metrics",
                description: "Requests and latencies per route and module, queue depth, instance pools, rejected inputs, rate-limited calls.",
                auth: true,
                tag: "operations",
                body: Body::None,
                responses: &[(200, "Prometheus text format"), (401, "missing or bad API key")],
            },
            get(metrics),
        ),
        (
            RouteDoc {
                method: "get",
                path: "/v1/modules",
                summary: "Modules and pipelines this host serves",
                description: "Name, version, summary, accepted media types, sha256 and option schema of each module; each pipeline's steps and availability.",
                auth: true,
                tag: "modules",
                body: Body::None,
                responses: &[(200, "the list"), (401, "missing or bad API key")],
            },
            get(modules),
        ),
        (
            RouteDoc {
                method: "get",
                path: "/api/ocr/resources",
                summary: "Memory, CPU and instance counts",
                description: "Resident memory and CPU time of the host process, cores, and each module's instance pool.",
                auth: true,
                tag: "jobs",
                body: Body::None,
                responses: &[(200, "resources"), (401, "missing or bad API key")],
            },
            get(resources),
        ),
    ]
}

/// Public, so it names parts and states only: paths, compiler output and
/// store errors go to the log, where the operator reads them.
async fn health(State(state): State<AppState>) -> Response {
    let store = state.store.clone();
    let store_ok = match tokio::task::spawn_blocking(move || store.check_writable()).await {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "health: store not writable");
            false
        }
        Err(e) => {
            tracing::error!(error = %e, "health: store check failed");
            false
        }
    };
    let modules = state.service.check_modules().await;
    let mut failing = Vec::new();
    if !store_ok {
        failing.push("store".to_string());
    }
    let mut module_json = serde_json::Map::new();
    for (name, res) in &modules {
        match res {
            Ok(version) => {
                module_json.insert(name.clone(), json!({"status": "ok", "version": version}));
            }
            Err(e) => {
                tracing::error!(module = %name, error = %e, "health: module failing");
                failing.push(format!("module {name}"));
                module_json.insert(name.clone(), json!({"status": "failing"}));
            }
        }
    }
    if modules.is_empty() {
        failing.push("modules (none loaded)".to_string());
    }
    // A refused file (the previous version keeps serving) degrades the host.
    let rejected: serde_json::Map<String, Value> = state
        .service
        .rejected_files()
        .into_keys()
        .map(|f| {
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (
                name,
                Value::String("refused (the server log says why)".into()),
            )
        })
        .collect();
    let status = match (failing.is_empty(), rejected.is_empty()) {
        (false, _) => "unavailable",
        (true, false) => "degraded",
        (true, true) => "ok",
    };
    let mut body = json!({
        "status": status,
        "store": {"status": if store_ok { "ok" } else { "failing" }},
        "modules": module_json,
        "rejected_files": rejected,
        "uptime_secs": state.started.elapsed().as_secs(),
        "version": env!("CARGO_PKG_VERSION"),
    });
    if failing.is_empty() {
        return (StatusCode::OK, Json(body)).into_response();
    }
    let err = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        format!(
            "failing: {} (the server log has the details)",
            failing.join(", ")
        ),
    )
    .with_details(json!({"failing": failing}));
    body["error"] = err.body()["error"].clone();
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}

async fn metrics(State(state): State<AppState>) -> Result<Response, ApiError> {
    let store = state.store.clone();
    let counts = tokio::task::spawn_blocking(move || store.queue_counts())
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    let mut gauges = vec![
        gauge(
            "grace_queue_depth",
            "Jobs waiting for a worker.",
            vec![],
            counts.queued as f64,
        ),
        gauge(
            "grace_jobs_in_flight",
            "Jobs running now.",
            vec![],
            state.jobs.in_flight() as f64,
        ),
        gauge(
            "grace_job_workers",
            "Job workers.",
            vec![],
            state.jobs.workers() as f64,
        ),
        gauge(
            "grace_uptime_seconds",
            "Seconds since the server started.",
            vec![],
            state.started.elapsed().as_secs_f64(),
        ),
    ];
    let budget = state.service.memory_budget().stats();
    for (metric, help, value) in [
        (
            "grace_memory_budget_bytes",
            "Linear memory all instances may hold together (runtime.memory_budget_mib).",
            budget.limit as f64,
        ),
        (
            "grace_memory_granted_bytes",
            "Linear memory held by live instances now.",
            budget.used as f64,
        ),
        (
            "grace_memory_granted_peak_bytes",
            "The most linear memory held at once since start.",
            budget.peak as f64,
        ),
        (
            "grace_memory_budget_refusals",
            "Memory growths refused because the budget was spent.",
            budget.refused as f64,
        ),
    ] {
        gauges.push(gauge(metric, help, vec![], value));
    }
    for (name, m) in state.service.modules().iter() {
        let s = m.pool_stats();
        for (metric, help, value) in [
            (
                "grace_pool_size",
                "Maximum instances (concurrent calls) per module.",
                s.size as f64,
            ),
            (
                "grace_pool_idle",
                "Warm instances waiting for a call.",
                s.idle as f64,
            ),
            ("grace_pool_busy", "Calls running now.", s.busy as f64),
            (
                "grace_pool_instances_created",
                "Instances created since the module was loaded.",
                s.created as f64,
            ),
            (
                "grace_pool_instances_discarded",
                "Instances thrown away after a trap, timeout or memory limit.",
                s.discarded as f64,
            ),
            (
                "grace_pool_instances_recycled",
                "Instances dropped after a call because their memory grew past runtime.recycle_above_mib.",
                s.recycled as f64,
            ),
        ] {
            gauges.push(gauge(metric, help, vec![("module", name.clone())], value));
        }
    }
    let text = state.metrics.render(&gauges);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response())
}

fn gauge(
    name: &'static str,
    help: &'static str,
    labels: Vec<(&'static str, String)>,
    value: f64,
) -> Gauge {
    Gauge {
        name,
        help,
        labels,
        value,
    }
}

async fn modules(State(state): State<AppState>) -> Json<Value> {
    let modules: Vec<Value> = state
        .service
        .modules()
        .values()
        .map(|m| {
            let d = m.descriptor();
            json!({
                "name": d.name,
                "version": d.version,
                "summary": d.summary,
                "media_types": d.media_types,
                "sha256": m.sha256(),
                "options_schema": d.options_schema,
                "kind": "module",
            })
        })
        .collect();
    let pipelines: Vec<Value> = state
        .service
        .pipelines()
        .iter()
        .map(|p| {
            let available = state.service.resolve(&p.name);
            json!({
                "name": p.name,
                "summary": p.summary,
                "steps": p.steps.iter().map(|s| s.module.clone()).collect::<Vec<_>>(),
                "available": available.is_ok(),
                "unavailable_reason": available.err().map(|e| e.to_string()),
                "kind": "pipeline",
            })
        })
        .collect();
    Json(json!({"modules": modules, "pipelines": pipelines}))
}

async fn resources(State(state): State<AppState>) -> Json<Value> {
    let proc = process_usage();
    let modules: serde_json::Map<String, Value> = state
        .service
        .modules()
        .iter()
        .map(|(name, m)| {
            (
                name.clone(),
                json!({"version": m.version(), "pool": m.pool_stats()}),
            )
        })
        .collect();
    Json(json!({
        "memory": {"rss_bytes": proc.rss_bytes, "peak_rss_bytes": proc.peak_rss_bytes},
        "cpu": {"cores": crate::runtime::default_pool_size(), "process_cpu_seconds": proc.cpu_seconds},
        "modules": modules,
        "job_workers": state.jobs.workers(),
        "jobs_in_flight": state.jobs.in_flight(),
        "uptime_secs": state.started.elapsed().as_secs(),
    }))
}

/// Resident memory and CPU time of this process (Linux `/proc`; zeros elsewhere).
#[derive(Debug, Default, Clone, Copy)]
pub struct ProcessUsage {
    /// Resident set size.
    pub rss_bytes: u64,
    /// Peak resident set size.
    pub peak_rss_bytes: u64,
    /// User + system CPU seconds.
    pub cpu_seconds: f64,
}

/// Reads [`ProcessUsage`] for this process.
pub fn process_usage() -> ProcessUsage {
    let mut u = ProcessUsage::default();
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        for line in status.lines() {
            let kib = |l: &str| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0)
                    * 1024
            };
            if line.starts_with("VmRSS:") {
                u.rss_bytes = kib(line);
            } else if line.starts_with("VmHWM:") {
                u.peak_rss_bytes = kib(line);
            }
        }
    }
    if let Ok(stat) = std::fs::read_to_string("/proc/self/stat") {
        // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
        if let Some(rest) = stat.rsplit(')').next() {
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
            u.cpu_seconds = (ticks(11) + ticks(12)) / 100.0;
        }
    }
    u
}
