//! Chaos for the job queue: a batch of 50 hash jobs while the server is
//! killed with SIGKILL five times at pseudo-random moments (fixed seed).
//! Every job must finish exactly once with the result an undisturbed run
//! gives, completed jobs must stay completed across kills, and the audit
//! chain must verify.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::{get_json, grace_cli, hash_wasm, job_done_records, poll_batch, submit_batch, Server};

/// Jobs in the batch.
const JOBS: usize = 50;
/// SIGKILLs during the batch.
const KILLS: usize = 5;
/// Work per job: about 0.2 s of hashing on an idle core.
const WORK_MIB: u64 = 80;

/// xorshift64*: the kill moments are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn batch_survives_five_kill9s_exactly_once_with_undisturbed_results() {
    let wasm = hash_wasm();
    // Timed from here: building the test component is not the chaos.
    let started = Instant::now();
    let mut server = Server::start(
        &[("hash.wasm", wasm)],
        "[jobs]\nworkers = 1\n[runtime]\npool_size = 1\n[rate_limit]\nper_second = 0.0\n",
        false,
    );
    // Different bytes (and lengths) per job, so every result differs.
    let files: Vec<Vec<u8>> = (0..JOBS)
        .map(|i| {
            let mut f = format!("chaos job {i:02}\n").into_bytes();
            f.extend((0..i * 37).map(|k| (k * 31 + i) as u8));
            f
        })
        .collect();
    let parts: Vec<(&str, Option<&str>, &[u8])> = files
        .iter()
        .map(|f| ("file", Some("job.bin"), f.as_slice()))
        .collect();
    let (ids, batch_path) = submit_batch(
        &server,
        &format!("/api/ocr/process_batch?module=hash&debug_work_mib={WORK_MIB}"),
        &parts,
    );
    assert_eq!(ids.len(), JOBS);

    let mut rng = Rng(0x00C4_A055_EED5_u64);
    let mut kills = Vec::new();
    for k in 0..KILLS {
        let wait = Duration::from_millis(300 + rng.next() % 1200);
        std::thread::sleep(wait);
        let before = get_json(&server, None, &batch_path);
        let done_before = before["done"].as_u64().unwrap();
        if before["finished"] == true {
            // Too late to interrupt anything: the check below fails on it.
            break;
        }
        server.kill9();
        server.restart();
        // Completions are durable: nothing done before the kill is lost.
        let after = get_json(&server, None, &batch_path);
        let done_after = after["done"].as_u64().unwrap();
        assert!(
            done_after >= done_before,
            "kill {k}: {done_before} jobs were done before SIGKILL, {done_after} after restart"
        );
        assert_eq!(after["failed"].as_u64(), Some(0), "{after}");
        kills.push((wait.as_millis(), done_before));
    }
    assert_eq!(
        kills.len(),
        KILLS,
        "the batch finished after {} kills ({kills:?}); make the jobs slower",
        kills.len()
    );
    poll_batch(&server, &batch_path);

    // Each result is what an undisturbed run gives: the hash module's
    // output over the job's own bytes.
    let mut attempts = Vec::new();
    for (id, data) in ids.iter().zip(&files) {
        let job = server
            .req("GET", &format!("/api/ocr/result/{id}"))
            .send()
            .json();
        assert_eq!(job["status"], "done", "{job}");
        let out = &job["result"]["result"]["data"];
        assert_eq!(out["sha256"], grace::sha256_hex(data), "{id}: {job}");
        assert_eq!(out["bytes"], data.len(), "{id}: {job}");
        assert_eq!(out["worked_mib"], WORK_MIB, "{id}: {job}");
        attempts.push(job["attempts"].as_u64().unwrap());
    }
    let interrupted = attempts.iter().filter(|a| **a > 1).count();
    assert!(
        interrupted >= 1,
        "no job was running at any of the kills ({kills:?})"
    );

    // Exactly once: one completion in the store and one job.done audit
    // record per job, however many attempts it took.
    let db = rusqlite::Connection::open_with_flags(
        server.data_dir.join("grace.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open the store read-only");
    let mut completions: BTreeMap<String, i64> = BTreeMap::new();
    {
        let mut stmt = db
            .prepare("SELECT id, completions FROM jobs")
            .expect("jobs table");
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .unwrap();
        for row in rows {
            let (id, n) = row.unwrap();
            completions.insert(id, n);
        }
    }
    drop(db);
    let (done, list) = job_done_records(&server.data_dir);
    for id in &ids {
        assert_eq!(
            completions.get(id),
            Some(&1),
            "job {id}: {:?} completions in the store",
            completions.get(id)
        );
        assert_eq!(
            done.get(id),
            Some(&1),
            "job {id}: {:?} job.done audit records",
            done.get(id)
        );
    }
    let requeues = list.matches("\"action\":\"jobs.requeue\"").count();
    assert!(requeues >= 1, "no restart requeued an interrupted job");
    let (ok, out, err) = grace_cli(&server.data_dir, &["audit", "verify"]);
    assert!(ok, "audit verify failed: {out}{err}");
    println!(
        "chaos: {JOBS} jobs, {} kills (wait ms, done before) {kills:?}, {interrupted} jobs interrupted, {} attempts in all, {requeues} requeues, {:.1} s",
        kills.len(),
        attempts.iter().sum::<u64>(),
        started.elapsed().as_secs_f64()
    );
}
