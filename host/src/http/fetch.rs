//! Fetching `file_url` uploads — the host's only outgoing connection, and only
//! when the operator turned offline mode off and fetching on. `http` and
//! `https` (rustls, the system's certificate authorities plus
//! `fetch.ca_file`), redirects followed up to `fetch.max_redirects`.
//!
//! Every hop is resolved here and connected to the very address that was
//! checked (no second lookup a rebinding DNS server could answer
//! differently): public addresses only unless `fetch.allow_private`, and
//! only `fetch.allowed_hosts` when that list is set. What went wrong
//! upstream goes to the log; the client gets one generic answer, so the
//! host cannot be used to map a network.

mod address;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use tokio::io::{AsyncRead, AsyncWrite};

use super::error::ApiError;
use super::AppState;
use crate::config::FetchConfig;

/// Why the fetcher cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum FetcherError {
    /// `fetch.ca_file` cannot be read or holds no usable certificate.
    #[error("fetch.ca_file {path}: {why}")]
    CaFile {
        /// The file.
        path: String,
        /// What is wrong with it.
        why: String,
    },
    /// The TLS client cannot be built.
    #[error("cannot set up the TLS client: {0}")]
    Tls(String),
}

/// The `file_url` client: built once at startup when fetching is allowed.
pub struct Fetcher {
    tls: tokio_rustls::TlsConnector,
    max_redirects: u32,
    timeout: Duration,
    allow_private: bool,
    allowed_hosts: Vec<String>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("max_redirects", &self.max_redirects)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Fetcher {
    /// Trusts the system's certificate authorities and those of `ca_file`.
    pub fn new(config: &FetchConfig) -> Result<Fetcher, FetcherError> {
        let mut roots = rustls::RootCertStore::empty();
        // Unreadable entries of the system store are skipped, as browsers do.
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
        if let Some(path) = &config.ca_file {
            add_ca_file(&mut roots, path)?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| FetcherError::Tls(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Fetcher {
            tls: tokio_rustls::TlsConnector::from(Arc::new(tls)),
            max_redirects: config.max_redirects,
            timeout: Duration::from_secs(config.timeout_secs.max(1)),
            allow_private: config.allow_private,
            allowed_hosts: config.allowed_hosts.clone(),
        })
    }

    /// Downloads `url`, bounded by `limit` bytes and the fetch timeout.
    pub async fn get(&self, url: &str, limit: usize) -> Result<Vec<u8>, ApiError> {
        match tokio::time::timeout(self.timeout, self.follow(url, limit)).await {
            Ok(result) => result,
            Err(_) => Err(ApiError::new(
                StatusCode::GATEWAY_TIMEOUT,
                "timeout",
                format!(
                    "fetching file_url took longer than {} s (fetch.timeout_secs)",
                    self.timeout.as_secs()
                ),
            )),
        }
    }

    async fn follow(&self, url: &str, limit: usize) -> Result<Vec<u8>, ApiError> {
        let mut uri: hyper::Uri = url
            .parse()
            .map_err(|e| ApiError::bad_request(format!("file_url {url:?} is not a URL: {e}")))?;
        check_scheme(&uri)?;
        let mut redirects = 0;
        loop {
            let resp = self.request(&uri).await?;
            let status = resp.status();
            if status.is_redirection() {
                let next = redirect_target(&uri, &resp)?;
                redirects += 1;
                if redirects > self.max_redirects {
                    return Err(bad_gateway(format!(
                        "file_url redirected more than {} times (fetch.max_redirects)",
                        self.max_redirects
                    )));
                }
                uri = next;
                continue;
            }
            if !status.is_success() {
                return Err(bad_gateway(format!("file_url answered {status}")));
            }
            let body = Limited::new(resp.into_body(), limit)
                .collect()
                .await
                .map_err(|e| {
                    if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                        ApiError::too_large(
                            "payload_too_large",
                            format!(
                                "the file at file_url is larger than {limit} bytes (limits.max_upload_bytes)"
                            ),
                        )
                    } else {
                        bad_gateway(format!("reading file_url failed: {e}"))
                    }
                })?;
            return Ok(body.to_bytes().to_vec());
        }
    }

    /// One GET, over TLS for `https`.
    async fn request(
        &self,
        uri: &hyper::Uri,
    ) -> Result<hyper::Response<hyper::body::Incoming>, ApiError> {
        let host = uri
            .host()
            .ok_or_else(|| ApiError::bad_request("file_url has no host"))?;
        // `[::1]` in a URL is `::1` to the resolver and to TLS.
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let https = uri.scheme_str() == Some("https");
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let targets = self.checked_addresses(&host, port).await?;
        let tcp = tokio::net::TcpStream::connect(targets.as_slice())
            .await
            .map_err(|e| bad_gateway(format!("cannot connect to {host}:{port}: {e}")))?;
        if https {
            let name = rustls::pki_types::ServerName::try_from(host.clone())
                .map_err(|e| ApiError::bad_request(format!("file_url host {host:?}: {e}")))?;
            let tls = self
                .tls
                .connect(name, tcp)
                .await
                .map_err(|e| bad_gateway(format!("TLS with {host}:{port} failed: {e}")))?;
            send_get(tls, uri, &host).await
        } else {
            send_get(tcp, uri, &host).await
        }
    }
}

impl Fetcher {
    /// The addresses of `host` the policy allows (tried in order).
    async fn checked_addresses(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, ApiError> {
        if !address::host_allowed(host, &self.allowed_hosts) {
            return Err(bad_gateway(format!(
                "host {host:?} is not in fetch.allowed_hosts"
            )));
        }
        let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| bad_gateway(format!("cannot resolve {host}: {e}")))?
            .collect();
        let allowed: Vec<SocketAddr> = resolved
            .iter()
            .copied()
            .filter(|a| self.allow_private || address::is_public(a.ip()))
            .collect();
        if allowed.is_empty() {
            return Err(bad_gateway(format!(
                "{host} resolves to {resolved:?}, none of them public (fetch.allow_private is off)"
            )));
        }
        Ok(allowed)
    }
}

/// Runs a `file_url` fetch for a request: refused in offline mode.
pub async fn fetch_url(state: &AppState, url: &str, limit: usize) -> Result<Vec<u8>, ApiError> {
    // Built at start-up exactly when the configuration allows fetching.
    let fetcher = match &state.fetcher {
        Some(f) => f,
        None => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "offline",
                "file_url is refused: the host runs in offline mode (set offline = false and fetch.enabled = true to allow fetching), send the file itself instead",
            ))
        }
    };
    let max = state.config.limits.max_upload_bytes;
    fetcher.get(url, limit).await.map_err(|mut e| {
        if e.code == "payload_too_large" {
            e.message = format!(
                "the files of this request, with file_url's, are larger than {max} bytes (limits.max_upload_bytes)"
            );
        }
        e
    })
}

