//! Shared by the host's integration tests: test builds of the `hash`
//! component, a `grace serve` child process on a loopback port, and a small
//! blocking HTTP/1.1 client (so requests are exactly what a test writes).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The repository root. `cargo test` sets `CARGO_MANIFEST_DIR` at run time;
/// it is read first because clones sharing a target directory share test
/// binaries compiled with another clone's path.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .expect("host/ has a parent")
        .to_path_buf()
}

fn build_hash(features: &[&str], subdir: Option<&str>) -> PathBuf {
    let root = workspace_root();
    let main_target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let target = match subdir {
        Some(s) => main_target.join(s),
        None => main_target,
    };
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(&root).args([
        "build",
        "--release",
        "--target",
        "wasm32-wasip2",
        "-p",
        "grace-hash-component",
        "--target-dir",
    ]);
    cmd.arg(&target);
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    let status = cmd.status().expect("run cargo to build the hash component");
    assert!(status.success(), "building grace-hash-component failed");
    let wasm = target.join("wasm32-wasip2/release/grace_hash_component.wasm");
    assert!(wasm.is_file(), "{} missing after build", wasm.display());
    wasm
}

/// The hash component with the `test-hooks` debug options (version `0.1.0+test-hooks`).
pub fn hash_wasm() -> &'static Path {
    static WASM: OnceLock<PathBuf> = OnceLock::new();
    WASM.get_or_init(|| build_hash(&["test-hooks"], Some("grace-test-modules")))
}

/// The production hash component (version `0.1.0`): the same build
/// `cargo xtask setup` makes, so this is usually already up to date.
pub fn plain_hash_wasm() -> &'static Path {
    static WASM: OnceLock<PathBuf> = OnceLock::new();
    WASM.get_or_init(|| build_hash(&[], None))
}

/// A `grace` binary serving on a free loopback port.
pub struct Server {
    child: Option<Child>,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its data folder.
    pub data_dir: PathBuf,
    /// Its modules folder.
    pub modules_dir: PathBuf,
    config: PathBuf,
    auth: bool,
    _tmp: tempfile::TempDir,
}

/// Runs the `grace` CLI with a data folder; returns stdout.
pub fn grace_cli(data_dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_grace"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .expect("run grace");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

impl Server {
    /// Starts a server over `modules` (copied into its own folder) with this TOML configuration.
    pub fn start(modules: &[(&str, &Path)], config_toml: &str, auth: bool) -> Server {
        let tmp = tempfile::tempdir().expect("temp dir");
        let data_dir = tmp.path().join("data");
        let modules_dir = tmp.path().join("modules");
        std::fs::create_dir_all(&modules_dir).unwrap();
        for (name, src) in modules {
            std::fs::copy(src, modules_dir.join(name)).expect("copy module");
        }
        let config = tmp.path().join("grace.toml");
        // The repository's compile cache: compiling large modules once is enough.
        let cache = workspace_root().join("data/cache");
        std::fs::write(&config, with_runtime_defaults(config_toml, &cache)).unwrap();
        let mut server = Server {
            child: None,
            addr: "127.0.0.1:0".parse().unwrap(),
            data_dir,
            modules_dir,
            config,
            auth,
            _tmp: tmp,
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_grace"));
        cmd.arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(&self.data_dir)
            .arg("--modules-dir")
            .arg(&self.modules_dir)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("GRACE_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if !self.auth {
            cmd.arg("--no-auth");
        }
        let mut child = cmd.spawn().expect("start grace serve");
        let stdout = child.stdout.take().expect("stdout piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the listening line");
        let addr = line
            .trim()
            .strip_prefix("grace: listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line from grace serve: {line:?}"));
        self.addr = addr.parse().expect("listening address");
        self.child = Some(child);
    }

    /// Kills the process with SIGKILL (no shutdown of any kind).
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            let _ = child.wait();
        }
    }

    /// Sends SIGTERM and returns how long the process took to exit (None
    /// if it had not after `wait`; it is then killed).
    pub fn terminate(&mut self, wait: Duration) -> Option<Duration> {
        let mut child = self.child.take()?;
        // SAFETY: kill(2) on our own child's pid has no memory effects.
        unsafe {
            libc::kill(child.id() as i32, libc::SIGTERM);
        }
        let start = Instant::now();
        while start.elapsed() < wait {
            if let Ok(Some(_)) = child.try_wait() {
                return Some(start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        None
    }

    /// Starts the process again on the same data and modules (new port).
    pub fn restart(&mut self) {
        self.kill9();
        self.spawn();
    }

    /// The server process's id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// A request to this server.
    pub fn req(&self, method: &str, path: &str) -> Req {
        Req::to(self.addr, method, path)
    }
}

/// The test's TOML plus a shared compile cache and a fast module watcher,
/// unless the test set them itself.
fn with_runtime_defaults(config_toml: &str, cache: &Path) -> String {
    let mut table: toml::Table = config_toml.parse().expect("test config is TOML");
    let runtime = table
        .entry("runtime")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()))
        .as_table_mut()
        .expect("[runtime] is a table");
    runtime
        .entry("cache_dir")
        .or_insert_with(|| toml::Value::String(cache.display().to_string()));
    runtime
        .entry("watch_interval_ms")
        .or_insert(toml::Value::Integer(200));
    toml::to_string(&table).unwrap()
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A request being built.
pub struct Req {
    addr: SocketAddr,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A response.
#[derive(Debug, Clone)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Resp {
    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Req {
    /// A request to `addr` (for threads that do not hold the server).
    pub fn to(addr: SocketAddr, method: &str, path: &str) -> Req {
        Req {
            addr,
            method: method.into(),
            path: path.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.into(), v.into()));
        self
    }

    /// `Authorization: Bearer KEY`.
    pub fn key(self, key: &str) -> Self {
        self.header("Authorization", &format!("Bearer {key}"))
    }

    /// A raw body with its content type.
    pub fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self.header("Content-Type", content_type)
    }

    /// A JSON body.
    pub fn json(self, v: &Value) -> Self {
        self.body("application/json", v.to_string())
    }

    /// A multipart body: `(field, filename, bytes)` parts.
    pub fn multipart(self, parts: &[(&str, Option<&str>, &[u8])]) -> Self {
        let boundary = "graceTestBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, filename, data) in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match filename {
                Some(f) => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
                ),
                None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
            }
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.body(&format!("multipart/form-data; boundary={boundary}"), body)
    }

    /// Sends the request (one connection, `Connection: close`) and reads the whole answer.
    pub fn send(self) -> Resp {
        let mut stream = TcpStream::connect(self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(300)))
            .unwrap();
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.method,
            self.path,
            self.addr,
            self.body.len()
        );
        for (k, v) in &self.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).expect("write head");
        // The server may answer early (401/413) and close: a failed body write is fine.
        let _ = stream.write_all(&self.body);
        read_response(&mut stream)
    }
}

