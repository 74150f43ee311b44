//! Shared measurement of the `invoice-fields` module for the acceptance
//! tests and the benchmark: the document sets, running the library on OCR
//! output exactly as the component receives it (the OCR JSON bytes), and
//! the scores of issue 4.

use std::collections::BTreeMap;
use std::time::Instant;

use grace_docgen::{generate, Degradation, DocKind, GeneratedDoc};
use grace_eval::datasets::{receipts_de::ReceiptDe, sroie::SroieDoc};
use grace_eval::metrics::{
    field_exact, field_exact_ci, parse_amount_cents, totals_match, FieldTally,
};
use grace_invoice_fields::{Field, InvoiceOutput, Status};
use grace_ocr::OcrOutput;

/// Runs the library on an OCR result the way the component gets it: the
/// serialized OCR JSON as `application/json` with default options.
pub fn extract(ocr: &OcrOutput) -> InvoiceOutput {
    let bytes = serde_json::to_vec(ocr).expect("OCR output serializes");
    grace_invoice_fields::run(&bytes, "application/json", &serde_json::Map::new())
        .expect("OCR JSON is valid input")
}

/// Reads every file (dataset images), panicking with the path on failure.
pub fn read_files<'a>(paths: impl IntoIterator<Item = &'a std::path::Path>) -> Vec<Vec<u8>> {
    paths
        .into_iter()
        .map(|p| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect()
}

/// Prints the misses when `GRACE_EVAL_VERBOSE` is set.
pub fn print_misses(misses: &[String]) {
    if std::env::var_os("GRACE_EVAL_VERBOSE").is_some() {
        for m in misses {
            println!("{m}");
        }
    }
}

/// Runs [`extract`] on every OCR result; returns the outputs and the mean
/// milliseconds per document spent in `invoice-fields` alone.
pub fn extract_all(ocr: &[OcrOutput]) -> (Vec<InvoiceOutput>, f64) {
    let start = Instant::now();
    let out: Vec<InvoiceOutput> = ocr.iter().map(extract).collect();
    let ms = start.elapsed().as_secs_f64() * 1000.0 / ocr.len().max(1) as f64;
    (out, ms)
}

/// The generated Spanish set: seeds `0..n`, kinds in turn (factura, ticket,
/// rectificativa), every odd seed degraded with a random mix.
pub fn generated_set(n: u64) -> Vec<GeneratedDoc> {
    (0..n)
        .map(|seed| {
            let kind = DocKind::ALL[(seed % 3) as usize];
            let degradation = if seed % 2 == 1 {
                Degradation::random(seed)
            } else {
                Degradation::none()
            };
            generate(kind, seed, degradation).expect("the generator renders")
        })
        .collect()
}

fn value(f: &Option<Field>) -> Option<&str> {
    f.as_ref().map(|f| f.value.as_str())
}

fn raw(f: &Option<Field>) -> &str {
    f.as_ref().map_or("", |f| f.raw.as_str())
}

/// SROIE task-3 scores.
#[derive(Debug, Default, Clone)]
pub struct SroieScore {
    /// Company exact.
    pub company: FieldTally,
    /// Address exact.
    pub address: FieldTally,
    /// Date exact (as printed).
    pub date: FieldTally,
    /// Company, address and date exact ignoring case: SROIE's annotators
    /// typed every key and box in capitals (no key or box line of the 60
    /// holds a lowercase letter) while many receipts print mixed case
    /// (`05 Mar 2018`, `Jalan Tampoi`), so the strict figures count a
    /// faithful read of the print as a miss.
    pub company_ci: FieldTally,
    /// Address exact ignoring case.
    pub address_ci: FieldTally,
    /// Date exact ignoring case.
    pub date_ci: FieldTally,
    /// Total, numeric.
    pub total: FieldTally,
    /// Per-document misses, for diagnosis.
    pub misses: Vec<String>,
}

/// Scores SROIE: company, address and date compare the text as printed
/// (`raw`) under task-3 rules, strictly and ignoring case; the total
/// compares numerically. Misses list what fails even ignoring case.
pub fn score_sroie(docs: &[SroieDoc], outs: &[InvoiceOutput]) -> SroieScore {
    let mut s = SroieScore::default();
    for (doc, out) in docs.iter().zip(outs) {
        let Some(key) = &doc.key else { continue };
        let f = &out.fields;
        let checks = [
            (
                "company",
                raw(&f.vendor_name),
                key.company.as_str(),
                &mut s.company,
                Some(&mut s.company_ci),
            ),
            (
                "address",
                raw(&f.vendor_address),
                key.address.as_str(),
                &mut s.address,
                Some(&mut s.address_ci),
            ),
            (
                "date",
                raw(&f.issue_date),
                key.date.as_str(),
                &mut s.date,
                Some(&mut s.date_ci),
            ),
            (
                "total",
                value(&f.total).unwrap_or(""),
                key.total.as_str(),
                &mut s.total,
                None,
            ),
        ];
        // `folded` is the case-insensitive tally of a text field; the total
        // (none) compares numerically.
        for (name, got, want, tally, folded) in checks {
            let ok = match folded {
                None => {
                    let ok = totals_match(got, want);
                    tally.add(ok);
                    ok
                }
                Some(folded) => {
                    let ok = field_exact_ci(got, want);
                    folded.add(ok);
                    tally.add(field_exact(got, want));
                    ok
                }
            };
            if !ok {
                s.misses
                    .push(format!("{} {name}: got {got:?} want {want:?}", doc.id));
            }
        }
    }
    s
}

/// receipts-de scores.
#[derive(Debug, Default, Clone)]
pub struct ReceiptsDeScore {
    /// Total in cents equal.
    pub total: FieldTally,
    /// ISO date equal.
    pub date: FieldTally,
    /// Misses.
    pub misses: Vec<String>,
}

/// Scores receipts-de against the truth in the file names.
pub fn score_receipts_de(docs: &[ReceiptDe], outs: &[InvoiceOutput]) -> ReceiptsDeScore {
    let mut s = ReceiptsDeScore::default();
    for (doc, out) in docs.iter().zip(outs) {
        let total = value(&out.fields.total).and_then(parse_amount_cents);
        let ok = total == Some(doc.total_cents);
        s.total.add(ok);
        let name = doc.image.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !ok {
            s.misses.push(format!(
                "{name} total: got {total:?} want {}",
                doc.total_cents
            ));
        }
        let date = value(&out.fields.issue_date);
        let ok = date == Some(doc.date.as_str());
        s.date.add(ok);
        if !ok {
            s.misses
                .push(format!("{name} date: got {date:?} want {}", doc.date));
        }
    }
    s
}

/// Scores on the generated Spanish set.
#[derive(Debug, Default, Clone)]
pub struct GeneratedScore {
    /// Per field: exact after normalization, over documents that carry it.
    pub fields: BTreeMap<&'static str, FieldTally>,
    /// doc_type exact.
    pub doc_type: FieldTally,
    /// Documents whose validations all hold: none fails, and every field a
    /// passing validation vouches for is right.
    pub validations: FieldTally,
    /// Tax lines exact (as a set), over documents.
    pub tax_lines: FieldTally,
    /// Line items exact, over documents.
    pub line_items: FieldTally,
    /// Field boxes that overlap where the value is printed, over fields
    /// found with a box and a printed truth box.
    pub boxes: FieldTally,
    /// Fields output for documents that do not carry them.
    pub spurious: usize,
    /// Misses, for diagnosis.
    pub misses: Vec<String>,
}

impl GeneratedScore {
    /// The lowest per-field accuracy and its field.
    pub fn worst_field(&self) -> (&'static str, f64) {
        self.fields
            .iter()
            .map(|(k, t)| (*k, t.accuracy()))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or(("", 1.0))
    }
}

/// Whether two printed amounts are the same number of cents.
pub fn same_amount(got: &str, want: &str) -> bool {
    matches!((parse_amount_cents(got), parse_amount_cents(want)), (Some(a), Some(b)) if a == b)
}

fn quads_overlap(a: &[[f32; 2]; 4], b: &[[f32; 2]; 4]) -> bool {
    grace_invoice_fields::layout::quads_overlap(a, b)
}

/// Scores the generated documents.
pub fn score_generated(docs: &[GeneratedDoc], outs: &[InvoiceOutput]) -> GeneratedScore {
    let mut s = GeneratedScore::default();
    for (doc, out) in docs.iter().zip(outs) {
        let t = &doc.fields;
        let f = &out.fields;
        let upper = |v: &str| v.to_uppercase();
        let truth: [(&'static str, Option<String>, &Option<Field>, bool); 16] = [
            (
                "vendor_name",
                Some(t.vendor_name.clone()),
                &f.vendor_name,
                false,
            ),
            (
                "vendor_tax_id",
                Some(t.vendor_tax_id.clone()),
                &f.vendor_tax_id,
                false,
            ),
            (
                "vendor_address",
                Some(t.vendor_address.clone()),
                &f.vendor_address,
                false,
            ),
            (
                "customer_name",
                t.customer_name.clone(),
                &f.customer_name,
                false,
            ),
            (
                "customer_tax_id",
                t.customer_tax_id.clone(),
                &f.customer_tax_id,
                false,
            ),
            (
                "invoice_number",
                Some(upper(&t.invoice_number)),
                &f.invoice_number,
                false,
            ),
            (
                "issue_date",
                Some(t.issue_date.clone()),
                &f.issue_date,
                false,
            ),
            ("due_date", t.due_date.clone(), &f.due_date, false),
            ("currency", Some(t.currency.clone()), &f.currency, false),
            ("subtotal", Some(t.subtotal.clone()), &f.subtotal, true),
            ("tax_total", Some(t.tax_total.clone()), &f.tax_total, true),
            ("withholding", t.withholding.clone(), &f.withholding, true),
            ("total", Some(t.total.clone()), &f.total, true),
            ("amount_due", t.amount_due.clone(), &f.amount_due, true),
            ("iban", t.iban.clone(), &f.iban, false),
            (
                "payment_method",
                t.payment_method.clone(),
                &f.payment_method,
                false,
            ),
        ];
        let mut wrong: Vec<&str> = Vec::new();
        for (name, want, got, numeric) in &truth {
            let g = value(got);
            // A field is carried when the generator printed it (it tags a
            // box for every printed field but the currency); the truth of a
            // ticket says `amount_due` even though tickets never print it.
            let printed = *name == "currency" || doc.field_boxes.iter().any(|b| b.field == *name);
            let want = &want.clone().filter(|_| printed);
            let ok = match (want, g) {
                (Some(w), Some(g)) if *numeric => same_amount(g, w),
                (Some(w), Some(g)) => g == w,
                (Some(_), None) => false,
                (None, Some(_)) => {
                    s.spurious += 1;
                    wrong.push(name);
                    continue;
                }
                (None, None) => continue,
            };
            s.fields.entry(name).or_default().add(ok);
            if !ok {
                wrong.push(name);
                s.misses.push(format!(
                    "seed {} {:?} {name}: got {g:?} want {want:?}",
                    doc.seed, doc.kind
                ));
            }
            // The box must overlap where that value is printed.
            let printed: Vec<_> = doc
                .field_boxes
                .iter()
                .filter(|b| b.field == *name)
                .collect();
            if let (true, Some(q), false) =
                (ok, got.as_ref().and_then(|f| f.bbox), printed.is_empty())
            {
                // Where the generator tagged the value, or another printed
                // run holding the same value (a single-rate ticket prints
                // its base both in the tax table and as the subtotal).
                let same_text = |text: &str| {
                    printed
                        .iter()
                        .any(|b| text.contains(b.text.trim_end_matches([' ', '€'])))
                        || (*numeric
                            && text
                                .split_whitespace()
                                .any(|w| want.as_deref().is_some_and(|v| same_amount(w, v))))
                };
                let hit = printed.iter().any(|b| quads_overlap(&q, &b.quad))
                    || doc
                        .lines
                        .iter()
                        .any(|l| same_text(&l.text) && quads_overlap(&q, &l.quad));
                s.boxes.add(hit);
                if !hit {
                    s.misses.push(format!(
                        "seed {} {name}: box {q:?} misses the printed value",
                        doc.seed
                    ));
                }
            }
        }
        s.doc_type.add(out.doc_type.value == t.doc_type);
        let failed = out.validations.iter().any(|v| v.status == Status::Fail);
        let vouched_wrong = out
            .validations
            .iter()
            .filter(|v| v.status == Status::Pass)
            .any(|v| v.fields.iter().any(|n| wrong.contains(&n.as_str())));
        s.validations.add(!failed && !vouched_wrong);
        if failed || vouched_wrong {
            let names: Vec<String> = out
                .validations
                .iter()
                .filter(|v| v.status == Status::Fail)
                .map(|v| format!("{}: {}", v.name, v.detail))
                .collect();
            s.misses.push(format!(
                "seed {} validations: failed {names:?}, wrong fields {wrong:?}",
                doc.seed
            ));
        }
        let mut want_tax: Vec<(String, String, String, String)> = t
            .tax_lines
            .iter()
            .map(|l| {
                (
                    l.kind.clone(),
                    l.rate.clone(),
                    l.base.clone(),
                    l.amount.clone(),
                )
            })
            .collect();
        let mut got_tax: Vec<(String, String, String, String)> = out
            .tax_lines
            .iter()
            .map(|l| {
                let o = |v: &Option<String>| v.clone().unwrap_or_default();
                (l.kind.clone(), o(&l.rate), o(&l.base), o(&l.amount))
            })
            .collect();
        want_tax.sort();
        got_tax.sort();
        s.tax_lines.add(want_tax == got_tax);
        let items_ok = t.line_items.len() == out.line_items.len()
            && t.line_items.iter().zip(&out.line_items).all(|(w, g)| {
                g.amount
                    .as_deref()
                    .is_some_and(|a| same_amount(a, &w.amount))
                    && g.description == w.description
            });
        s.line_items.add(items_ok);
        if !items_ok {
            let want: Vec<(&str, &str)> = t
                .line_items
                .iter()
                .map(|w| (w.description.as_str(), w.amount.as_str()))
                .collect();
            let got: Vec<(&str, &str)> = out
                .line_items
                .iter()
                .map(|g| (g.description.as_str(), g.amount.as_deref().unwrap_or("-")))
                .collect();
            s.misses.push(format!(
                "seed {} {:?} line_items: got {got:?} want {want:?}",
                doc.seed, doc.kind
            ));
        }
    }
    s
}

/// One line per score, for test logs and the benchmark.
pub fn generated_report(s: &GeneratedScore) -> String {
    let mut out = String::new();
    for (k, t) in &s.fields {
        out.push_str(&format!(
            "  {k:<16} {:.3} ({}/{})\n",
            t.accuracy(),
            t.matched,
            t.total
        ));
    }
    out.push_str(&format!(
        "  doc_type {:.3}, validations {:.3}, tax_lines {:.3}, line_items {:.3}, boxes {:.3} ({}/{}), spurious fields {}\n",
        s.doc_type.accuracy(),
        s.validations.accuracy(),
        s.tax_lines.accuracy(),
        s.line_items.accuracy(),
        s.boxes.accuracy(),
        s.boxes.matched,
        s.boxes.total,
        s.spurious
    ));
    out
}
