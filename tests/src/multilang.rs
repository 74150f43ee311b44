//! Scoring invoice-fields on the multilingual generated documents
//! (`grace_docgen::multilang`): per field over the documents that print it,
//! the detected language, and how often a field given with confidence
//! ≥ 0.9 is right (the calibration the output promises).

use std::collections::{BTreeMap, HashSet};

use grace_docgen::multilang::MultiDoc;
use grace_invoice_fields::{Field, InvoiceOutput};
use serde_json::{json, Value};

use crate::invoice::same_amount;
use grace_eval::metrics::FieldTally;

/// The fields scored, with whether they compare as amounts.
pub const SCORED: &[(&str, bool)] = &[
    ("vendor_name", false),
    ("vendor_tax_id", false),
    ("customer_name", false),
    ("invoice_number", false),
    ("issue_date", false),
    ("due_date", false),
    ("currency", false),
    ("subtotal", true),
    ("tax_total", true),
    ("total", true),
    ("iban", false),
];

/// The document as a reader of its text layer sees it: every page's lines
/// and words with their boxes, the shape the `pdf` module gives
/// `invoice-fields`.
pub fn page_json(doc: &MultiDoc) -> Vec<u8> {
    page_json_with(doc, |w, _| w.to_string())
}

/// [`page_json`] with the words of the labels in `label_words` (lowercase
/// letters) replaced by made-up words, for about `percent` % of those
/// words (the same words on every document): how extraction does where
/// the lexicon does not know a document's wording, so only the page's
/// structure can tell. Words inside a field's value are kept.
pub fn page_json_blinded(doc: &MultiDoc, label_words: &HashSet<String>, percent: u64) -> Vec<u8> {
    page_json_with(doc, |text, in_field| {
        let core: String = text.chars().filter(|c| c.is_alphabetic()).collect();
        let core = core.to_lowercase();
        if in_field || !label_words.contains(&core) {
            return text.to_string();
        }
        let hash = core.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        if hash % 100 >= percent {
            return text.to_string();
        }
        made_up_word(hash, core.chars().count(), text)
    })
}

/// A pronounceable word of about `len` letters drawn from `hash`, with the
/// original's capital and trailing colon.
fn made_up_word(hash: u64, len: usize, like: &str) -> String {
    const CONSONANTS: &[u8] = b"bcdfgklmnprstvz";
    const VOWELS: &[u8] = b"aeiou";
    let mut x = hash;
    let mut w: String = (0..len.clamp(3, 9))
        .map(|i| {
            let set = if i % 2 == 0 { CONSONANTS } else { VOWELS };
            let c = set[(x % set.len() as u64) as usize] as char;
            x /= 7;
            c
        })
        .collect();
    if like.starts_with(char::is_uppercase) {
        w[..1].make_ascii_uppercase();
    }
    if like.ends_with(':') {
        w.push(':');
    }
    w
}

/// The page JSON with every word's text passed through `word(text, in_field)`.
fn page_json_with(doc: &MultiDoc, word: impl Fn(&str, bool) -> String) -> Vec<u8> {
    let pages: Vec<Value> = doc
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let in_field = |q: &[[f32; 2]; 4]| {
                let (cx, cy) = ((q[0][0] + q[2][0]) / 2.0, (q[0][1] + q[2][1]) / 2.0);
                p.field_boxes.iter().any(|b| {
                    (b.quad[0][0] - 2.0..=b.quad[2][0] + 2.0).contains(&cx)
                        && (b.quad[0][1] - 2.0..=b.quad[2][1] + 2.0).contains(&cy)
                })
            };
            let lines: Vec<Value> = p
                .lines
                .iter()
                .map(|l| {
                    let texts: Vec<String> = l
                        .words
                        .iter()
                        .map(|w| word(&w.text, in_field(&w.quad)))
                        .collect();
                    let words: Vec<Value> = l
                        .words
                        .iter()
                        .zip(&texts)
                        .map(|(w, t)| json!({"text": t, "box": w.quad}))
                        .collect();
                    let changed = texts.iter().zip(&l.words).any(|(t, w)| *t != w.text);
                    let text = if changed {
                        texts.join(" ")
                    } else {
                        l.text.clone()
                    };
                    json!({"text": text, "box": l.quad, "words": words})
                })
                .collect();
            json!({
                "number": i + 1,
                "page": {"width": p.image.width(), "height": p.image.height()},
                "lines": lines,
            })
        })
        .collect();
    serde_json::to_vec(&json!({ "pages": pages })).unwrap()
}

