//! Issue 4 acceptance on the 26 German receipts (truth in the file names):
//! total and date through real OCR and invoice-fields.

use grace_eval::datasets::{receipts_de, receipts_de_dir};
use grace_ocr::Profile;
use grace_tests::invoice::{extract_all, print_misses, read_files, score_receipts_de};
use grace_tests::{ocr_many, report_skip, test_threads};

#[test]
fn receipts_de_total_and_date() {
    let Some(dir) = receipts_de_dir() else {
        report_skip(
            "receipts_de_total_and_date",
            "../shared/datasets/receipts-de is absent",
        );
        return;
    };
    let start = std::time::Instant::now();
    let docs = receipts_de::load(&dir).expect("dataset loads");
    assert_eq!(docs.len(), 26);
    let images = read_files(docs.iter().map(|d| d.image.as_path()));
    let ocr = ocr_many(&images, Profile::Balanced, test_threads());
    let (outs, ms) = extract_all(&ocr);
    let s = score_receipts_de(&docs, &outs);
    print_misses(&s.misses);
    println!(
        "receipts-de (OCR balanced): total {:.3}, date {:.3}; {:.1} s, invoice-fields {ms:.2} ms/doc",
        s.total.accuracy(),
        s.date.accuracy(),
        start.elapsed().as_secs_f64()
    );
    assert!(
        s.total.accuracy() >= 0.90,
        "total {:.3} < 0.90",
        s.total.accuracy()
    );
    assert!(
        s.date.accuracy() >= 0.90,
        "date {:.3} < 0.90",
        s.date.accuracy()
    );
}
