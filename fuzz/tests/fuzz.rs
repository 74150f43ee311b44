//! Every target fuzzed for `GRACE_FUZZ_SECS` (default 30 s) from the
//! committed corpus, and every committed regression input replayed.

use grace_fuzz::{crate_dir, fuzz, replay, target, test_duration, Config, Outcome, TARGETS};
use std::time::Duration;

fn run(name: &str) {
    let t = target(name).expect("a target");
    let config = Config::new(name, test_duration(30));
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
            match replay(t, &data, Duration::from_secs(10)) {
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
