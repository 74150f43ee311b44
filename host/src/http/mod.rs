//! The HTTP API (axum): routes, authentication and rate limits, request
//! logging and metrics. Handlers are thin: they read the request, call
//! [`crate::dispatch`] or the store, and shape the answer.

mod docs;
mod error;
pub mod fetch;
pub mod form;
mod health;
mod jobs;
pub mod listener;
pub mod rate_limit;
mod run;
pub mod upload;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::MethodRouter;
use axum::Router;
use tracing::Instrument;

pub use docs::{openapi, RouteDoc};
pub use error::ApiError;

use crate::config::Config;
use crate::jobs::JobRunner;
use crate::metrics::Metrics;
use crate::service::Service;
use crate::store::Store;
use rate_limit::RateLimiter;

/// Everything a handler needs.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Effective configuration.
    pub config: Arc<Config>,
    /// Modules and pipelines.
    pub service: Arc<Service>,
    /// The store.
    pub store: Arc<Store>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Job workers.
    pub jobs: Arc<JobRunner>,
    /// Per-key rate limits.
    pub limiter: Arc<RateLimiter>,
    /// When the server started.
    pub started: Instant,
    /// The `file_url` client (None in offline mode).
    pub fetcher: Option<Arc<fetch::Fetcher>>,
}

/// The request's trace id (from `X-Trace-Id`, or new).
#[derive(Debug, Clone)]
pub struct TraceId(pub String);

/// Who is calling: the API key's id (`anonymous` under `--no-auth`) and
/// whether it sees every key's jobs.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The key's id.
    pub key_id: String,
    /// An `admin` key, or no authentication at all.
    pub admin: bool,
}

impl Caller {
    /// The owner recorded on this caller's jobs (None without auth).
    pub fn owner(&self, auth: bool) -> Option<String> {
        auth.then(|| self.key_id.clone())
    }

    /// Whether this caller may see a job submitted by `owner`.
    pub fn may_see(&self, owner: Option<&str>) -> bool {
        self.admin || owner == Some(self.key_id.as_str())
    }
}

/// Every route: its documentation and its handler, so the router and the
/// OpenAPI document are built from the same list.
pub fn routes() -> Vec<(RouteDoc, MethodRouter<AppState>)> {
    let mut all = Vec::new();
    all.extend(health::routes());
    all.extend(run::routes());
    all.extend(jobs::routes());
    all.extend(docs::routes());
    all
}

/// The application router with its middleware.
pub fn router(state: AppState) -> Router {
    let mut public = Router::new();
    let mut protected = Router::new();
    for (doc, handler) in routes() {
        if doc.auth {
            protected = protected.route(doc.path, handler);
        } else {
            public = public.route(doc.path, handler);
        }
    }
    let protected =
        protected.route_layer(middleware::from_fn_with_state(state.clone(), authenticate));
    public
        .merge(protected)
        .fallback(|| async { ApiError::not_found("no such route; see GET /api/documentation") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this route does not take that method; see GET /api/documentation",
            )
        })
        // Handlers read bodies up to `limits.max_upload_bytes` themselves; the
        // same bound replaces axum's 2 MB default, which also applied to the
        // multipart body they rewrap and refused every larger photo.
        .layer(DefaultBodyLimit::max(body_limit(&state.config)))
        .layer(middleware::from_fn(catch_panic))
        .layer(middleware::from_fn_with_state(state.clone(), check_host))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// The largest request body any route reads.
fn body_limit(config: &Config) -> usize {
    usize::try_from(config.limits.max_upload_bytes).unwrap_or(usize::MAX)
}

/// A panic in a handler answers a JSON 500 with the trace id alone: the
/// panic message (which may quote the request or name source paths) goes
/// to the log, not to the client.
async fn catch_panic(req: Request, next: Next) -> Response {
    use futures_util::FutureExt as _;
    let trace_id = req
        .extensions()
        .get::<TraceId>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    match std::panic::AssertUnwindSafe(next.run(req))
        .catch_unwind()
        .await
    {
        Ok(resp) => resp,
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            tracing::error!(panic = %what, "handler panicked");
            let mut err = ApiError::internal(format!(
                "internal error; the server log has the details under trace id {trace_id}"
            ));
            err.details = serde_json::json!({ "trace_id": trace_id });
            axum::response::IntoResponse::into_response(err)
        }
    }
}

