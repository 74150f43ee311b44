//! Every XML of `einvoice-dev` parses and agrees with truth.json; skipped
//! (with a SKIPPED line) where the shared datasets are absent.

mod truth;

use grace_einvoice::{detect, parse, Format};
use std::collections::BTreeMap;
use truth::{dataset_dir, load_truth, report_skip, Tally};

#[test]
fn xml_files_match_truth() {
    let Some(dir) = dataset_dir() else {
        report_skip(
            "xml_files_match_truth",
            "../shared/datasets/einvoice-dev is absent",
        );
        return;
    };
    let truth = load_truth(&dir);
    let mut files: Vec<_> = std::fs::read_dir(dir.join("xml"))
        .expect("xml/ lists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    assert!(files.len() >= 50, "expected the 55 dataset XMLs");
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    for path in &files {
        let name = format!("xml/{}", path.file_name().unwrap().to_string_lossy());
        let bytes = std::fs::read(path).expect("reads");
        let inv = match parse(&bytes) {
            Ok(inv) => inv,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        assert_eq!(detect(&bytes), Some(inv.format), "{name}: detect agrees");
        if let Some(t) = truth.get(&name) {
            let key = match inv.format {
                Format::Cii => "cii",
                Format::Zugferd1 => "zugferd1",
                Format::Ubl => "ubl",
            };
            tallies.entry(key).or_default().add(&name, &inv, t);
        }
    }
    let mut total = (0, 0, 0);
    for (format, tally) in &tallies {
        let (m, q, n) = tally.print(&format!("einvoice-dev xml/ {format}"));
        total = (total.0 + m, total.1 + q, total.2 + n);
    }
    println!(
        "einvoice-dev xml/: {} files parsed of {}, fields {} / {} matched (+{} truth-quirk)",
        files.len() - failures.len(),
        files.len(),
        total.0,
        total.2,
        total.1
    );
    assert!(failures.is_empty(), "parse failures: {failures:#?}");
    let mismatches: Vec<_> = tallies.values().flat_map(|t| &t.mismatches).collect();
    assert!(mismatches.is_empty(), "mismatches: {mismatches:#?}");
}