/// Scores of one set.
#[derive(Debug, Default)]
pub struct LangScore {
    /// Per field, over the documents that print it.
    pub fields: BTreeMap<&'static str, FieldTally>,
    /// The detected language is the document's.
    pub language: FieldTally,
    /// Fields given with confidence ≥ 0.9: right or not.
    pub confident: FieldTally,
    /// What went wrong, for diagnosis.
    pub misses: Vec<String>,
}

impl LangScore {
    /// The lowest field accuracy and its field.
    pub fn worst_field(&self) -> (&'static str, f64) {
        self.fields
            .iter()
            .map(|(k, t)| (*k, t.accuracy()))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or(("none", 1.0))
    }

    /// Adds another set's counts.
    pub fn absorb(&mut self, other: LangScore) {
        for (k, t) in other.fields {
            let mine = self.fields.entry(k).or_default();
            mine.matched += t.matched;
            mine.total += t.total;
        }
        for (mine, theirs) in [
            (&mut self.language, other.language),
            (&mut self.confident, other.confident),
        ] {
            mine.matched += theirs.matched;
            mine.total += theirs.total;
        }
        self.misses.extend(other.misses);
    }
}

fn truth_of(doc: &MultiDoc, field: &str) -> Option<String> {
    let t = &doc.fields;
    match field {
        "vendor_name" => Some(t.vendor_name.clone()),
        "vendor_tax_id" => Some(t.vendor_tax_id.clone()),
        "customer_name" => t.customer_name.clone(),
        "invoice_number" => Some(t.invoice_number.to_uppercase()),
        "issue_date" => Some(t.issue_date.clone()),
        "due_date" => t.due_date.clone(),
        "currency" => Some(t.currency.clone()),
        "subtotal" => Some(t.subtotal.clone()),
        "tax_total" => Some(t.tax_total.clone()),
        "total" => Some(t.total.clone()),
        "iban" => t.iban.clone(),
        _ => None,
    }
}

fn output_of<'a>(out: &'a InvoiceOutput, field: &str) -> &'a Option<Field> {
    out.fields
        .named()
        .into_iter()
        .find(|(n, _)| *n == field)
        .map(|(_, f)| f)
        .expect("a known field")
}

/// Scores `outs` against `docs`; `set` names them in misses.
pub fn score(set: &str, docs: &[MultiDoc], outs: &[InvoiceOutput]) -> LangScore {
    let mut s = LangScore::default();
    for (doc, out) in docs.iter().zip(outs) {
        let code = doc.spec.language.code();
        let detected = out.language.as_ref().map(|d| d.value.as_str());
        s.language.add(detected == Some(code));
        if detected != Some(code) {
            s.misses.push(format!(
                "{set} seed {} language: {detected:?}",
                doc.spec.seed
            ));
        }
        for &(field, numeric) in SCORED {
            // A field counts where the generator printed it (it tags a box
            // for every printed value but the currency).
            let printed = field == "currency"
                || doc
                    .pages
                    .iter()
                    .any(|p| p.field_boxes.iter().any(|b| b.field == field));
            let Some(want) = truth_of(doc, field).filter(|_| printed) else {
                continue;
            };
            let got = output_of(out, field);
            let value = got.as_ref().map(|f| f.value.as_str());
            let ok = match value {
                Some(g) if numeric => same_amount(g, &want),
                Some(g) => g == want,
                None => false,
            };
            s.fields.entry(field).or_default().add(ok);
            if let Some(f) = got {
                if f.confidence >= 0.9 {
                    s.confident.add(ok);
                }
            }
            if !ok {
                s.misses.push(format!(
                    "{set} seed {} {} {field}: got {value:?} want {want:?}",
                    doc.spec.seed, doc.layout
                ));
            }
        }
    }
    s
}

/// One line per field, then language and calibration.
pub fn report(s: &LangScore) -> String {
    let mut out = String::new();
    for (k, t) in &s.fields {
        out.push_str(&format!(
            "    {k:<16} {:.3} ({}/{})\n",
            t.accuracy(),
            t.matched,
            t.total
        ));
    }
    out.push_str(&format!(
        "    language {:.3}; confidence >= 0.9 right {:.3} ({}/{})\n",
        s.language.accuracy(),
        s.confident.accuracy(),
        s.confident.matched,
        s.confident.total
    ));
    out
}
