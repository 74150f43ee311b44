//! `cargo xtask bench` (host part): a bounded load run against a real
//! `grace serve` on loopback. For `/v1/run/hash` and `/v1/run/ocr` at
//! concurrency 1, 2, 8 and 32: throughput, p50/p95/p99 latency, errors and
//! the server's resident memory; plus the host's overhead per call (HTTP
//! p50 minus an in-process call of the same module).
//!
//! Idempotency is off for the run so every request really runs its module.
//! Usage: `grace-load [--hash-requests N] [--ocr-requests N]`.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;

const LEVELS: [usize; 4] = [1, 2, 8, 32];

struct Server {
    child: Child,
    addr: String,
    _data: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self._data);
    }
}

fn start_server(root: &Path) -> Server {
    let exe = std::env::current_exe().expect("own path");
    let grace = exe.with_file_name("grace");
    assert!(
        grace.is_file(),
        "{} missing: run `cargo xtask setup`",
        grace.display()
    );
    let data = std::env::temp_dir().join(format!("grace-load-{}", std::process::id()));
    std::fs::create_dir_all(&data).unwrap();
    let config = data.join("grace.toml");
    std::fs::write(
        &config,
        format!(
            "idempotency = false\n[rate_limit]\nper_second = 0.0\n[runtime]\ncache_dir = {:?}\n",
            root.join("data/cache").display().to_string()
        ),
    )
    .unwrap();
    let mut child = Command::new(&grace)
        .current_dir(root)
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(data.join("data"))
        .args(["serve", "--listen", "127.0.0.1:0", "--no-auth"])
        .env("GRACE_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start grace serve");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("grace: listening on http://")
        .unwrap_or_else(|| panic!("unexpected: {line:?}"))
        .to_string();
    Server {
        child,
        addr,
        _data: data,
    }
}

fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kib| kib / 1024.0)
        .unwrap_or(0.0)
}

/// One level's figures.
struct Level {
    concurrency: usize,
    requests: usize,
    errors: usize,
    wall: Duration,
    latencies: Vec<Duration>,
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// `requests` POSTs of `body(i)` over `concurrency` keep-alive connections.
async fn load(
    addr: &str,
    path: &str,
    content_type: &str,
    requests: usize,
    concurrency: usize,
    body: Arc<dyn Fn(usize) -> Vec<u8> + Send + Sync>,
) -> Level {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (addr, path, ct, next, body) = (
            addr.to_string(),
            path.to_string(),
            content_type.to_string(),
            next.clone(),
            body.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(&addr)
                .await
                .expect("connect");
            stream.set_nodelay(true).ok();
            let (mut sender, conn) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                    .await
                    .expect("handshake");
            tokio::spawn(conn);
            let mut lat = Vec::new();
            let mut errors = 0;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= requests {
                    break;
                }
                let req = hyper::Request::post(&path)
                    .header("host", &addr)
                    .header("content-type", &ct)
                    .body(Full::new(Bytes::from(body(i))))
                    .unwrap();
                let t = Instant::now();
                match sender.send_request(req).await {
                    Ok(resp) => {
                        let ok = resp.status() == 200;
                        let _ = resp.into_body().collect().await;
                        lat.push(t.elapsed());
                        if !ok {
                            errors += 1;
                        }
                    }
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
            }
            (lat, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.expect("load task");
        latencies.extend(l);
        errors += e;
    }
    latencies.sort();
    Level {
        concurrency,
        requests,
        errors,
        wall: start.elapsed(),
        latencies,
    }
}

fn print_level(module: &str, l: &Level, rss_before: f64, rss_after: f64) {
    println!(
        "| {module} | {} | {} | {:.3} | {:.2} | {:.2} | {:.2} | {} | {:.0} → {:.0} |",
        l.concurrency,
        l.requests,
        l.requests as f64 / l.wall.as_secs_f64(),
        pct(&l.latencies, 0.50),
        pct(&l.latencies, 0.95),
        pct(&l.latencies, 0.99),
        l.errors,
        rss_before,
        rss_after
    );
}

fn sample_image() -> Vec<u8> {
    match grace_eval::datasets::sroie_dev_dir() {
        Some(dir) => std::fs::read(dir.join("img/000.jpg")).expect("sroie image"),
        None => {
            println!("(sroie-dev absent: OCR load uses a generated ticket)");
            let doc = grace_docgen::generate(
                grace_docgen::DocKind::Ticket,
                7,
                grace_docgen::Degradation::none(),
            )
            .expect("generated ticket");
            grace_tests::png_bytes(&doc.image)
        }
    }
}

/// Median in-process call time of the hash module (no HTTP, no store).
async fn direct_hash_p50(root: &Path) -> f64 {
    let engine = grace::GraceEngine::new().unwrap();
    let opts = grace::LoadOptions {
        cache: grace::CompileCache::new(root.join("data/cache")),
        pool_size: 1,
        ..Default::default()
    };
    let m = grace::LoadedModule::load(&engine, root.join("modules/hash.wasm"), &opts)
        .await
        .expect("hash.wasm loads");
    let mut lat = Vec::new();
    for i in 0..2000 {
        let t = Instant::now();
        m.run(grace::ModuleInput::new(format!("direct {i}").into_bytes()))
            .await
            .expect("hash runs");
        lat.push(t.elapsed());
    }
    lat.sort();
    pct(&lat, 0.5)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str, default: usize| grace_tests::flag_value(&args, name, default);
    let hash_requests = flag("--hash-requests", 5000);
    let ocr_requests = flag("--ocr-requests", 16);
    let root = grace_tests::repo_root();
    let server = start_server(&root);
    let pid = server.child.id();
    println!(
        "\n## Host load (grace serve on {}, idempotency off, {} cores)\n",
        server.addr,
        grace::default_pool_size()
    );
    println!("| module | concurrency | requests | req/s | p50 ms | p95 ms | p99 ms | errors | server RSS MiB |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    let hash_body: Arc<dyn Fn(usize) -> Vec<u8> + Send + Sync> =
        Arc::new(|i| format!("load request {i}").into_bytes());
    let mut hash_c1_p50 = 0.0;
    for c in LEVELS {
        let before = rss_mib(pid);
        let l = load(
            &server.addr,
            "/v1/run/hash",
            "text/plain",
            hash_requests,
            c,
            hash_body.clone(),
        )
        .await;
        if c == 1 {
            hash_c1_p50 = pct(&l.latencies, 0.5);
        }
        print_level("hash", &l, before, rss_mib(pid));
    }
    let image = Arc::new(sample_image());
    let ocr_body: Arc<dyn Fn(usize) -> Vec<u8> + Send + Sync> = {
        let image = image.clone();
        Arc::new(move |_| image.as_ref().clone())
    };
    for c in LEVELS {
        let before = rss_mib(pid);
        let l = load(
            &server.addr,
            "/v1/run/ocr?timings=false",
            "image/jpeg",
            ocr_requests.max(c),
            c,
            ocr_body.clone(),
        )
        .await;
        print_level("ocr", &l, before, rss_mib(pid));
    }
    let direct = direct_hash_p50(&root).await;
    println!(
        "\nHost overhead per call (hash): HTTP p50 at concurrency 1 {:.0} µs − in-process call p50 {:.0} µs = {:.0} µs",
        hash_c1_p50 * 1000.0,
        direct * 1000.0,
        (hash_c1_p50 - direct) * 1000.0
    );
}
