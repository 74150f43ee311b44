//! Issue 4 acceptance on 200 generated Spanish documents (facturas, tickets,
//! rectificativas; every other one degraded): real native OCR, then the
//! invoice-fields library on the OCR JSON, scored against the generator's
//! truth. Issue floors: every carried field at least 0.97 exact,
//! validations holding on at least 0.95 of documents, every found field's
//! box overlapping where its value is printed.

use grace_ocr::Profile;
use grace_tests::invoice::{
    extract_all, generated_report, generated_set, print_misses, score_generated,
};
use grace_tests::{ocr_many, test_threads};

#[test]
fn generated_spanish_documents_fields_validations_boxes() {
    let start = std::time::Instant::now();
    let docs = generated_set(200);
    let images: Vec<Vec<u8>> = docs
        .iter()
        .map(|d| d.file_bytes().expect("encodes").0)
        .collect();
    let ocr = ocr_many(&images, Profile::Fast, test_threads());
    let ocr_s = start.elapsed().as_secs_f64();
    let (outs, ms) = extract_all(&ocr);
    let score = score_generated(&docs, &outs);
    print_misses(&score.misses);
    println!(
        "generated Spanish (200 docs, half degraded, OCR fast): {:.1} s total, invoice-fields {ms:.2} ms/doc",
        start.elapsed().as_secs_f64()
    );
    let _ = ocr_s;
    print!("{}", generated_report(&score));
    // Issue 4 floor: every carried field >= 0.97, met by all sixteen. What
    // OCR misreads and Spanish context decides is repaired: dropped
    // accents (`Libreria` -> `Librería`, `grace_invoice_rules::accents`),
    // look-alikes (`n°` -> `nº`, `EI` -> `El`, `S. L.` -> `S.L.`, `.A.` ->
    // `S.A.`), the marks and spaces of an address (`spanish_address`), a
    // common street name (`Ramny Cajal` -> `Ramón y Cajal`,
    // `spanish_streets`), a long word of a company name one letter off
    // (`Traduccieones`, `company_words`) and the capitals of names
    // (`spanish_case`). What is left is mostly OCR that context cannot
    // decide: `nº` dropped whole, `&e` for `&`, one unreadable page (seed
    // 129). On the generator's own text the same extraction scores 1.0 on
    // every field (second test below).
    for (field, tally) in &score.fields {
        assert!(
            tally.accuracy() >= 0.97,
            "field {field} is {:.3} exact, below the 0.97 floor",
            tally.accuracy()
        );
    }
    // Issue floor 0.95, met: most remaining failures are a wrong OCR amount
    // or date that a validation correctly flags.
    assert!(
        score.validations.accuracy() >= 0.95,
        "validations hold on {:.3} of documents, below 0.95",
        score.validations.accuracy()
    );
    // Line items (every item's description and amount exact, none missing
    // or extra): mostly misread descriptions keep this below the fields.
    // Held at what Grace reads today (0.71) so a regression fails.
    assert!(
        score.line_items.accuracy() >= 0.70,
        "line items exact on {:.3} of documents, below 0.70",
        score.line_items.accuracy()
    );
    assert_eq!(
        score.boxes.matched, score.boxes.total,
        "every correct field's box must overlap where its value is printed"
    );
}

/// The same 200 documents read from the generator's own text runs and boxes
/// (perfect OCR): what the extraction itself achieves, without OCR errors.
#[test]
fn generated_spanish_documents_from_their_own_text() {
    let docs = generated_set(200);
    let outs: Vec<_> = docs
        .iter()
        .map(|d| {
            let lines: Vec<serde_json::Value> = d
                .lines
                .iter()
                .map(|l| {
                    let words: Vec<_> = l
                        .words
                        .iter()
                        .map(|w| serde_json::json!({"text": w.text, "box": w.quad}))
                        .collect();
                    serde_json::json!({"text": l.text, "box": l.quad, "words": words})
                })
                .collect();
            let json = serde_json::to_vec(&serde_json::json!({ "lines": lines })).unwrap();
            grace_invoice_fields::run(&json, "application/json", &serde_json::Map::new()).unwrap()
        })
        .collect();
    let score = score_generated(&docs, &outs);
    print_misses(&score.misses);
    println!("generated Spanish from the generator's text (no OCR):");
    print!("{}", generated_report(&score));
    let (worst, acc) = score.worst_field();
    assert!(
        acc >= 0.97,
        "field {worst} is {acc:.3} exact on perfect text"
    );
    assert!(
        score.validations.accuracy() >= 0.95,
        "validations {:.3}",
        score.validations.accuracy()
    );
    // Tables under their headers and till receipts without them.
    assert!(
        score.line_items.accuracy() >= 0.97,
        "line items {:.3}",
        score.line_items.accuracy()
    );
    assert_eq!(score.boxes.matched, score.boxes.total);
}
