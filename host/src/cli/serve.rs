//! `grace serve`: store, modules, job workers, module watcher and the HTTP API.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::json;

use super::{CliError, Outcome};
use crate::config::Config;
use crate::http::{rate_limit::RateLimiter, AppState};
use crate::jobs::JobRunner;
use crate::metrics::Metrics;
use crate::service::{Service, SwapEvent};
use crate::store::Store;

/// Arguments of `grace serve`.
#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long)]
    pub listen: Option<SocketAddr>,
    /// Serve without API keys (local use only).
    #[arg(long)]
    pub no_auth: bool,
}

/// Sets up `tracing`: JSON lines when stderr is not a terminal (or `log.format = "json"`).
pub fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("GRACE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&config.log.level));
    let json = match config.log.format.as_str() {
        "json" => true,
        "text" => false,
        _ => !std::io::stderr().is_terminal(),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = if json {
        builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init()
    } else {
        builder.try_init()
    };
    // Already initialised (tests): keep the first subscriber.
    let _ = result;
}

pub(super) async fn serve(mut config: Config, args: &ServeArgs) -> Result<Outcome, CliError> {
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    if args.no_auth {
        config.auth = false;
    }
    init_logging(&config);
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        CliError::Serve(format!(
            "cannot create data folder {}: {e}",
            config.data_dir.display()
        ))
    })?;
    let store = Arc::new(Store::open(&config.data_dir)?);
    let metrics = Arc::new(Metrics::default());
    let service = Service::start(&config, metrics.clone()).await?;
    for (file, why) in service.rejected_files() {
        tracing::warn!(file = %file.display(), reason = %why, "module file rejected");
    }
    for m in service.modules().values() {
        tracing::info!(
            module = m.name(),
            version = m.version(),
            sha256 = m.sha256(),
            "module loaded"
        );
    }
    if !config.auth {
        tracing::warn!("authentication is off (--no-auth): any local client can call every route");
    }
    store.audit(
        "host",
        "host.start",
        &config.listen.to_string(),
        &json!({"modules": service.module_names(), "auth": config.auth, "offline": config.offline}),
    )?;
    // Only a store that never had a key gets one: an operator who revoked
    // every key meant to lock the API.
    if config.auth && store.list_keys()?.is_empty() {
        // First start: without a key nobody could call the API. The key is
        // shown once, here, like `grace keys create` does.
        let first = store.create_key("default", crate::store::Scope::Admin)?;
        store.audit(
            "host",
            "keys.create",
            &first.key.id,
            &json!({"name": "default", "prefix": first.key.prefix, "scope": "admin", "reason": "first start"}),
        )?;
        eprintln!(
            "grace: no API key existed, so one was created (shown only now):\n\n    {}\n\nsend it as `Authorization: Bearer KEY`; manage keys with `grace keys create|list|revoke`",
            first.secret
        );
    }
    let jobs = JobRunner::start(
        store.clone(),
        service.clone(),
        config.job_workers(),
        config.idempotency,
    )?;
    if config.runtime.watch_interval_ms > 0 {
        let audit_store = store.clone();
        service.spawn_watcher(Duration::from_millis(config.runtime.watch_interval_ms), move |ev| {
            match ev {
                SwapEvent::Rejected { file, reason } => {
                    tracing::warn!(file = %file, reason = %reason, "module file rejected; the previous version keeps serving")
                }
                other => tracing::info!(event = ?other, "module swapped"),
            }
            let details = serde_json::to_value(ev).unwrap_or_default();
            if let Err(e) = audit_store.audit("host", "module.swap", "modules", &details) {
                tracing::error!(error = %e, "cannot write the audit record");
            }
        });
    }
    if config.jobs.retention_days > 0 {
        spawn_retention(store.clone(), config.jobs.retention_days);
    }
    let fetcher = if config.fetch_allowed() {
        let f = crate::http::fetch::Fetcher::new(&config.fetch)
            .map_err(|e| CliError::Serve(e.to_string()))?;
        Some(Arc::new(f))
    } else {
        None
    };
    let state = AppState {
        limiter: Arc::new(
            RateLimiter::new(config.rate_limit.per_second, config.rate_limit.burst)
                .with_max_in_flight(config.max_in_flight_per_key()),
        ),
        config: Arc::new(config.clone()),
        service,
        store,
        metrics,
        jobs,
        started: Instant::now(),
        fetcher,
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| CliError::Serve(format!("cannot listen on {}: {e}", config.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::Serve(format!("cannot read the listening address: {e}")))?;
    // The one line on stdout: scripts and tests read the address from it.
    println!("grace: listening on http://{addr}");
    tracing::info!(%addr, "listening");
    crate::http::listener::serve(
        listener,
        crate::http::router(state),
        &config.http,
        shutdown_signal(),
    )
    .await;
    tracing::info!("stopped");
    Ok(Outcome::default())
}

/// Deletes finished jobs, their uploads and stored results older than the
/// retention, at start and every hour after.
fn spawn_retention(store: Arc<Store>, days: u64) {
    const EVERY: Duration = Duration::from_secs(3600);
    let keep_ms = i64::try_from(days.saturating_mul(86_400_000)).unwrap_or(i64::MAX);
    tokio::spawn(async move {
        loop {
            let store = store.clone();
            let swept = tokio::task::spawn_blocking(move || {
                let before = crate::store::now_ms().saturating_sub(keep_ms);
                let jobs = store.delete_finished_before(before, None)?;
                let results = store.delete_results_before(before)?;
                if !jobs.is_empty() || results > 0 {
                    store.audit(
                        "host",
                        "retention.expire",
                        "queue",
                        &json!({"retention_days": days, "jobs": jobs.len(), "results": results}),
                    )?;
                }
                Ok::<_, crate::store::StoreError>(())
            })
            .await;
            if let Ok(Err(e)) = swept {
                tracing::error!(error = %e, "retention sweep failed");
            }
            tokio::time::sleep(EVERY).await;
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
