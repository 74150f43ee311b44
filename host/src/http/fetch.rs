//! Fetching `file_url` uploads — the host's only outgoing connection, and only
//! when the operator turned offline mode off and fetching on.

use std::time::Duration;

use axum::http::StatusCode;
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;

use super::error::ApiError;
use super::AppState;

/// Downloads `url` (plain `http://`), bounded by the upload byte limit and the fetch timeout.
pub async fn fetch_url(state: &AppState, url: &str) -> Result<Vec<u8>, ApiError> {
    if !state.config.fetch_allowed() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "offline",
            "file_url is refused: the host runs in offline mode (set offline = false and fetch.enabled = true to allow fetching), send the file itself instead",
        ));
    }
    let timeout = Duration::from_secs(state.config.fetch.timeout_secs.max(1));
    let limit = state.config.limits.max_upload_bytes as usize;
    match tokio::time::timeout(timeout, get(url, limit)).await {
        Ok(result) => result,
        Err(_) => Err(ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "timeout",
            format!(
                "fetching file_url took longer than {} s (fetch.timeout_secs)",
                timeout.as_secs()
            ),
        )),
    }
}

async fn get(url: &str, limit: usize) -> Result<Vec<u8>, ApiError> {
    let bad_gateway = |m: String| ApiError::new(StatusCode::BAD_GATEWAY, "bad_gateway", m);
    let uri: hyper::Uri = url
        .parse()
        .map_err(|e| ApiError::bad_request(format!("file_url {url:?} is not a URL: {e}")))?;
    if uri.scheme_str() != Some("http") {
        return Err(ApiError::bad_request(format!(
            "file_url must be an http:// URL (this host has no TLS client); got {url:?}"
        )));
    }
    let host = uri
        .host()
        .ok_or_else(|| ApiError::bad_request("file_url has no host"))?
        .to_string();
    let port = uri.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| bad_gateway(format!("cannot connect to {host}:{port}: {e}")))?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| bad_gateway(format!("HTTP handshake with {host} failed: {e}")))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let req = hyper::Request::get(path)
        .header(hyper::header::HOST, host.as_str())
        .body(Empty::<Bytes>::new())
        .map_err(|e| ApiError::bad_request(format!("file_url: {e}")))?;
    let resp = sender
        .send_request(req)
        .await
        .map_err(|e| bad_gateway(format!("fetching file_url failed: {e}")))?;
    if !resp.status().is_success() {
        return Err(bad_gateway(format!("file_url answered {}", resp.status())));
    }
    let body = Limited::new(resp.into_body(), limit)
        .collect()
        .await
        .map_err(|_| {
            ApiError::too_large(
                "payload_too_large",
                format!(
                    "the file at file_url is larger than {limit} bytes (limits.max_upload_bytes)"
                ),
            )
        })?;
    Ok(body.to_bytes().to_vec())
}