/// Refuses a `Host` this server does not go by (421): on a loopback
/// address only loopback names (and `http.allowed_hosts`), so a web page
/// that points its own DNS name at 127.0.0.1 cannot drive the API.
async fn check_host(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if host.is_empty() || host_allowed(host, &state.config) {
        return next.run(req).await;
    }
    axum::response::IntoResponse::into_response(ApiError::new(
        StatusCode::MISDIRECTED_REQUEST,
        "bad_host",
        "this server does not answer to that Host name; add it to http.allowed_hosts",
    ))
}

fn host_allowed(host: &str, config: &Config) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _port)| name),
    }
    .trim_end_matches('.')
    .to_ascii_lowercase();
    let extra = &config.http.allowed_hosts;
    if extra.iter().any(|h| h.eq_ignore_ascii_case(&name)) {
        return true;
    }
    if !config.listen.ip().is_loopback() {
        return extra.is_empty();
    }
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The method as a metrics label: request data may not mint new series.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Outermost layer: trace id, a span per request, one log line, metrics.
async fn observe(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let trace_id = req
        .headers()
        .get("x-trace-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| crate::envelope::is_valid_trace_id(v))
        .map(str::to_string)
        .unwrap_or_else(crate::store::new_id);
    // Routing happens inside this layer, so the route is matched here from the table.
    let route = route_label(req.uri().path());
    let method = method_label(req.method());
    req.extensions_mut().insert(TraceId(trace_id.clone()));
    let span =
        tracing::info_span!("request", trace_id = %trace_id, method = %method, route = %route);
    let start = Instant::now();
    let mut resp = next.run(req).instrument(span.clone()).await;
    let took = start.elapsed();
    let status = resp.status().as_u16().to_string();
    state.metrics.inc(
        "grace_http_requests_total",
        &[("route", route), ("method", method), ("status", &status)],
    );
    state.metrics.observe(
        "grace_http_request_duration_seconds",
        &[("route", route)],
        took,
    );
    if let Ok(v) = HeaderValue::from_str(&trace_id) {
        resp.headers_mut().insert("x-trace-id", v);
    }
    span.in_scope(|| {
        tracing::info!(
            status = resp.status().as_u16(),
            ms = took.as_secs_f64() * 1000.0,
            "request"
        );
    });
    resp
}

/// The route pattern a path belongs to (`/v1/run/{name}`), or `unmatched`:
/// metrics are labelled by route, never by raw path.
pub fn route_label(path: &str) -> &'static str {
    static PATTERNS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| routes().into_iter().map(|(d, _)| d.path).collect());
    let segs: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    patterns
        .iter()
        .find(|p| {
            let ps: Vec<&str> = p.split('/').collect();
            ps.len() == segs.len()
                && ps
                    .iter()
                    .zip(&segs)
                    .all(|(a, b)| a == b || (a.starts_with('{') && !b.is_empty()))
        })
        .copied()
        .unwrap_or("unmatched")
}

