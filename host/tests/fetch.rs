//! `file_url` end to end: a real `grace serve` with offline mode off and
//! fetching on, against a local file server over http and https (a test
//! certificate authority given as `fetch.ca_file`): redirects, a redirect
//! loop, a missing file, a file over the upload limit, a slow server, an
//! untrusted certificate and an https → http downgrade; and the address
//! policy: loopback refused by default, `fetch.allowed_hosts` checked on
//! every redirect, one answer whatever went wrong upstream.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use common::{hash_wasm, Server};
use serde_json::{json, Value};

const CONTENT: &[u8] = b"grace fetched this file";

/// Requests the file servers of this test binary have answered.
static SERVED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// What the client is told whenever the far side failed or policy refused.
const GENERIC: &str = "file_url could not be fetched";

/// The answer for a path (status line, extra headers, body).
fn answer_for(path: &str, plain_port: u16) -> (String, String, Vec<u8>) {
    match path {
        "/doc.txt" => ("200 OK".into(), String::new(), CONTENT.to_vec()),
        "/moved" => (
            "302 Found".into(),
            "Location: /doc.txt\r\n".into(),
            Vec::new(),
        ),
        "/loop" => ("302 Found".into(), "Location: /loop\r\n".into(), Vec::new()),
        "/to-plain" => (
            "301 Moved Permanently".into(),
            format!("Location: http://127.0.0.1:{plain_port}/doc.txt\r\n"),
            Vec::new(),
        ),
        "/big" => ("200 OK".into(), String::new(), vec![b'x'; 300_000]),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(3));
            ("200 OK".into(), String::new(), CONTENT.to_vec())
        }
        _ => (
            "404 Not Found".into(),
            String::new(),
            b"no such file".to_vec(),
        ),
    }
}

/// Reads one request head and writes the answer.
fn serve_one(stream: &mut (impl Read + Write), plain_port: u16) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    SERVED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (status, headers, body) = answer_for(&path, plain_port);
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}

/// A plain http file server on a loopback port.
fn plain_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve_one(&mut { stream }, addr.port()));
        }
    });
    addr
}

/// An https file server whose certificate (for `localhost` and 127.0.0.1)
/// is signed by a fresh test CA; returns its address and the CA in PEM.
fn tls_server(plain_port: u16) -> (SocketAddr, String) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Grace test CA");
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let mut leaf_params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    leaf_params
        .subject_alt_names
        .push(rcgen::SanType::IpAddress("127.0.0.1".parse().unwrap()));
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &ca, &ca_key).unwrap();

    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![leaf.der().clone()], key)
    .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, stream);
                serve_one(&mut tls, plain_port);
            });
        }
    });
    (addr, ca.pem())
}

fn zapier_hash(server: &Server, url: &str) -> (u16, Value) {
    let resp = server
        .req("POST", "/v1/zapier/hash")
        .json(&json!({ "file_url": url }))
        .send();
    (resp.status, resp.json())
}

#[test]
fn file_url_over_http_and_https() {
    let plain = plain_server();
    let (tls, ca_pem) = tls_server(plain.port());
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("test-ca.pem");
    std::fs::write(&ca_file, ca_pem).unwrap();
    let config = format!(
        "offline = false\n[limits]\nmax_upload_bytes = 100000\n[fetch]\nenabled = true\nallow_private = true\ntimeout_secs = 1\nmax_redirects = 3\nca_file = {:?}\n",
        ca_file.display().to_string()
    );
    let server = Server::start(&[("hash.wasm", hash_wasm())], &config, false);
    let want = grace::sha256_hex(CONTENT);

    for url in [
        format!("http://{plain}/doc.txt"),
        format!("http://{plain}/moved"),
        format!("https://localhost:{}/doc.txt", tls.port()),
        format!("https://127.0.0.1:{}/moved", tls.port()),
    ] {
        let (status, flat) = zapier_hash(&server, &url);
        assert_eq!(status, 200, "{url}: {flat}");
        assert_eq!(flat["sha256"], want, "{url}: {flat}");
    }

    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let refused = [
        (
            format!("http://{plain}/missing"),
            502,
            "bad_gateway",
            GENERIC,
        ),
        (
            format!("http://{closed}/doc.txt"),
            502,
            "bad_gateway",
            GENERIC,
        ),
        (format!("http://{plain}/loop"), 502, "bad_gateway", GENERIC),
        (
            format!("http://{plain}/big"),
            413,
            "payload_too_large",
            "100000 bytes",
        ),
        (
            format!("http://{plain}/slow"),
            504,
            "timeout",
            "fetch.timeout_secs",
        ),
        (
            format!("https://127.0.0.1:{}/to-plain", tls.port()),
            502,
            "bad_gateway",
            GENERIC,
        ),
        (
            format!("ftp://{plain}/doc.txt"),
            400,
            "bad_request",
            "http:// or https://",
        ),
    ];
    let mut upstream_answers = std::collections::BTreeSet::new();
    for (url, status, code, says) in refused {
        let resp = server
            .req("POST", "/v1/run/hash")
            .json(&json!({ "file_url": url }))
            .send();
        assert_eq!(resp.status, status, "{url}: {}", resp.text());
        let body = resp.json();
        assert_eq!(body["error"]["code"], code, "{url}: {body}");
        assert!(
            body["error"]["message"].as_str().unwrap().contains(says),
            "{url}: {body}"
        );
        if status == 502 {
            upstream_answers.insert(body.to_string());
        }
    }
    // A 404, a closed port, a loop and a downgrade read the same to a prober.
    assert_eq!(upstream_answers.len(), 1, "{upstream_answers:?}");
}

