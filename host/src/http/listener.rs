//! Accepting connections. axum's own `serve` has no header, idle or body
//! timeouts and no cap on connections, so a few hundred trickling or idle
//! clients could hold the server's file descriptors and a shutdown waited
//! for them forever; this loop bounds all of that (`[http]` settings).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

use crate::config::HttpConfig;

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests
/// in flight finish for at most `http.shutdown_timeout_secs`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    http: &HttpConfig,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(http.max_connections.max(1)));
    let header_timeout = Duration::from_secs(http.header_timeout_secs.max(1));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, _peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors or the like: back off, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tracing::warn!(
                max = http.max_connections,
                "connection refused: http.max_connections open"
            );
            drop(stream);
            continue;
        };
        let service = hyper::service::service_fn({
            let app = app.clone();
            move |req| tower_call(app.clone(), req)
        });
        let mut stop = stop_rx.clone();
        connections.spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(slot);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let deadline = Duration::from_secs(http.shutdown_timeout_secs);
    let drained = tokio::time::timeout(deadline, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = connections.len(),
            "shutdown deadline reached (http.shutdown_timeout_secs); closing the remaining connections"
        );
        connections.abort_all();
    }
}

async fn tower_call(
    app: Router,
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<axum::response::Response, std::convert::Infallible> {
    use tower_service::Service as _;
    let mut app = app;
    app.call(req.map(axum::body::Body::new)).await
}