/// What the client hears whenever the far side failed or the policy
/// refused it; `detail` goes to the log under the request's trace id.
fn bad_gateway(detail: String) -> ApiError {
    tracing::warn!(%detail, "file_url not fetched");
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        "bad_gateway",
        "file_url could not be fetched (the server log has the reason under this request's trace id)",
    )
}

fn check_scheme(uri: &hyper::Uri) -> Result<(), ApiError> {
    match uri.scheme_str() {
        Some("http" | "https") => Ok(()),
        _ => Err(ApiError::bad_request(format!(
            "file_url must be an http:// or https:// URL; got {uri}"
        ))),
    }
}

/// The `Location` of a redirect, resolved against `from`.
fn redirect_target<B>(
    from: &hyper::Uri,
    resp: &hyper::Response<B>,
) -> Result<hyper::Uri, ApiError> {
    let location = resp
        .headers()
        .get(hyper::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            bad_gateway(format!(
                "file_url answered {} without a Location",
                resp.status()
            ))
        })?;
    let next = resolve_location(from, location)
        .ok_or_else(|| bad_gateway(format!("file_url redirected to {location:?}, not a URL")))?;
    check_scheme(&next)?;
    if from.scheme_str() == Some("https") && next.scheme_str() != Some("https") {
        return Err(bad_gateway(format!(
            "file_url redirected from https to {next}: refused"
        )));
    }
    Ok(next)
}

/// An absolute `Location`, or a path on the same origin.
fn resolve_location(from: &hyper::Uri, location: &str) -> Option<hyper::Uri> {
    let parsed: hyper::Uri = location.parse().ok()?;
    if parsed.scheme().is_some() {
        return Some(parsed);
    }
    if !location.starts_with('/') {
        return None;
    }
    let mut parts = hyper::http::uri::Parts::default();
    parts.scheme = from.scheme().cloned();
    parts.authority = from.authority().cloned();
    parts.path_and_query = Some(location.parse().ok()?);
    hyper::Uri::from_parts(parts).ok()
}

async fn send_get<S>(
    stream: S,
    uri: &hyper::Uri,
    host: &str,
) -> Result<hyper::Response<hyper::body::Incoming>, ApiError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| bad_gateway(format!("HTTP handshake with {host} failed: {e}")))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let authority = uri.authority().map(|a| a.as_str()).unwrap_or(host);
    let req = hyper::Request::get(path)
        .header(hyper::header::HOST, authority)
        .header(
            hyper::header::USER_AGENT,
            concat!("grace/", env!("CARGO_PKG_VERSION")),
        )
        .body(Empty::<Bytes>::new())
        .map_err(|e| ApiError::bad_request(format!("file_url: {e}")))?;
    sender
        .send_request(req)
        .await
        .map_err(|e| bad_gateway(format!("fetching file_url failed: {e}")))
}

fn add_ca_file(roots: &mut rustls::RootCertStore, path: &Path) -> Result<(), FetcherError> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let err = |why: String| FetcherError::CaFile {
        path: path.display().to_string(),
        why,
    };
    let pem = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<_, _>>()
        .map_err(|e| err(format!("not PEM certificates: {e}")))?;
    if certs.is_empty() {
        return Err(err("holds no CERTIFICATE block".into()));
    }
    for cert in certs {
        roots
            .add(cert)
            .map_err(|e| err(format!("unusable certificate: {e}")))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_against_the_origin() {
        let from: hyper::Uri = "https://files.example:8443/a/b?x=1".parse().unwrap();
        assert_eq!(
            resolve_location(&from, "/c/d.pdf").unwrap().to_string(),
            "https://files.example:8443/c/d.pdf"
        );
        assert_eq!(
            resolve_location(&from, "http://other/x")
                .unwrap()
                .to_string(),
            "http://other/x"
        );
        assert!(resolve_location(&from, "relative/path").is_none());
    }

    #[test]
    fn a_missing_or_empty_ca_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "no certificates here").unwrap();
        for path in [dir.path().join("absent.pem"), empty] {
            let config = FetchConfig {
                ca_file: Some(path.clone()),
                ..FetchConfig::default()
            };
            let err = Fetcher::new(&config).unwrap_err().to_string();
            assert!(
                err.contains("fetch.ca_file") && err.contains(&*path.to_string_lossy()),
                "{err}"
            );
        }
    }
}
