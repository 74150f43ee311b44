//! `grace serve` end to end: a real server process on a loopback port, real
//! modules, real HTTP. Every route, the error shape, auth before the body,
//! rate limits, upload limits, idempotency, jobs surviving `kill -9`, and
//! hot swap under load.

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use common::{
    grace_cli, hash_wasm, plain_hash_wasm, read_response, submit_batch, wait_for, Resp, Server,
};
use serde_json::{json, Value};

const ABC_SHA256: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

/// The OCR component installed by `cargo xtask setup` (only its media types matter here).
fn ocr_wasm() -> std::path::PathBuf {
    let p = common::workspace_root().join("modules/ocr.wasm");
    assert!(
        p.is_file(),
        "{} is missing: run `cargo xtask setup`",
        p.display()
    );
    p
}

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// Every error answer has the one shape.
fn assert_error(resp: &Resp, status: u16, code: &str) -> Value {
    assert_eq!(resp.status, status, "{}", resp.text());
    let body = resp.json();
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["error"]["details"].is_object(), "{body}");
    body
}

fn metric(server: &Server, key: &str, line_prefix: &str) -> f64 {
    let text = server.req("GET", "/metrics").key(key).send().text();
    text.lines()
        .filter(|l| l.starts_with(line_prefix))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

fn poll_job(server: &Server, key: &str, id: &str) -> Value {
    common::poll_job(server, Some(key), id)
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::new(width, height);
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn new_key(data_dir: &Path, name: &str) -> String {
    let (ok, stdout, stderr) = grace_cli(data_dir, &["keys", "create", name]);
    assert!(ok, "{stderr}");
    let key = stdout.lines().next().unwrap().trim().to_string();
    assert!(key.starts_with("grace_"), "{stdout}");
    key
}

#[test]
fn every_route_end_to_end() {
    let server = Server::start(
        &[("hash.wasm", hash_wasm()), ("ocr.wasm", &ocr_wasm())],
        "[limits]\nmax_upload_bytes = 1048576\nmax_pixels = 1000000\nmax_batch_files = 5\n[rate_limit]\nper_second = 0.0\n",
        true,
    );
    let key = new_key(&server.data_dir, "tests");

    // Health needs no key and checks modules and store.
    let health = server.req("GET", "/health").send();
    assert_eq!(health.status, 200, "{}", health.text());
    let h = health.json();
    assert_eq!(h["status"], "ok");
    assert_eq!(h["modules"]["hash"]["status"], "ok");
    assert_eq!(h["store"]["status"], "ok");

    // Auth: missing, bad, both header styles, revoked.
    assert_error(
        &server.req("GET", "/v1/modules").send(),
        401,
        "unauthorized",
    );
    assert_error(
        &server.req("GET", "/v1/modules").key("grace_nope").send(),
        401,
        "unauthorized",
    );
    let modules = server
        .req("GET", "/v1/modules")
        .header("X-API-Key", &key)
        .send();
    assert_eq!(modules.status, 200);
    let m = modules.json();
    let names: Vec<&str> = m["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["hash", "ocr"]);
    assert_eq!(m["pipelines"][0]["name"], "invoice");
    let temp_key = new_key(&server.data_dir, "temporary");
    assert_eq!(
        server
            .req("GET", "/v1/modules")
            .key(&temp_key)
            .send()
            .status,
        200
    );
    assert!(grace_cli(&server.data_dir, &["keys", "revoke", "temporary"]).0);
    assert_error(
        &server.req("GET", "/v1/modules").key(&temp_key).send(),
        401,
        "unauthorized",
    );

    // A bad key is refused before the body is read: the server answers a
    // request whose 100 MB body was never sent.
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST /v1/run/hash HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer grace_bad\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000000\r\n\r\n"
    )
    .unwrap();
    let early = read_response(&mut stream);
    assert_error(&early, 401, "unauthorized");

    // Synchronous run: raw body, multipart, JSON base64, contract envelope.
    let raw = server
        .req("POST", "/v1/run/hash")
        .key(&key)
        .body("text/plain", "abc")
        .send();
    assert_eq!(raw.status, 200, "{}", raw.text());
    let env = raw.json();
    assert_eq!(env["contract_version"], "1.2");
    assert_eq!(env["status"]["code"], "SUCCESS");
    assert_eq!(env["status"]["module"], "hash");
    assert_eq!(env["result"]["data"]["sha256"], ABC_SHA256);
    assert_eq!(env["metadata"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(
        env["envelope"]["idempotency_key"].as_str().unwrap().len(),
        64
    );
    assert!(env["envelope"]["timestamp_end"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert_eq!(env["errors"], json!([]));
    assert!(raw.header("x-trace-id").is_some());
    assert!(raw.header("x-ratelimit-limit").is_some());

    let mp = server
        .req("POST", "/v1/run/hash")
        .key(&key)
        .multipart(&[
            ("file", Some("a.txt"), b"abc"),
            ("options", None, br#"{"algorithms": ["sha512"]}"#),
        ])
        .send();
    assert_eq!(mp.status, 200, "{}", mp.text());
    assert!(mp.json()["result"]["data"]["sha512"]
        .as_str()
        .unwrap()
        .starts_with("ddaf35a1"));

    let js = server
        .req("POST", "/v1/run/hash?algorithms=%5B%22blake3%22%5D")
        .key(&key)
        .json(&json!({"file": b64(b"abc"), "filename": "a.txt"}))
        .send();
    assert_eq!(js.status, 200, "{}", js.text());
    assert!(js.json()["result"]["data"]["blake3"].is_string());

    let envelope_req = json!({
        "contract_version": "1.2",
        "envelope": {"trace_id": "trace-from-n8n", "step_id": "s1"},
        "payload": {"type": "document", "encoding": "base64", "content": b64(b"hello envelope"),
                    "content_hash": grace::sha256_hex(b"hello envelope")},
        "options": {"algorithms": ["sha256"]}
    });
    let er = server
        .req("POST", "/v1/run/hash")
        .key(&key)
        .json(&envelope_req)
        .send();
    assert_eq!(er.status, 200, "{}", er.text());
    assert_eq!(er.json()["envelope"]["trace_id"], "trace-from-n8n");

    // Idempotency: the same upload again is answered from the store.
    let runs_before = metric(&server, &key, "grace_module_runs_total{module=\"hash\"");
    let again = server
        .req("POST", "/v1/run/hash")
        .key(&key)
        .body("text/plain", "abc")
        .send()
        .json();
    assert_eq!(again["metadata"]["cached"], true);
    assert_eq!(again["result"], env["result"]);
    assert_eq!(
        again["envelope"]["idempotency_key"],
        env["envelope"]["idempotency_key"]
    );
    assert_ne!(again["envelope"]["trace_id"], env["envelope"]["trace_id"]);
    assert_eq!(
        metric(&server, &key, "grace_module_runs_total{module=\"hash\""),
        runs_before
    );
    assert!(metric(&server, &key, "grace_idempotent_hits_total") >= 1.0);

    // Zapier: one flat object of scalars.
    let z = server
        .req("POST", "/v1/zapier/hash")
        .key(&key)
        .multipart(&[("file", Some("z.bin"), b"zapier")])
        .send();
    assert_eq!(z.status, 200, "{}", z.text());
    let flat = z.json();
    assert_eq!(flat["status"], "ok");
    assert_eq!(flat["sha256"], grace::sha256_hex(b"zapier"));
    assert!(
        flat.as_object()
            .unwrap()
            .values()
            .all(|v| !v.is_object() && !v.is_array()),
        "{flat}"
    );
    let offline = server
        .req("POST", "/v1/zapier/hash")
        .key(&key)
        .json(&json!({"file_url": "http://127.0.0.1:9/x"}))
        .send();
    let body = assert_error(&offline, 400, "offline");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("offline"));

    // Errors: unknown module, malformed JSON, empty, too large, too many pixels, wrong type, bad options.
    assert_error(
        &server
            .req("POST", "/v1/run/nope")
            .key(&key)
            .body("text/plain", "x")
            .send(),
        404,
        "unknown_module",
    );
    assert_error(
        &server
            .req("POST", "/v1/run/hash")
            .key(&key)
            .body("application/json", "{not json")
            .send(),
        400,
        "malformed_json",
    );
    assert_error(
        &server.req("POST", "/v1/run/hash").key(&key).send(),
        400,
        "missing_file",
    );
    let big = assert_error(
        &server
            .req("POST", "/v1/run/hash")
            .key(&key)
            .body("application/octet-stream", vec![1u8; 2 << 20])
            .send(),
        413,
        "payload_too_large",
    );
    assert!(
        big["error"]["message"]
            .as_str()
            .unwrap()
            .contains("1048576"),
        "{big}"
    );
    let px = assert_error(
        &server
            .req("POST", "/v1/run/ocr")
            .key(&key)
            .body("image/png", png(1100, 1000))
            .send(),
        413,
        "too_many_pixels",
    );
    assert!(px["error"]["message"].as_str().unwrap().contains("1000000"));
    let wrong = assert_error(
        &server
            .req("POST", "/v1/run/ocr")
            .key(&key)
            .body("image/png", "this is text, not a picture")
            .send(),
        415,
        "unsupported_media_type",
    );
    assert!(
        wrong["error"]["message"]
            .as_str()
            .unwrap()
            .contains("text/plain"),
        "{wrong}"
    );
    let bad_opt = assert_error(
        &server
            .req("POST", "/v1/run/hash?nonsense=1")
            .key(&key)
            .body("text/plain", "abc")
            .send(),
        422,
        "invalid_input",
    );
    assert_eq!(
        bad_opt["status"]["code"], "ERROR",
        "failed runs carry the envelope too"
    );
    assert_error(
        &server.req("GET", "/v1/run/hash").key(&key).send(),
        405,
        "method_not_allowed",
    );
    assert_error(
        &server.req("GET", "/nowhere").key(&key).send(),
        404,
        "not_found",
    );

    // Asynchronous jobs.
    let accepted = server
        .req("POST", "/api/ocr/process_image?module=hash")
        .key(&key)
        .body("text/plain", "job one")
        .send();
    assert_eq!(accepted.status, 202, "{}", accepted.text());
    let id = accepted.json()["request_id"].as_str().unwrap().to_string();
    let job = poll_job(&server, &key, &id);
    assert_eq!(job["status"], "done");
    assert_eq!(
        job["result"]["result"]["data"]["sha256"],
        grace::sha256_hex(b"job one")
    );

    let batch = server
        .req("POST", "/api/ocr/process_batch?module=hash")
        .key(&key)
        .multipart(&[
            ("file", Some("1.txt"), b"b1"),
            ("file", Some("2.txt"), b"b2"),
            ("file", Some("3.txt"), b"b3"),
        ])
        .send();
    assert_eq!(batch.status, 202, "{}", batch.text());
    let b = batch.json();
    assert_eq!(b["jobs"].as_array().unwrap().len(), 3);
    for (j, want) in b["jobs"].as_array().unwrap().iter().zip(["b1", "b2", "b3"]) {
        let done = poll_job(&server, &key, j["request_id"].as_str().unwrap());
        assert_eq!(
            done["result"]["result"]["data"]["sha256"],
            grace::sha256_hex(want.as_bytes())
        );
        assert_eq!(done["batch_id"], b["batch_id"]);
    }
    let bview = server
        .req(
            "GET",
            &format!("/api/ocr/batch/{}", b["batch_id"].as_str().unwrap()),
        )
        .key(&key)
        .send()
        .json();
    assert_eq!(
        (bview["done"].as_u64(), bview["finished"].as_bool()),
        (Some(3), Some(true))
    );
    let json_batch = server
        .req("POST", "/api/ocr/process_batch?module=hash")
        .key(&key)
        .json(&json!({"files": [{"file": b64(b"j1"), "filename": "j1"}, {"file": b64(b"j2")}]}))
        .send();
    assert_eq!(json_batch.status, 202, "{}", json_batch.text());
    let six: Vec<(&str, Option<&str>, &[u8])> =
        (0..6).map(|_| ("file", Some("f"), &b"x"[..])).collect();
    assert_error(
        &server
            .req("POST", "/api/ocr/process_batch?module=hash")
            .key(&key)
            .multipart(&six)
            .send(),
        413,
        "too_many_files",
    );
    assert_error(
        &server
            .req("GET", "/api/ocr/result/no-such-id")
            .key(&key)
            .send(),
        404,
        "not_found",
    );
    assert_error(
        &server
            .req("POST", "/api/ocr/process_image")
            .key(&key)
            .body("text/plain", "ocr is the default target")
            .send(),
        415,
        "unsupported_media_type",
    );
    let failing = server
        .req("POST", "/api/ocr/process_image?module=hash&nonsense=1")
        .key(&key)
        .body("text/plain", "x")
        .send();
    let failed = poll_job(
        &server,
        &key,
        failing.json()["request_id"].as_str().unwrap(),
    );
    assert_eq!(
        (failed["status"].as_str(), failed["error"]["code"].as_str()),
        (Some("failed"), Some("invalid_input"))
    );

    for j in json_batch.json()["jobs"].as_array().unwrap() {
        poll_job(&server, &key, j["request_id"].as_str().unwrap());
    }
    let q = server
        .req("GET", "/api/ocr/queue/status")
        .key(&key)
        .send()
        .json();
    assert_eq!(q["depth"], 0);
    assert!(q["done"].as_u64().unwrap() >= 6, "{q}");
    assert_eq!(q["failed"], 1);
    assert!(q["workers"].as_u64().unwrap() >= 1);
    assert!(q["throughput_per_minute"].as_u64().unwrap() >= 7);

    // An envelope's ttl_ms bounds the whole request, queued or running: OCR
    // of a page cannot finish within 1 ms, so both answers are TIMEOUT.
    let short_lived = |trace: &str| {
        json!({
            "contract_version": "1.2",
            "envelope": {"trace_id": trace, "ttl_ms": 1},
            "payload": {"type": "document", "encoding": "base64", "content": b64(&png(320, 200))},
        })
    };
    let expired = server
        .req("POST", "/v1/run/ocr")
        .key(&key)
        .json(&short_lived("ttl-sync"))
        .send();
    let body = assert_error(&expired, 504, "timeout");
    assert_eq!(body["status"]["code"], "TIMEOUT", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ttl_ms = 1"),
        "{body}"
    );
    let queued = server
        .req("POST", "/api/ocr/process_image?module=ocr")
        .key(&key)
        .json(&short_lived("ttl-job"))
        .send();
    assert_eq!(queued.status, 202, "{}", queued.text());
    let job = poll_job(&server, &key, queued.json()["request_id"].as_str().unwrap());
    assert_eq!(
        (job["status"].as_str(), job["error"]["code"].as_str()),
        (Some("failed"), Some("timeout")),
        "{job}"
    );

    let res = server
        .req("GET", "/api/ocr/resources")
        .key(&key)
        .send()
        .json();
    assert!(res["memory"]["rss_bytes"].as_u64().unwrap() > 0, "{res}");
    assert!(res["modules"]["hash"]["pool"]["size"].as_u64().unwrap() >= 1);

    assert_error(
        &server
            .req("POST", "/api/ocr/clean")
            .key(&key)
            .json(&json!({}))
            .send(),
        400,
        "bad_request",
    );
    let cleaned = server
        .req("POST", "/api/ocr/clean")
        .key(&key)
        .json(&json!({"older_than_secs": 0}))
        .send();
    assert_eq!(cleaned.status, 200, "{}", cleaned.text());
    assert!(cleaned.json()["deleted"].as_u64().unwrap() >= 7);
    assert_error(
        &server
            .req("GET", &format!("/api/ocr/result/{id}"))
            .key(&key)
            .send(),
        404,
        "not_found",
    );

    // Documentation: generated from the routes, every route listed, structurally valid.
    let page = server.req("GET", "/api/documentation").key(&key).send();
    assert_eq!(page.status, 200);
    assert!(page.text().contains("/v1/run/{name}"));
    let doc = server
        .req("GET", "/api/documentation/openapi.json")
        .key(&key)
        .send()
        .json();
    validate_openapi(&doc);
    for (route, _) in grace::http::routes() {
        assert!(
            doc["paths"][route.path][route.method].is_object(),
            "{} {} missing from OpenAPI",
            route.method,
            route.path
        );
    }
    for path in [
        "/health",
        "/metrics",
        "/v1/modules",
        "/v1/run/{name}",
        "/v1/zapier/{name}",
        "/api/ocr/process_image",
        "/api/ocr/process_batch",
        "/api/ocr/result/{request_id}",
        "/api/ocr/queue/status",
        "/api/ocr/resources",
        "/api/ocr/clean",
        "/api/documentation",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }

    // Metrics: Prometheus text with the families the issue names.
    let metrics = server.req("GET", "/metrics").key(&key).send();
    assert!(metrics
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    let text = metrics.text();
    for family in [
        "grace_http_requests_total{",
        "grace_http_request_duration_seconds_bucket{",
        "grace_module_run_duration_seconds_count{",
        "grace_queue_depth ",
        "grace_pool_size{module=\"hash\"}",
        "grace_rejected_inputs_total{reason=\"payload_too_large\"}",
        "grace_auth_failures_total{",
        "grace_jobs_total{status=\"done\"}",
    ] {
        assert!(
            text.contains(family),
            "{family} missing from /metrics:\n{text}"
        );
    }

    // The audit log saw keys, jobs and the clean, and its chain holds.
    let (ok, out, _) = grace_cli(&server.data_dir, &["audit", "verify"]);
    assert!(ok && out.contains("intact"), "{out}");
    let (_, list, _) = grace_cli(&server.data_dir, &["audit", "list"]);
    for action in [
        "keys.create",
        "keys.revoke",
        "host.start",
        "job.done",
        "job.failed",
        "jobs.clean",
    ] {
        assert!(
            list.contains(&format!("\"action\":\"{action}\"")),
            "{action} not audited"
        );
    }
}

/// Structural OpenAPI 3.0 checks: required top-level fields, operations with
/// responses, path parameters declared, unique operation ids, local `$ref`s resolve.
fn validate_openapi(doc: &Value) {
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.0"));
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        assert!(path.starts_with('/'), "{path}");
        for (method, op) in item.as_object().unwrap() {
            assert!(
                ["get", "post", "put", "delete", "patch"].contains(&method.as_str()),
                "{method}"
            );
            assert!(
                ids.insert(op["operationId"].as_str().unwrap().to_string()),
                "duplicate operationId"
            );
            let responses = op["responses"].as_object().unwrap();
            assert!(!responses.is_empty());
            for (code, r) in responses {
                assert!(code.parse::<u16>().is_ok(), "{code}");
                assert!(r["description"].is_string());
            }
            for seg in path.split('/').filter(|s| s.starts_with('{')) {
                let name = seg.trim_matches(|c| c == '{' || c == '}');
                assert!(
                    op["parameters"].as_array().is_some_and(|ps| ps
                        .iter()
                        .any(|p| p["name"] == name && p["in"] == "path")),
                    "{path}: parameter {name} undeclared"
                );
            }
        }
    }
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref") {
                    out.push(r);
                }
                o.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let pointer = r.strip_prefix('#').expect("local ref");
        assert!(doc.pointer(pointer).is_some(), "unresolved $ref {r}");
    }
}

#[test]
fn rate_limits_answer_429_with_headers() {
    let server = Server::start(
        &[("hash.wasm", hash_wasm())],
        "[rate_limit]\nper_second = 0.2\nburst = 3\n",
        false,
    );
    let codes: Vec<u16> = (0..4)
        .map(|i| {
            server
                .req("POST", "/v1/run/hash")
                .body("text/plain", format!("r{i}"))
                .send()
        })
        .map(|r| {
            if r.status == 429 {
                let body = assert_error(&r, 429, "rate_limited");
                assert!(body["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("rate_limit"));
                assert!(r.header("retry-after").unwrap().parse::<u64>().unwrap() >= 1);
                assert_eq!(r.header("x-ratelimit-limit"), Some("3"));
                assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
                assert!(r.header("x-ratelimit-reset").is_some());
            }
            r.status
        })
        .collect();
    assert_eq!(codes, [200, 200, 200, 429]);
    // /health is never limited.
    assert_eq!(server.req("GET", "/health").send().status, 200);
    let text = server.req("GET", "/metrics").send();
    assert_eq!(text.status, 429, "metrics count against the limit too");
}

#[test]
fn jobs_survive_kill9_and_finish_exactly_once() {
    // One worker, one instance, jobs of ~0.3 s each: the kill lands mid-batch.
    let mut server = Server::start(
        &[("hash.wasm", hash_wasm())],
        "[jobs]\nworkers = 1\n[runtime]\npool_size = 1\n",
        false,
    );
    let files: Vec<Vec<u8>> = (0..10)
        .map(|i| format!("durable job {i}").into_bytes())
        .collect();
    let parts: Vec<(&str, Option<&str>, &[u8])> = files
        .iter()
        .map(|f| ("file", Some("job.txt"), f.as_slice()))
        .collect();
    let (ids, batch_path) = submit_batch(
        &server,
        "/api/ocr/process_batch?module=hash&debug_work_mib=150",
        &parts,
    );
    // Kill only when a job is seen `processing`: a kill in the instant between
    // two jobs would interrupt nothing and prove nothing. The poll-to-kill
    // latency (milliseconds) is far below one job's run time.
    let done_before = wait_for(
        "two jobs done and a third running",
        Duration::from_secs(120),
        || {
            let v = server.req("GET", &batch_path).send().json();
            let done = v["done"].as_u64().unwrap();
            (done >= 2 && v["processing"].as_u64() == Some(1)).then_some(done)
        },
    );
    assert!(
        done_before < 10,
        "the batch finished before the kill; make the jobs slower"
    );
    server.kill9();
    server.restart();
    common::poll_batch(&server, &batch_path);
    let mut attempts = 0;
    for (id, data) in ids.iter().zip(&files) {
        let job = server
            .req("GET", &format!("/api/ocr/result/{id}"))
            .send()
            .json();
        assert_eq!(job["status"], "done", "{job}");
        assert_eq!(job["result"]["result"]["data"]["worked_mib"], 150);
        let _ = data;
        attempts += job["attempts"].as_u64().unwrap();
    }
    assert!(
        attempts > 10,
        "the job running at the kill ran again after the restart"
    );
    // Exactly once: one completion record per job in the audit log.
    let (done, list) = common::job_done_records(&server.data_dir);
    for id in &ids {
        assert_eq!(
            done.get(id),
            Some(&1),
            "job {id} completed {:?} times",
            done.get(id)
        );
    }
    assert!(
        list.contains("\"action\":\"jobs.requeue\""),
        "the restart requeued the interrupted job"
    );
    let (ok, out, _) = grace_cli(&server.data_dir, &["audit", "verify"]);
    assert!(ok, "{out}");
}

#[test]
fn hot_swap_under_load() {
    let server = Server::start(
        &[("hash.wasm", hash_wasm())],
        "[rate_limit]\nper_second = 0.0\n",
        false,
    );
    let version = |s: &Server| -> String {
        let m = s.req("GET", "/v1/modules").send().json();
        m["modules"][0]["version"].as_str().unwrap().to_string()
    };
    assert_eq!(version(&server), "0.1.0+test-hooks");
    let addr = server.addr;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let callers: Vec<_> = (0..4)
        .map(|t| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut n = 0u32;
                let mut failures = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let body = format!("load {t} {n}");
                    let r = common::Req::to(addr, "POST", "/v1/run/hash")
                        .body("text/plain", body.clone())
                        .send();
                    if r.status != 200
                        || r.json()["result"]["data"]["sha256"]
                            != grace::sha256_hex(body.as_bytes())
                    {
                        failures.push(format!("{} {}", r.status, r.text()));
                    }
                    n += 1;
                }
                (n, failures)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    // Replace the file atomically (write aside, rename over).
    let aside = server.modules_dir.join("hash.wasm.new");
    std::fs::copy(plain_hash_wasm(), &aside).unwrap();
    std::fs::rename(&aside, server.modules_dir.join("hash.wasm")).unwrap();
    wait_for("the new version", Duration::from_secs(60), || {
        (version(&server) == "0.1.0").then_some(())
    });
    std::thread::sleep(Duration::from_millis(300));
    // A broken file is rejected; the running version keeps serving.
    std::fs::write(server.modules_dir.join("hash.wasm.new"), b"\0asm garbage").unwrap();
    std::fs::rename(
        server.modules_dir.join("hash.wasm.new"),
        server.modules_dir.join("hash.wasm"),
    )
    .unwrap();
    let health = wait_for(
        "the broken file to be rejected",
        Duration::from_secs(30),
        || {
            let h = server.req("GET", "/health").send().json();
            h["rejected_files"]
                .as_object()
                .is_some_and(|r| !r.is_empty())
                .then_some(h)
        },
    );
    // Still serving the old version, but a refused file degrades the host.
    assert_eq!(health["status"], "degraded", "{health}");
    assert!(!health
        .to_string()
        .contains(&*server.modules_dir.to_string_lossy()));
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut total = 0;
    for c in callers {
        let (n, failures) = c.join().unwrap();
        assert!(
            failures.is_empty(),
            "calls failed during the swap: {failures:?}"
        );
        total += n;
    }
    assert!(total > 20, "only {total} calls made during the swap");
    assert_eq!(version(&server), "0.1.0");
    let (_, list, _) = grace_cli(&server.data_dir, &["audit", "list"]);
    let swaps: Vec<String> = list
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["action"] == "module.swap")
        .map(|r| {
            serde_json::from_str::<Value>(r["details"].as_str().unwrap()).unwrap()["event"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(swaps, ["replaced", "rejected"], "{list}");
}