/// Reads an HTTP/1.1 response until the server closes.
pub fn read_response(stream: &mut TcpStream) -> Resp {
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP head in {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Resp {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..eol])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
    out
}

/// Polls `f` every 50 ms until it returns Some, or panics after `timeout` naming `what`.
pub fn wait_for<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `GET path` (with `key`, when given), asserting 200; the body as JSON.
pub fn get_json(server: &Server, key: Option<&str>, path: &str) -> Value {
    let mut req = server.req("GET", path);
    if let Some(key) = key {
        req = req.key(key);
    }
    let r = req.send();
    assert_eq!(r.status, 200, "GET {path}: {}", r.text());
    r.json()
}

/// Polls job `id` until it is `done` or `failed` (5 minutes at most); its JSON.
pub fn poll_job(server: &Server, key: Option<&str>, id: &str) -> Value {
    let path = format!("/api/ocr/result/{id}");
    wait_for(&format!("job {id}"), Duration::from_secs(300), || {
        let v = get_json(server, key, &path);
        matches!(v["status"].as_str(), Some("done" | "failed")).then_some(v)
    })
}

/// Posts `parts` as one batch to `path` (a `process_batch` URL, no key);
/// returns the jobs' request ids and the batch's status path.
pub fn submit_batch(
    server: &Server,
    path: &str,
    parts: &[(&str, Option<&str>, &[u8])],
) -> (Vec<String>, String) {
    let batch = server.req("POST", path).multipart(parts).send();
    assert_eq!(batch.status, 202, "{}", batch.text());
    let batch = batch.json();
    let ids = batch["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["request_id"].as_str().unwrap().to_string())
        .collect();
    let batch_path = format!("/api/ocr/batch/{}", batch["batch_id"].as_str().unwrap());
    (ids, batch_path)
}

/// Polls the batch at `batch_path` (`/api/ocr/batch/ID`) until every job
/// of it finished (5 minutes at most); its JSON.
pub fn poll_batch(server: &Server, batch_path: &str) -> Value {
    wait_for(
        &format!("every job of {batch_path} finished"),
        Duration::from_secs(300),
        || {
            let v = get_json(server, None, batch_path);
            v["finished"].as_bool().unwrap().then_some(v)
        },
    )
}

/// The `job.done` audit records per job id of the server's data folder.
pub fn job_done_records(data_dir: &Path) -> (std::collections::BTreeMap<String, usize>, String) {
    let (_, list, _) = grace_cli(data_dir, &["audit", "list"]);
    let mut done = std::collections::BTreeMap::new();
    for line in list.lines() {
        let rec: Value = serde_json::from_str(line).unwrap();
        if rec["action"] == "job.done" {
            *done
                .entry(rec["subject"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    (done, list)
}
