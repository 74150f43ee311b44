//! Every Factur-X / ZUGFeRD PDF of `einvoice-dev` yields its embedded XML,
//! which parses and agrees with truth.json; skipped (with a SKIPPED line)
//! where the shared datasets are absent.

#[path = "../../einvoice/tests/truth/mod.rs"]
mod truth;

use grace_pdf::{find_einvoice_xml, list_attachments, read_pdf, PdfOptions};
use truth::{dataset_dir, load_truth, report_skip, Tally};

#[test]
fn pdfs_carry_invoice_xml_matching_truth() {
    let Some(dir) = dataset_dir() else {
        report_skip(
            "pdfs_carry_invoice_xml_matching_truth",
            "../shared/datasets/einvoice-dev is absent",
        );
        return;
    };
    let truth = load_truth(&dir);
    let mut files: Vec<_> = std::fs::read_dir(dir.join("pdf"))
        .expect("pdf/ lists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    assert!(files.len() >= 29, "expected the 29 dataset PDFs");
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    for path in &files {
        let name = format!("pdf/{}", path.file_name().unwrap().to_string_lossy());
        let bytes = std::fs::read(path).expect("reads");
        let found = match find_einvoice_xml(&bytes) {
            Ok(Some(found)) => found,
            Ok(None) => {
                let listed = list_attachments(&bytes).map(|l| {
                    l.iter()
                        .map(|a| format!("{} {:?}", a.name, a.media_type))
                        .collect::<Vec<_>>()
                });
                failures.push(format!("{name}: no invoice XML; attachments {listed:?}"));
                continue;
            }
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let inv = match grace_einvoice::parse(found.xml.as_bytes()) {
            Ok(inv) => inv,
            Err(e) => {
                failures.push(format!("{name}: {}: {e}", found.filename));
                continue;
            }
        };
        assert_eq!(inv.format, found.format, "{name}");
        if let Some(t) = truth.get(&name) {
            if let Some(want) = t.get("xml_name").and_then(|v| v.as_str()) {
                assert_eq!(found.filename, want, "{name}: attachment name");
            }
            tally.add(&name, &inv, t);
        }
    }
    let (m, q, n) = tally.print("einvoice-dev pdf/ (embedded CII)");
    println!(
        "einvoice-dev pdf/: invoice XML found and parsed in {} of {}, fields {m} / {n} matched (+{q} truth-quirk)",
        files.len() - failures.len(),
        files.len()
    );
    assert!(failures.is_empty(), "failures: {failures:#?}");
    assert!(
        tally.mismatches.is_empty(),
        "mismatches: {:#?}",
        tally.mismatches
    );

    // read_pdf carries the same XML in its output.
    let first = std::fs::read(&files[0]).unwrap();
    let out = read_pdf(&first, &PdfOptions::default()).expect("reads");
    let e = out
        .e_invoice
        .as_ref()
        .expect("e_invoice in read_pdf output");
    assert_eq!(e.format, grace_einvoice::Format::Cii);
    let json = serde_json::to_value(&out).unwrap();
    assert_eq!(json["e_invoice"]["format"], "cii");
    assert!(json["e_invoice"]["xml"]
        .as_str()
        .unwrap()
        .contains("CrossIndustryInvoice"));
}
