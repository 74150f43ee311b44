//! Document type from its title words: a credit note says so
//! (`FACTURA RECTIFICATIVA`, `ABONO`), a ticket says `FACTURA SIMPLIFICADA`
//! or `TICKET`, an invoice `FACTURA`/`INVOICE`. A title near the top counts
//! more than the same words in a footnote.

use crate::labels::norm_word;
use crate::layout::Page;
use crate::output::DocType;

/// Phrases (normalized words) and the type they announce, most specific first.
#[rustfmt::skip]
const TITLES: &[(&str, &str)] = &[
    ("factura rectificativa", "credit_note"), ("rectificativa", "credit_note"), ("abono", "credit_note"),
    ("credit note", "credit_note"), ("nota de credito", "credit_note"),
    ("factura simplificada", "simplified_invoice"), ("fra simpl", "simplified_invoice"),
    ("ticket", "simplified_invoice"), ("receipt", "simplified_invoice"), ("recibo", "simplified_invoice"),
    ("cash sale", "simplified_invoice"), ("cash bill", "simplified_invoice"),
    ("simplified invoice", "simplified_invoice"), ("kassenbon", "simplified_invoice"),
    ("tax invoice", "simplified_invoice"),
    ("factura", "invoice"), ("invoice", "invoice"), ("rechnung", "invoice"),
];

/// The document type and a confidence.
pub fn doc_type(page: &Page, has_total: bool) -> DocType {
    let mut best: Option<(f32, usize, &str)> = None;
    for &line in page.rows.iter().flatten() {
        let words: Vec<String> = page.lines[line]
            .words
            .iter()
            .map(|w| norm_word(&w.text))
            .collect();
        let joined = format!(" {} ", words.join(" "));
        for (rank, &(phrase, ty)) in TITLES.iter().enumerate() {
            if joined.contains(&format!(" {phrase} ")) {
                // Titles sit in the top third; later mentions are weaker.
                let top = page.depth(line) < 0.35;
                let score = if top { 0.95 } else { 0.7 };
                let better = best.is_none_or(|(s, r, _)| score > s || (score == s && rank < r));
                if better {
                    best = Some((score, rank, ty));
                }
                break;
            }
        }
    }
    match best {
        Some((score, _, ty)) => DocType {
            value: ty.to_string(),
            confidence: score,
        },
        // A page with a total and no title is most likely a till receipt.
        None if has_total => DocType {
            value: "simplified_invoice".into(),
            confidence: 0.5,
        },
        None => DocType {
            value: "other".into(),
            confidence: 0.5,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(text: &str) -> String {
        doc_type(&Page::from_text(text), true).value
    }

    #[test]
    fn titles_decide() {
        assert_eq!(ty("FACTURA RECTIFICATIVA\nNº R-1"), "credit_note");
        assert_eq!(
            ty("TICKET - FACTURA SIMPLIFICADA\nTOTAL 3,00"),
            "simplified_invoice"
        );
        assert_eq!(ty("FACTURA\nNº 2024/1"), "invoice");
        assert_eq!(doc_type(&Page::from_text("hello"), false).value, "other");
    }
}
