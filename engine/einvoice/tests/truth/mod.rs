//! Scoring against `einvoice-dev/truth.json`, shared by this crate's tests
//! and grace-pdf's (through `#[path]`), so both count fields the same way.
#![allow(dead_code)]

use grace_einvoice::{EInvoice, Format};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The truth fields, in report order.
pub const FIELDS: [&str; 12] = [
    "profile",
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "total",
    "tax_basis",
    "tax_total",
    "seller_name",
    "seller_vat",
    "buyer_name",
    "iban",
];

/// `einvoice-dev`: `$GRACE_DATASETS_DIR/einvoice-dev`, else
/// `<workspace>/../shared/datasets/einvoice-dev`; `None` when absent.
pub fn dataset_dir() -> Option<PathBuf> {
    let base = match std::env::var_os("GRACE_DATASETS_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets"),
    };
    let dir = base.join("einvoice-dev");
    dir.join("truth.json").is_file().then_some(dir)
}

/// Prints a skip notice in the form test logs and CI scrapers recognise.
pub fn report_skip(test: &str, reason: &str) {
    println!("SKIPPED {test}: {reason}");
    eprintln!("SKIPPED {test}: {reason}");
}

/// truth.json: file path relative to the dataset (`xml/x.cii.xml`) to fields.
pub fn load_truth(dir: &std::path::Path) -> BTreeMap<String, BTreeMap<String, Value>> {
    let text = std::fs::read_to_string(dir.join("truth.json")).expect("truth.json reads");
    serde_json::from_str(&text).expect("truth.json parses")
}

/// How one field of one document compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Equal.
    Match,
    /// The truth for UBL `seller_vat` is the first PartyTaxScheme's
    /// CompanyID even when that scheme is not VAT (the German tax number,
    /// BT-32). We report the VAT id (BT-31) as `vat_id` and that number as
    /// `tax_number`; this outcome is that case and nothing else.
    TruthTakesTaxNumber,
    /// The truth for CII `iban` is the first IBANID in the document, which
    /// in a direct debit is the buyer's debited account (BT-91, our
    /// `debtor_iban`), not a payee account (BT-84, our `ibans`); its UBL
    /// twins leave `iban` null in the same case.
    TruthTakesDebtorIban,
    /// Different.
    Mismatch,
}

/// What we produce for a truth field, in truth.json's normalisation
/// (amounts with two decimals, ISO dates, ids without spaces).
pub fn ours(inv: &EInvoice, field: &str) -> Option<String> {
    let v = |a: &Option<grace_einvoice::Amount>| a.as_ref().and_then(|a| a.value.clone());
    match field {
        "profile" => Some(inv.format.name().to_string()),
        "invoice_number" => Some(inv.invoice_number.clone()),
        "issue_date" => inv.issue_date.clone(),
        "due_date" => inv.due_date.clone(),
        "currency" => inv.currency.clone(),
        "total" => v(&inv.totals.total),
        "tax_basis" => v(&inv.totals.tax_basis),
        "tax_total" => v(&inv.totals.tax_total),
        "seller_name" => inv.seller.name.clone(),
        "seller_vat" => inv.seller.vat_id.clone(),
        "buyer_name" => inv.buyer.name.clone(),
        "iban" => inv.payment.ibans.first().cloned(),
        _ => None,
    }
}

/// Compares one truth field.
pub fn compare(inv: &EInvoice, field: &str, truth: &Value) -> Outcome {
    let want = truth.as_str().map(str::to_string);
    let got = ours(inv, field);
    if got == want {
        return Outcome::Match;
    }
    if field == "seller_vat" && inv.format == Format::Ubl && want == inv.seller.tax_number {
        return Outcome::TruthTakesTaxNumber;
    }
    if field == "iban" && inv.format != Format::Ubl && want == inv.payment.debtor_iban {
        return Outcome::TruthTakesDebtorIban;
    }
    Outcome::Mismatch
}

/// Per-field tally: field -> (matched, quirk, compared).
#[derive(Default)]
pub struct Tally {
    pub by_field: BTreeMap<&'static str, (usize, usize, usize)>,
    pub mismatches: Vec<String>,
}

impl Tally {
    /// Scores every field truth gives for `name`.
    pub fn add(&mut self, name: &str, inv: &EInvoice, truth: &BTreeMap<String, Value>) {
        for field in FIELDS {
            let Some(want) = truth.get(field) else {
                continue;
            };
            let e = self.by_field.entry(field).or_default();
            e.2 += 1;
            match compare(inv, field, want) {
                Outcome::Match => e.0 += 1,
                Outcome::TruthTakesTaxNumber | Outcome::TruthTakesDebtorIban => e.1 += 1,
                Outcome::Mismatch => self.mismatches.push(format!(
                    "{name}: {field}: truth {want}, ours {:?}",
                    ours(inv, field)
                )),
            }
        }
    }

    /// Prints the table and returns (matched, quirk, compared) over all fields.
    pub fn print(&self, title: &str) -> (usize, usize, usize) {
        println!("{title}: field, matched / compared (+ truth-quirk)");
        let mut all = (0, 0, 0);
        for (field, (m, q, n)) in &self.by_field {
            println!("  {field:<15} {m:>3} / {n:<3} (+{q})");
            all = (all.0 + m, all.1 + q, all.2 + n);
        }
        println!("  {:<15} {:>3} / {:<3} (+{})", "all", all.0, all.2, all.1);
        for m in &self.mismatches {
            println!("  MISMATCH {m}");
        }
        all
    }
}