/// Refuses requests without a live API key (before the body is read) and
/// applies the caller's rate limit.
async fn authenticate(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let caller = if state.config.auth {
        let Some(secret) = presented_key(req.headers()) else {
            state
                .metrics
                .inc("grace_auth_failures_total", &[("reason", "missing")]);
            return Err(unauthorized("missing API key: send `Authorization: Bearer KEY` or `X-API-Key: KEY` (create one with `grace keys create NAME`)"));
        };
        let store = state.store.clone();
        let found = tokio::task::spawn_blocking(move || store.authenticate(&secret))
            .await
            .map_err(|e| ApiError::internal(e.to_string()))??;
        match found {
            Some(key) => Caller {
                admin: key.scope == crate::store::Scope::Admin,
                key_id: key.id,
            },
            None => {
                state
                    .metrics
                    .inc("grace_auth_failures_total", &[("reason", "invalid")]);
                return Err(unauthorized(
                    "the API key is not valid (unknown or revoked)",
                ));
            }
        }
    } else {
        Caller {
            key_id: "anonymous".into(),
            admin: true,
        }
    };
    let decision = state.limiter.check(&caller.key_id);
    let headers = [
        ("x-ratelimit-limit", decision.limit.to_string()),
        ("x-ratelimit-remaining", decision.remaining.to_string()),
        ("x-ratelimit-reset", decision.reset_secs.to_string()),
    ];
    if !decision.allowed {
        state
            .metrics
            .inc("grace_rate_limited_total", &[("key", &caller.key_id)]);
        let mut err = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!(
                "rate limit reached: {} requests in a burst, {} per second sustained (rate_limit.burst, rate_limit.per_second); retry in {} s",
                decision.limit, state.config.rate_limit.per_second, decision.retry_after_secs
            ),
        );
        err.headers
            .push((header::RETRY_AFTER, decision.retry_after_secs.to_string()));
        for (k, v) in headers {
            err.headers.push((header::HeaderName::from_static(k), v));
        }
        return Err(err);
    }
    let in_flight = if state.config.auth {
        let Some(slot) = state.limiter.enter(&caller.key_id) else {
            let mut err = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_in_flight",
                format!(
                    "this key already has {} requests in flight (rate_limit.max_concurrent); retry when one finishes",
                    state.limiter.max_in_flight()
                ),
            );
            err.headers.push((header::RETRY_AFTER, "1".into()));
            return Err(err);
        };
        Some(slot)
    } else {
        None
    };
    req.extensions_mut().insert(caller);
    let mut resp = next.run(req).await;
    drop(in_flight);
    for (k, v) in headers {
        if let Ok(v) = HeaderValue::from_str(&v) {
            resp.headers_mut().insert(k, v);
        }
    }
    Ok(resp)
}

fn unauthorized(message: &str) -> ApiError {
    let mut e = ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message);
    e.headers.push((header::WWW_AUTHENTICATE, "Bearer".into()));
    e
}

/// The key from `Authorization: Bearer KEY` or `X-API-Key: KEY`.
fn presented_key(headers: &axum::http::HeaderMap) -> Option<String> {
    if let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let v = v.trim();
        if let Some(k) = v
            .strip_prefix("Bearer ")
            .or_else(|| v.strip_prefix("bearer "))
        {
            return Some(k.trim().to_string());
        }
    }
    headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    #[test]
    fn loopback_servers_answer_loopback_names_only() {
        let mut config = crate::config::Config::default();
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "[::1]:8080",
            "LOCALHOST",
        ] {
            assert!(super::host_allowed(ok, &config), "{ok}");
        }
        for bad in [
            "evil.example:8080",
            "127.0.0.1.evil.example",
            "[2001:db8::1]:80",
        ] {
            assert!(!super::host_allowed(bad, &config), "{bad}");
        }
        config.http.allowed_hosts = vec!["grace.lan".into()];
        assert!(super::host_allowed("grace.lan:8080", &config));
        config.listen = "0.0.0.0:8080".parse().unwrap();
        assert!(!super::host_allowed("evil.example", &config));
        config.http.allowed_hosts.clear();
        assert!(super::host_allowed("anything.lan", &config));
    }

    #[test]
    fn unknown_methods_share_one_label() {
        use axum::http::Method;
        assert_eq!(super::method_label(&Method::POST), "POST");
        let odd = Method::from_bytes(&[b'X'; 300]).unwrap();
        assert_eq!(super::method_label(&odd), "other");
    }

    #[test]
    fn routes_label_paths() {
        assert_eq!(super::route_label("/v1/run/ocr"), "/v1/run/{name}");
        assert_eq!(super::route_label("/health"), "/health");
        assert_eq!(
            super::route_label("/api/ocr/result/abc"),
            "/api/ocr/result/{request_id}"
        );
        assert_eq!(super::route_label("/v1/run/"), "unmatched");
        assert_eq!(super::route_label("/nope"), "unmatched");
    }
}
