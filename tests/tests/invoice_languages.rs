//! Invoices and receipts in seven languages from the multilingual
//! generator, read from their text layer (the clean-PDF case): every field
//! per language, the detected language, calibration, and the same measures
//! on the held-out style (layouts, fonts and label wordings extraction was
//! never tuned on).
//!
//! A third measure reads the tuning style with about half of its label
//! words replaced by made-up words (`label-blind`): what the page's
//! structure alone recovers where the lexicon does not know the wording.
//!
//! What is asserted is what extraction achieves today, so it cannot get
//! worse: the detected language, the calibration of confident fields, and
//! a floor per field on the tuning style. The goals it does not meet yet
//! (every field 0.95 on the tuning style, the held-out style within 0.03 of
//! it) are printed as `goal not met` lines, not asserted.

use std::collections::HashSet;

use grace_docgen::multilang::{self, Style};
use grace_docgen::Language;
use grace_tests::multilang::{page_json, page_json_blinded, report, score, LangScore};

/// Documents per language and style in the test suite (the benchmark runs more).
const PER_SET: usize = 51;

/// The lowest field accuracy on the tuning style today (English subtotal, 0.94).
const TUNING_FLOOR: f64 = 0.92;

/// Share of label words made up in the label-blind measure, percent.
const BLIND_PERCENT: u64 = 50;

/// The goals: every field on the tuning style, and the held-out style at
/// most this far below it.
const FIELD_GOAL: f64 = 0.95;
const HELD_OUT_GAP: f64 = 0.03;

fn read(docs: &[multilang::MultiDoc]) -> Vec<grace_invoice_fields::InvoiceOutput> {
    docs.iter()
        .map(|d| {
            grace_invoice_fields::run(&page_json(d), "application/json", &Default::default())
                .unwrap()
        })
        .collect()
}

fn set_score(language: Language, style: Style) -> LangScore {
    let docs = multilang::set(language, style, PER_SET, 1000).expect("documents generate");
    let outs = read(&docs);
    score(
        &format!("{}/{}", language.code(), style.name()),
        &docs,
        &outs,
    )
}

/// The tuning style read with about half its label words made up.
fn blind_score(language: Language) -> LangScore {
    let docs = multilang::set(language, Style::Tuning, PER_SET, 1000).expect("documents generate");
    let words: HashSet<String> = Style::Tuning
        .labels(language)
        .all()
        .iter()
        .flat_map(|p| p.split(|c: char| !c.is_alphabetic()))
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
        .collect();
    let outs: Vec<_> = docs
        .iter()
        .map(|d| {
            let page = page_json_blinded(d, &words, BLIND_PERCENT);
            grace_invoice_fields::run(&page, "application/json", &Default::default()).unwrap()
        })
        .collect();
    score(&format!("{}/label-blind", language.code()), &docs, &outs)
}

#[test]
fn seven_languages_from_their_text_layer() {
    let mut all = LangScore::default();
    let mut failures = Vec::new();
    for language in Language::ALL {
        let tuning = set_score(language, Style::Tuning);
        let held = set_score(language, Style::HeldOut);
        for m in tuning.misses.iter().take(12) {
            println!("  miss {m}");
        }
        println!(
            "{} tuning style ({PER_SET} documents):\n{}",
            language.code(),
            report(&tuning)
        );
        println!(
            "{} held-out style ({PER_SET} documents):\n{}",
            language.code(),
            report(&held)
        );
        let blind = blind_score(language);
        println!(
            "{} tuning style, label-blind ({BLIND_PERCENT} % of label words made up):\n{}",
            language.code(),
            report(&blind)
        );
        for (field, t) in &tuning.fields {
            if t.accuracy() < TUNING_FLOOR {
                failures.push(format!(
                    "{} {field}: {:.3} < {TUNING_FLOOR} (tuning style)",
                    language.code(),
                    t.accuracy()
                ));
            } else if t.accuracy() < FIELD_GOAL {
                println!(
                    "goal not met: {} {field} {:.3} < {FIELD_GOAL} (tuning style)",
                    language.code(),
                    t.accuracy()
                );
            }
            let h = held.fields.get(field).map_or(1.0, |h| h.accuracy());
            if h < t.accuracy() - HELD_OUT_GAP {
                println!(
                    "goal not met: {} {field} held-out {h:.3}, tuning {:.3}",
                    language.code(),
                    t.accuracy()
                );
            }
        }
        for (name, s) in [("tuning", &tuning), ("held-out", &held)] {
            if s.language.accuracy() < 0.98 {
                failures.push(format!(
                    "{} {name}: language right on {:.3} < 0.98",
                    language.code(),
                    s.language.accuracy()
                ));
            }
        }
        all.absorb(tuning);
        all.absorb(held);
    }
    println!(
        "all languages and styles: fields with confidence >= 0.9 right {:.3} ({}/{})",
        all.confident.accuracy(),
        all.confident.matched,
        all.confident.total
    );
    if all.confident.accuracy() < 0.98 {
        failures.push(format!(
            "confidence >= 0.9 right {:.3} < 0.98",
            all.confident.accuracy()
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
