//! OCR accuracy on the 60 SROIE dev receipts, SROIE task-2 protocol:
//! word-level micro F1 over each document's token set (case-insensitive) and
//! character error rate over the concatenated lines.

use grace_eval::datasets::{sroie, sroie_dev_dir};
use grace_eval::metrics::{CharErrorRate, WordScore};
use grace_ocr::{OcrOptions, Profile};
use grace_tests::{native_engine, report_skip};

#[test]
fn sroie_dev_balanced_word_f1_and_cer() {
    let Some(dir) = sroie_dev_dir() else {
        report_skip(
            "sroie_dev_balanced_word_f1_and_cer",
            "../shared/datasets/sroie-dev is absent",
        );
        return;
    };
    let docs = sroie::load(&dir).expect("dataset loads");
    assert_eq!(docs.len(), 60);
    let mut engine = native_engine();
    let options = OcrOptions::for_profile(Profile::Balanced);
    let mut words = WordScore::new();
    let mut cer = CharErrorRate::new();
    let mut cer_rows = CharErrorRate::new();
    for doc in &docs {
        let bytes = std::fs::read(&doc.image).expect("image");
        let out = engine.read(&bytes, &options).expect("read");
        let gt = doc.gt_text();
        let mut one = WordScore::new();
        one.add(&out.text, &gt);
        words.merge(&one);
        cer.add(&out.text, &gt);
        cer_rows.add(&out.text, &doc.gt_text_in_rows());
        if let Some(dump) = std::env::var_os("GRACE_EVAL_DUMP") {
            let path = std::path::Path::new(&dump).join(format!("{}.json", doc.id));
            std::fs::write(path, serde_json::to_string(&out).unwrap()).expect("dump folder exists");
        }
        if std::env::var_os("GRACE_EVAL_VERBOSE").is_some() {
            println!("{} f1={:.3}", doc.id, one.f1());
        }
    }
    println!(
        "sroie-dev balanced: word P {:.4} R {:.4} F1 {:.4}, CER {:.4} (ground truth in file order), {:.4} (in row order)",
        words.precision(),
        words.recall(),
        words.f1(),
        cer.cer(),
        cer_rows.cer()
    );
    // The goals are F1 >= 0.80 and CER <= 0.12 (issue 2), CER over the
    // ground-truth lines in file order; both are asserted (today 0.857 and
    // 0.1197). The file-order CER measures the annotators' line order as much
    // as reading: perfect text read row by row scores 0.082 against it
    // (`tests/eval/tests/datasets.rs`), since some receipts list a table
    // column by column or a footer mid-page, and one (`001`) annotates two
    // lines twice. Against the same lines in row order Grace's CER is 0.063;
    // that ceiling sits just above today's figure so a regression fails.
    assert!(
        words.f1() >= 0.80,
        "word F1 {:.4} fell below the 0.80 goal",
        words.f1()
    );
    assert!(
        cer.cer() <= 0.12,
        "CER {:.4} rose above the 0.12 goal",
        cer.cer()
    );
    assert!(
        cer_rows.cer() <= 0.07,
        "CER in row order {:.4} rose above the 0.07 ceiling",
        cer_rows.cer()
    );
}
