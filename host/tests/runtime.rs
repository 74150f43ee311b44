//! Integration tests of the runtime against the real `hash` component.
//!
//! The component is built here (release, `wasm32-wasip2`, with the
//! `test-hooks` feature that adds hidden debug options) into its own target
//! folder, so the production artifact is never replaced by the test build.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use grace::{
    preinitialize, CacheStatus, CompileCache, GraceEngine, Limits, LoadError, LoadOptions,
    LoadedModule, MemoryBudget, ModuleInput, PreinitError, Registry, RunError,
};
use serde_json::{json, Value};

const ABC_SHA256: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

use common::hash_wasm;

fn engine() -> GraceEngine {
    GraceEngine::new().expect("engine")
}

fn options(pool_size: usize) -> LoadOptions {
    LoadOptions {
        cache: CompileCache::disabled(),
        limits: Limits::default(),
        pool_size,
        ..LoadOptions::default()
    }
}

async fn load(engine: &GraceEngine, pool_size: usize) -> LoadedModule {
    LoadedModule::load(engine, hash_wasm(), &options(pool_size))
        .await
        .expect("load hash component")
}

fn input(data: &[u8], options: Value) -> ModuleInput {
    ModuleInput::new(data.to_vec()).with_options(options.to_string())
}

async fn run_json(m: &LoadedModule, data: &[u8], options: Value) -> Value {
    let out = m.run(input(data, options)).await.expect("run");
    serde_json::from_str(&out.document).expect("output is JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_is_validated() {
    let e = engine();
    let m = load(&e, 1).await;
    let d = m.descriptor();
    assert_eq!(d.name, "hash");
    assert!(!d.version.is_empty());
    assert!(d.accepts("application/pdf"));
    assert_eq!(
        d.options_schema["properties"]["algorithms"]["default"],
        json!(["sha256"])
    );
    assert_eq!(d.output_schema["type"], "object");
    assert_eq!(m.sha256().len(), 64);
    assert_eq!(m.pool_stats().created, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn known_vectors_through_run() {
    let e = engine();
    let m = load(&e, 2).await;
    assert_eq!(
        run_json(&m, b"abc", json!({})).await,
        json!({"sha256": ABC_SHA256, "bytes": 3})
    );
    let all = run_json(
        &m,
        b"",
        json!({"algorithms": ["sha256", "sha512", "blake2b", "blake3"]}),
    )
    .await;
    assert_eq!(
        all["sha256"],
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert!(all["sha512"].as_str().unwrap().starts_with("cf83e135"));
    assert!(all["blake2b"].as_str().unwrap().starts_with("786a02f7"));
    assert!(all["blake3"].as_str().unwrap().starts_with("af1349b9"));
    assert_eq!(all["bytes"], 0);

    let o = json!({"canonical_json": true, "algorithms": ["blake3"]});
    let a = run_json(
        &m,
        r#"{"b": [1, {"y": 2, "x": 1}], "a": "ñ"}"#.as_bytes(),
        o.clone(),
    )
    .await;
    let b = run_json(&m, b"{\"a\":\"\\u00f1\",\n \"b\":[1,{\"x\":1,\"y\":2}]}", o).await;
    assert_eq!(a, b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_options_are_invalid_input() {
    let e = engine();
    let m = load(&e, 1).await;
    let cases = [
        (json!({"algorithms": ["md5"]}), "md5"),
        (json!({"algorithms": "sha256"}), "array"),
        (json!({"canonical_json": "yes"}), "true or false"),
        (json!({"colour": "red"}), "unknown option"),
    ];
    for (opts, needle) in cases {
        match m.run(input(b"abc", opts.clone())).await {
            Err(RunError::InvalidInput(msg)) => {
                assert!(msg.contains(needle), "{opts}: {msg}")
            }
            other => panic!("{opts}: expected InvalidInput, got {other:?}"),
        }
    }
    match m
        .run(input(b"not json", json!({"canonical_json": true})))
        .await
    {
        Err(RunError::InvalidInput(msg)) => assert!(msg.contains("not JSON"), "{msg}"),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    let bad = ModuleInput::new(b"abc".to_vec()).with_options("{oops");
    assert!(matches!(m.run(bad).await, Err(RunError::InvalidInput(_))));
    // A failure is not a trap: the instance stays in the pool.
    let s = m.pool_stats();
    assert_eq!((s.created, s.discarded), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wasi_inherits_nothing_and_is_deterministic() {
    // Make sure the host process does have an environment to leak.
    assert!(std::env::vars().count() > 0);
    let e = engine();
    let m = load(&e, 1).await;
    let env = run_json(&m, b"", json!({"debug_env": true})).await;
    assert_eq!(env["env"], 0, "{env}");
    assert_eq!(env["args"], 0, "{env}");
    assert_eq!(env["cwd_readable"], false, "{env}");
    assert_eq!(env["root_readable"], false, "{env}");
    // The wall clock starts at 2000-01-01T00:00:00Z.
    let wall = env["wall_ns"].as_u64().unwrap();
    assert!(
        (946_684_800_000_000_000..946_684_801_000_000_000).contains(&wall),
        "{env}"
    );

    // Same warm instance twice: identical (clocks and RNGs reset per call).
    let again = run_json(&m, b"", json!({"debug_env": true})).await;
    // std caches its hashmap keys in the instance, so compare a fresh one below.
    assert_eq!(env["wall_ns"], again["wall_ns"]);
    assert_eq!(env["elapsed_ns"], again["elapsed_ns"]);

    // Two fresh instances (separate modules, separate stores): byte-identical.
    let m2 = load(&e, 1).await;
    let a = m.run(input(b"", json!({"debug_env": true}))).await.unwrap();
    let m3 = load(&e, 1).await;
    let first = m2
        .run(input(b"", json!({"debug_env": true})))
        .await
        .unwrap();
    let second = m3
        .run(input(b"", json!({"debug_env": true})))
        .await
        .unwrap();
    assert_eq!(first.document, second.document);
    assert_eq!(
        serde_json::from_str::<Value>(&a.document).unwrap()["wall_ns"],
        serde_json::from_str::<Value>(&first.document).unwrap()["wall_ns"]
    );
    let data = b"determinism".repeat(1000);
    let x = m2
        .run(input(&data, json!({"algorithms": ["sha512", "blake3"]})))
        .await
        .unwrap();
    let y = m3
        .run(input(&data, json!({"algorithms": ["sha512", "blake3"]})))
        .await
        .unwrap();
    assert_eq!(x, y);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_discards_the_instance() {
    let e = engine();
    let m = load(&e, 1).await;
    let limits = Limits {
        deadline: Duration::from_millis(50),
        ..m.limits()
    };
    let t = Instant::now();
    let r = m
        .run_with_limits(input(b"", json!({"debug_spin": true})), &limits)
        .await;
    assert_eq!(r, Err(RunError::Timeout(Duration::from_millis(50))));
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    let s = m.pool_stats();
    assert_eq!((s.discarded, s.idle, s.busy), (1, 0, 0));
    // The next call gets a fresh instance and works.
    assert_eq!(run_json(&m, b"abc", json!({})).await["sha256"], ABC_SHA256);
    assert_eq!(m.pool_stats().created, 2);

    // A deadline of zero interrupts at the first epoch tick.
    let zero = Limits {
        deadline: Duration::ZERO,
        ..m.limits()
    };
    let r = m
        .run_with_limits(input(b"", json!({"debug_spin": true})), &zero)
        .await;
    assert!(matches!(r, Err(RunError::Timeout(_))), "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trap_discards_the_instance_and_reports_the_panic() {
    let e = engine();
    let m = load(&e, 1).await;
    match m.run(input(b"", json!({"debug_trap": true}))).await {
        Err(RunError::Trap(msg)) => {
            assert!(msg.contains("debug_trap requested"), "{msg}")
        }
        other => panic!("expected Trap, got {other:?}"),
    }
    assert_eq!(m.pool_stats().discarded, 1);
    assert_eq!(run_json(&m, b"abc", json!({})).await["sha256"], ABC_SHA256);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_limit_is_typed() {
    let e = engine();
    let m = load(&e, 1).await;
    let limits = Limits {
        memory_bytes: 64 << 20,
        ..m.limits()
    };
    let ok = m
        .run_with_limits(input(b"", json!({"debug_alloc_mib": 16})), &limits)
        .await;
    assert!(ok.is_ok(), "{ok:?}");
    let r = m
        .run_with_limits(input(b"", json!({"debug_alloc_mib": 128})), &limits)
        .await;
    assert_eq!(r, Err(RunError::MemoryLimit { limit: 64 << 20 }));
    assert_eq!(m.pool_stats().discarded, 1);
}

const MIB: u64 = 1 << 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_grown_past_the_threshold_is_dropped_after_its_call() {
    let e = engine();
    let budget = MemoryBudget::unlimited();
    let opts = LoadOptions {
        recycle_above: Some(32 * MIB),
        budget: budget.clone(),
        ..options(1)
    };
    let m = LoadedModule::load(&e, hash_wasm(), &opts).await.unwrap();
    assert_eq!(m.recycle_above(), 32 * MIB);
    let idle = budget.used();
    assert!(
        idle > 0 && idle < 32 * MIB,
        "one idle instance holds {idle} bytes"
    );
    // A small call: its instance goes back to the pool.
    assert_eq!(run_json(&m, b"abc", json!({})).await["sha256"], ABC_SHA256);
    let s = m.pool_stats();
    assert_eq!((s.idle, s.recycled, s.created), (1, 0, 1));
    // A call that grows its instance to 48 MiB: answered, then dropped,
    // and the memory it held is given back.
    let out = run_json(&m, b"", json!({"debug_alloc_mib": 48})).await;
    assert_eq!(out["allocated"], 48 * MIB);
    let s = m.pool_stats();
    assert_eq!((s.idle, s.recycled, s.discarded), (0, 1, 0), "{s:?}");
    assert_eq!(budget.used(), 0, "the dropped instance released its memory");
    assert!(budget.stats().peak > 48 * MIB);
    // The next call gets a new instance, which stays.
    assert_eq!(run_json(&m, b"abc", json!({})).await["sha256"], ABC_SHA256);
    let s = m.pool_stats();
    assert_eq!((s.idle, s.created), (1, 2));
    assert_eq!(budget.used(), idle);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_default_an_instance_is_kept_below_half_its_limit() {
    let e = engine();
    let opts = LoadOptions {
        limits: Limits {
            memory_bytes: 128 * MIB,
            ..Limits::default()
        },
        ..options(1)
    };
    let m = LoadedModule::load(&e, hash_wasm(), &opts).await.unwrap();
    assert_eq!(m.recycle_above(), 64 * MIB);
    run_json(&m, b"", json!({"debug_alloc_mib": 16})).await;
    assert_eq!(m.pool_stats().recycled, 0);
    run_json(&m, b"", json!({"debug_alloc_mib": 80})).await;
    assert_eq!(m.pool_stats().recycled, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_past_the_memory_budget_is_refused_typed_and_idle_memory_is_reclaimed_first() {
    let e = engine();
    // Two modules sharing one budget of 96 MiB, instances kept up to 64 MiB.
    let budget = MemoryBudget::new(96 * MIB);
    let opts = LoadOptions {
        recycle_above: Some(64 * MIB),
        budget: budget.clone(),
        ..options(1)
    };
    let a = LoadedModule::load(&e, hash_wasm(), &opts).await.unwrap();
    let b = LoadedModule::load(&e, hash_wasm(), &opts).await.unwrap();
    // a's idle instance keeps the 40 MiB it grew to.
    run_json(&a, b"", json!({"debug_alloc_mib": 40})).await;
    assert_eq!(a.pool_stats().idle, 1);
    assert!(budget.used() > 40 * MIB);
    // b needs 60 MiB: only if a's idle instance goes, which it does.
    run_json(&b, b"", json!({"debug_alloc_mib": 60})).await;
    assert_eq!(a.pool_stats().idle, 0, "a's idle instance was reclaimed");
    assert_eq!(budget.stats().refused, 0);
    // b's instance now holds over 60 MiB; a call of a needing 40 more does
    // not fit beside it, and nothing idle is left to drop... except b's own
    // idle instance, which is reclaimed too: budgets never refuse while
    // idle memory could make room.
    run_json(&a, b"", json!({"debug_alloc_mib": 40})).await;
    assert_eq!(b.pool_stats().idle, 0);
    // A single call over the budget is refused with the typed error, and
    // its instance is discarded, giving its memory back.
    let r = a
        .run_with_limits(
            input(b"", json!({"debug_alloc_mib": 100})),
            &Limits {
                memory_bytes: 1 << 30,
                ..a.limits()
            },
        )
        .await;
    assert_eq!(r, Err(RunError::MemoryBudget { limit: 96 * MIB }));
    assert_eq!(r.unwrap_err().code(), "memory-budget");
    assert!(budget.stats().refused >= 1);
    assert!(
        budget.used() < 8 * MIB,
        "{} bytes still granted",
        budget.used()
    );
    // And the next call is served.
    assert_eq!(run_json(&a, b"abc", json!({})).await["sha256"], ABC_SHA256);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_measured_reports_the_peak_of_a_fresh_instance() {
    let e = engine();
    let m = load(&e, 1).await;
    let (out, memory) = m
        .run_measured(input(b"", json!({"debug_alloc_mib": 24})))
        .await;
    assert!(out.is_ok(), "{out:?}");
    assert!(
        memory.baseline > 0 && memory.baseline < 8 * MIB,
        "{memory:?}"
    );
    assert!(memory.peak >= memory.baseline + 24 * MIB, "{memory:?}");
    // Not the pool's instance: the pool still has its one from loading.
    let s = m.pool_stats();
    assert_eq!((s.idle, s.created, s.recycled), (1, 1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preinitialized_component_answers_like_the_original() {
    let e = engine();
    let wasm = std::fs::read(hash_wasm()).unwrap();
    let warm_up = vec![
        input(b"abc", json!({})),
        input(b"", json!({"algorithms": ["md4"]})),
    ];
    let snapshot = preinitialize(&e, &wasm, warm_up, &Limits::default())
        .await
        .expect("snapshot");
    assert_eq!(snapshot.refused.len(), 1, "{:?}", snapshot.refused);
    assert!(snapshot.refused[0].starts_with("warm-up input 2:"));
    let again = preinitialize(
        &e,
        &wasm,
        vec![
            input(b"abc", json!({})),
            input(b"", json!({"algorithms": ["md4"]})),
        ],
        &Limits::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        snapshot.wasm, again.wasm,
        "same component and warm-up, same bytes"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hash.wasm");
    std::fs::write(&path, &snapshot.wasm).unwrap();
    let m = LoadedModule::load(&e, &path, &options(1)).await.unwrap();
    assert_eq!(run_json(&m, b"abc", json!({})).await["sha256"], ABC_SHA256);

    let trap = preinitialize(
        &e,
        &wasm,
        vec![input(b"", json!({"debug_trap": true}))],
        &Limits::default(),
    )
    .await;
    assert!(
        matches!(trap, Err(PreinitError::WarmUp(ref m)) if m.contains("debug_trap requested")),
        "{trap:?}"
    );
    let garbage = preinitialize(&e, b"not wasm", Vec::new(), &Limits::default()).await;
    assert!(
        matches!(garbage, Err(PreinitError::Snapshot(_))),
        "{garbage:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compile_cache_hits_on_second_load() {
    let e = engine();
    let dir = tempfile::tempdir().unwrap();
    let cache = CompileCache::new(dir.path().join("cache"));
    let opts = LoadOptions {
        cache: cache.clone(),
        ..options(1)
    };
    let t = Instant::now();
    let first = LoadedModule::load(&e, hash_wasm(), &opts).await.unwrap();
    let cold = t.elapsed();
    assert_eq!(first.load_report().cache, CacheStatus::Miss);
    let file = cache.path_for(&e, first.sha256()).unwrap();
    assert!(file.is_file(), "{} not written", file.display());
    let name = file.file_name().unwrap().to_str().unwrap().to_string();
    assert!(
        name.starts_with(first.sha256()) && name.ends_with(".cwasm"),
        "{name}"
    );
    // No temporary files left behind.
    assert_eq!(
        std::fs::read_dir(dir.path().join("cache")).unwrap().count(),
        1
    );

    let t = Instant::now();
    let second = LoadedModule::load(&e, hash_wasm(), &opts).await.unwrap();
    let warm = t.elapsed();
    assert_eq!(second.load_report().cache, CacheStatus::Hit);
    assert_eq!(
        run_json(&second, b"abc", json!({})).await["sha256"],
        ABC_SHA256
    );
    eprintln!("hash component: cold load {cold:?}, cached load {warm:?}");

    // A corrupt cache file is ignored and rewritten. (Replace it with a new
    // inode: the loaded modules above have the old file mapped into memory,
    // so truncating it in place would crash them, as it would the host.)
    std::fs::remove_file(&file).unwrap();
    std::fs::write(&file, b"garbage").unwrap();
    let third = LoadedModule::load(&e, hash_wasm(), &opts).await.unwrap();
    assert_eq!(third.load_report().cache, CacheStatus::Miss);
    assert!(third.load_report().warning.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_keys_by_name_and_rejects_duplicates() {
    let e = engine();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(hash_wasm(), dir.path().join("hash.wasm")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
    let reg = Registry::load_dir(&e, dir.path(), &options(1))
        .await
        .unwrap();
    assert_eq!(reg.names(), vec!["hash".to_string()]);
    assert!(reg.get("hash").is_some());

    // A broken file: strict load fails, lenient load skips it.
    std::fs::write(dir.path().join("broken.wasm"), b"\0asm not really").unwrap();
    let err = Registry::load_dir(&e, dir.path(), &options(1))
        .await
        .unwrap_err();
    assert!(matches!(err, LoadError::Compile { .. }), "{err}");
    let (reg, skipped) = Registry::load_dir_lenient(&e, dir.path(), &options(1))
        .await
        .unwrap();
    assert_eq!((reg.len(), skipped.len()), (1, 1));
    std::fs::remove_file(dir.path().join("broken.wasm")).unwrap();

    std::fs::copy(hash_wasm(), dir.path().join("hash-copy.wasm")).unwrap();
    let err = Registry::load_dir(&e, dir.path(), &options(1))
        .await
        .unwrap_err();
    match &err {
        LoadError::DuplicateName { name, .. } => assert_eq!(name, "hash"),
        other => panic!("expected DuplicateName, got {other}"),
    }
    assert!(err.to_string().contains("hash-copy.wasm"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warm_pool_runs_concurrently() {
    let e = engine();
    let m = std::sync::Arc::new(load(&e, 2).await);
    let mut tasks = Vec::new();
    for i in 0..16u32 {
        let m = m.clone();
        tasks.push(tokio::spawn(async move {
            let data = i.to_le_bytes();
            m.run(input(&data, json!({}))).await.map(|o| o.document)
        }));
    }
    for t in tasks {
        assert!(t.await.unwrap().is_ok());
    }
    let s = m.pool_stats();
    assert!(s.created <= 2, "{s:?}");
    assert_eq!((s.calls, s.busy), (16, 0));
}

/// Prints the numbers the README asks for; run with `--nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn measure_load_and_call_overhead() {
    let e = engine();
    let dir = tempfile::tempdir().unwrap();
    let opts = LoadOptions {
        cache: CompileCache::new(dir.path()),
        ..options(1)
    };
    let t = Instant::now();
    let m = LoadedModule::load(&e, hash_wasm(), &opts).await.unwrap();
    let cold = t.elapsed();
    let r = m.load_report().clone();
    let t = Instant::now();
    let cached = LoadedModule::load(&e, hash_wasm(), &opts).await.unwrap();
    let cached_total = t.elapsed();
    let rc = cached.load_report().clone();

    let n = 2000;
    for _ in 0..50 {
        m.run(input(b"x", json!({}))).await.unwrap();
    }
    let t = Instant::now();
    for _ in 0..n {
        m.run(input(b"x", json!({}))).await.unwrap();
    }
    let per_call = t.elapsed() / n;
    eprintln!(
        "hash component ({} bytes): cold compile {:?} (compile {:?}), cached load {:?} \
         (deserialize {:?}, instantiate {:?}, describe {:?}); warm run() {:.1} µs/call",
        m.size_bytes(),
        cold,
        r.compile,
        cached_total,
        rc.compile,
        rc.instantiate,
        rc.describe,
        per_call.as_secs_f64() * 1e6
    );
}

#[test]
fn cli_runs_files_and_reports_failures() {
    let modules = tempfile::tempdir().unwrap();
    std::fs::copy(hash_wasm(), modules.path().join("hash.wasm")).unwrap();
    let data = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let a = work.path().join("a.txt");
    let b = work.path().join("b.json");
    std::fs::write(&a, "abc").unwrap();
    std::fs::write(&b, r#"{"b":1,"a":2}"#).unwrap();
    let missing = work.path().join("missing.png");

    let grace = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_grace"))
            .env_remove("GRACE_MODULES_DIR")
            .env_remove("GRACE_DATA_DIR")
            .arg("--modules-dir")
            .arg(modules.path())
            .arg("--data-dir")
            .arg(data.path())
            .args(args)
            .output()
            .unwrap()
    };

    let out = grace(&["modules"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.starts_with("NAME"), "{table}");
    assert!(table.contains("hash"), "{table}");
    assert!(
        data.path().join("cache").is_dir(),
        "cache not under --data-dir"
    );

    let out = grace(&["modules", "--json"]);
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["name"], "hash");
    assert_eq!(list[0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(list[0]["cache"], "hit");

    let out = Command::new(env!("CARGO_BIN_EXE_grace"))
        .env("GRACE_MODULES_DIR", modules.path())
        .env("GRACE_DATA_DIR", data.path())
        .arg("run")
        .arg("hash")
        .arg(&a)
        .arg(&missing)
        .arg(&b)
        .args([
            "--option",
            "canonical_json=false",
            "-o",
            "algorithms=[\"sha256\"]",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert_eq!(lines[0], json!({"sha256": ABC_SHA256, "bytes": 3}));
    assert_eq!(lines[1]["error"]["code"], "io");
    assert!(lines[1]["file"].as_str().unwrap().ends_with("missing.png"));
    assert_eq!(lines[2]["bytes"], 13);
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.png"));

    let out = grace(&[
        "run",
        "hash",
        a.to_str().unwrap(),
        "--option",
        "canonical_json=true",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["code"], "invalid_input");

    let out = grace(&["run", "nope", a.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(
        msg.contains("no module or pipeline named \"nope\"") && msg.contains("hash"),
        "{msg}"
    );

    let out = grace(&[
        "run",
        "hash",
        b.to_str().unwrap(),
        "--full",
        "--options-json",
        r#"{"canonical_json": true}"#,
    ]);
    assert!(out.status.success());
    let full: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(full["media_type"], "application/json");
    assert_eq!(full["document"]["bytes"], 13);
}
