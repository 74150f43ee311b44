//! Every target fuzzed for `GRACE_FUZZ_SECS` (default 30 s) from the
//! committed corpus, and every committed regression input replayed.

use grace_fuzz::{crate_dir, fuzz, replay, target, test_duration, Config, Outcome, TARGETS};
use std::time::Duration;

fn run(name: &str) {
    let t = target(name).expect("a target");
    let mut config = Config::new(name, test_duration(30));
    config.hang_after = hang_budget();
    assert!(
        config.corpus_dir.is_dir(),
        "the corpus {} is missing",
        config.corpus_dir.display()
    );
    let report = fuzz(t, &config);
    println!("{report}");
    assert!(report.seeds > 0, "no seeds for {name}");
    assert!(report.execs > report.seeds as u64 || config.duration.is_zero());
    assert!(report.crashes.is_empty(), "{report}");
}

/// Hang budget of the tests: `GRACE_FUZZ_HANG_SECS`, default 30 s. Looser
/// than the binary's 10 s because CI shares two cores with other test
/// binaries: a bounded-but-slow input (the deskewed slivers in
/// `regressions/image/` take 2 s idle, over 10 s under load) must not
/// fail a run, while a real hang still does.
fn hang_budget() -> Duration {
    let secs = std::env::var("GRACE_FUZZ_HANG_SECS")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(30);
    Duration::from_secs(secs.max(1))
}

#[test]
fn fuzz_image() {
    run("image");
}

#[test]
fn fuzz_pdf() {
    run("pdf");
}

#[test]
fn fuzz_einvoice() {
    run("einvoice");
}

#[test]
fn fuzz_envelope() {
    run("envelope");
}

#[cfg(feature = "host")]
#[test]
fn fuzz_upload() {
    run("upload");
}

/// Inputs that once crashed a target, kept under `regressions/<target>/`.
#[test]
fn regressions_stay_fixed() {
    let mut replayed = 0;
    let mut failures = Vec::new();
    for t in TARGETS {
        let dir = crate_dir().join("regressions").join(t.name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path).unwrap();
            replayed += 1;
            match replay(t, &data, hang_budget()) {
                Outcome::Returned { .. } => {}
                other => failures.push(format!("{}: {other:?}", path.display())),
            }
        }
    }
    println!(
        "regressions: {replayed} inputs replayed, {} failed",
        failures.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
}