#[test]
fn local_addresses_are_refused_unless_allowed() {
    let plain = plain_server();
    let port = plain.port();
    let server = Server::start(
        &[("hash.wasm", hash_wasm())],
        "offline = false\n[fetch]\nenabled = true\n",
        false,
    );
    let before = SERVED.load(std::sync::atomic::Ordering::SeqCst);
    for url in [
        format!("http://127.0.0.1:{port}/doc.txt"),
        format!("http://localhost:{port}/doc.txt"),
        format!("http://[::ffff:127.0.0.1]:{port}/doc.txt"),
        format!("http://0.0.0.0:{port}/doc.txt"),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://10.0.0.1/x".to_string(),
    ] {
        let (status, body) = zapier_hash(&server, &url);
        assert_eq!(status, 502, "{url}: {body}");
        assert!(
            body["error"]["message"].as_str().unwrap().contains(GENERIC),
            "{url}: {body}"
        );
    }
    assert_eq!(
        SERVED.load(std::sync::atomic::Ordering::SeqCst),
        before,
        "a refused address was connected to"
    );

    // allowed_hosts is checked on every hop: localhost may be fetched, its
    // redirect to 127.0.0.1 may not.
    let server = Server::start(
        &[("hash.wasm", hash_wasm())],
        "offline = false\n[fetch]\nenabled = true\nallow_private = true\nallowed_hosts = [\"localhost\"]\n",
        false,
    );
    let (status, flat) = zapier_hash(&server, &format!("http://localhost:{port}/doc.txt"));
    assert_eq!(status, 200, "{flat}");
    assert_eq!(flat["sha256"], grace::sha256_hex(CONTENT));
    let (status, body) = zapier_hash(&server, &format!("http://127.0.0.1:{port}/doc.txt"));
    assert_eq!(status, 502, "{body}");
    let (status, body) = zapier_hash(&server, &format!("http://localhost:{port}/to-plain"));
    assert_eq!(status, 502, "redirect to a host not allowed: {body}");
}

#[test]
fn an_untrusted_certificate_is_refused() {
    let plain = plain_server();
    let (tls, _ca_not_given) = tls_server(plain.port());
    let server = Server::start(
        &[("hash.wasm", hash_wasm())],
        "offline = false\n[fetch]\nenabled = true\nallow_private = true\n",
        false,
    );
    let (status, body) = zapier_hash(
        &server,
        &format!("https://localhost:{}/doc.txt", tls.port()),
    );
    assert_eq!(status, 502, "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains(GENERIC),
        "{body}"
    );
}

#[test]
fn file_urls_are_counted_and_share_the_upload_limit() {
    let plain = plain_server();
    let server = Server::start(
        &[("hash.wasm", hash_wasm())],
        "offline = false\n[limits]\nmax_upload_bytes = 500000\nmax_batch_files = 5\n[fetch]\nenabled = true\nallow_private = true\n",
        false,
    );
    let url = format!("http://{plain}/big");
    let before = SERVED.load(std::sync::atomic::Ordering::SeqCst);
    // Forty URLs on a one-file route, then on a batch over its file limit:
    // refused before a single download.
    let many: Vec<(&str, Option<&str>, &[u8])> = (0..40)
        .map(|_| ("file_url", None, url.as_bytes()))
        .collect();
    let one_file = server.req("POST", "/v1/run/hash").multipart(&many).send();
    assert_eq!(one_file.status, 400, "{}", one_file.text());
    let batch = server
        .req("POST", "/api/ocr/process_batch?module=hash")
        .multipart(&many)
        .send();
    assert_eq!(batch.status, 413, "{}", batch.text());
    assert!(batch.text().contains("limits.max_batch_files"));
    assert_eq!(
        SERVED.load(std::sync::atomic::Ordering::SeqCst),
        before,
        "files were downloaded for a refused request"
    );
    // Two files of 300 kB fit the batch count but not the 500 kB limit together.
    let two = server
        .req("POST", "/api/ocr/process_batch?module=hash")
        .multipart(&many[..2])
        .send();
    assert_eq!(two.status, 413, "{}", two.text());
    assert!(
        two.text().contains("limits.max_upload_bytes"),
        "{}",
        two.text()
    );
}
