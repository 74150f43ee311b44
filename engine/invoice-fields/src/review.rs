//! The last pass: what the checks say about the fields. A field a check
//! contradicts loses its confidence (a confident wrong total is the worst
//! answer a reader can give), and the document says whether a person should
//! look at it and why, in short stable codes a workflow can branch on.

use crate::output::{Field, Fields, Status, Validation};

/// Confidence a field keeps at most when a check it takes part in fails.
pub const CONTRADICTED: f32 = 0.4;

/// Below this a key field is reported as `low_confidence:<field>`.
pub const LOW_CONFIDENCE: f32 = 0.6;

/// Fields whose doubt makes the whole document doubtful.
const KEY_FIELDS: &[&str] = &[
    "invoice_number",
    "issue_date",
    "vendor_name",
    "vendor_tax_id",
    "subtotal",
    "tax_total",
    "total",
    "iban",
];

/// Failed checks and the review code each one raises.
const FAILED_CHECK_CODES: &[(&str, &str)] = &[
    ("totals_balance", "total_unbalanced"),
    ("line_items_sum", "line_items_unbalanced"),
    ("tax_amounts", "tax_amount_mismatch"),
    ("vendor_tax_id_checksum", "tax_id_checksum"),
    ("customer_tax_id_checksum", "tax_id_checksum"),
    ("iban_checksum", "iban_checksum"),
    ("dates_plausible", "dates_implausible"),
];

/// Checks whose failure says something about the fields they name; a
/// line-item mismatch is more often a missed row than a wrong total.
const CONTRADICTING_CHECKS: &[&str] = &[
    "totals_balance",
    "tax_amounts",
    "vendor_tax_id_checksum",
    "customer_tax_id_checksum",
    "iban_checksum",
    "dates_plausible",
];

/// A total of zero on a page whose subtotal or tax is not: a `0,00` line
/// (discounts, deposits) read as the total, never a total to trust.
fn zero_total_among_amounts(fields: &Fields) -> bool {
    let amount = |f: &Option<Field>| f.as_ref().and_then(|f| f.value.parse::<f64>().ok());
    amount(&fields.total) == Some(0.0)
        && [&fields.subtotal, &fields.tax_total, &fields.amount_due]
            .into_iter()
            .any(|f| amount(f).is_some_and(|v| v != 0.0))
}

/// Lowers the confidence of every field a failed check names, and of a
/// zero total among other amounts.
pub fn discount_contradicted(fields: &mut Fields, validations: &[Validation]) {
    if zero_total_among_amounts(fields) {
        if let Some(t) = fields.total.as_mut() {
            t.confidence = t.confidence.min(CONTRADICTED);
        }
    }
    let failed: Vec<&Validation> = validations
        .iter()
        .filter(|v| v.status == Status::Fail && CONTRADICTING_CHECKS.contains(&v.name.as_str()))
        .collect();
    for (name, field) in fields.named_mut() {
        let Some(f) = field.as_mut() else { continue };
        if failed.iter().any(|v| v.fields.iter().any(|n| n == name)) {
            f.confidence = f.confidence.min(CONTRADICTED);
        }
    }
}

/// The most a field may claim when no check confirmed it. A clean page
/// reads every word with full confidence, so the reading alone cannot tell
/// a right value from a plausible wrong one; only a passing checksum or the
/// invoice arithmetic can. Caps at or above 0.9 are kept for fields whose
/// unconfirmed readings were right at least 98 % of the time on the
/// development sets (see the calibration report of the dataset tests).
const UNCONFIRMED_CAP: &[(&str, f32)] = &[
    ("vendor_name", 0.8),
    ("vendor_tax_id", 0.85),
    ("vendor_address", 0.8),
    ("customer_name", 0.8),
    ("customer_tax_id", 0.85),
    ("invoice_number", 0.88),
    ("issue_date", 0.88),
    ("due_date", 0.85),
    ("currency", 0.88),
    ("subtotal", 0.85),
    ("tax_total", 0.85),
    ("withholding", 0.85),
    ("total", 0.85),
    ("amount_due", 0.85),
    ("iban", 0.85),
    ("payment_method", 0.8),
];

/// Checks whose pass confirms the fields they name.
const CONFIRMING_CHECKS: &[&str] = &[
    "totals_balance",
    "vendor_tax_id_checksum",
    "customer_tax_id_checksum",
    "iban_checksum",
];

/// Caps every field no passing check confirmed at its [`UNCONFIRMED_CAP`];
/// values read from an e-invoice XML are exact and keep theirs.
pub fn cap_unconfirmed(fields: &mut Fields, validations: &[Validation]) {
    let confirmed = |name: &str| {
        validations.iter().any(|v| {
            v.status == Status::Pass
                && CONFIRMING_CHECKS.contains(&v.name.as_str())
                && v.fields.iter().any(|f| f == name)
        })
    };
    // The amount due is confirmed with the total it equals.
    let total = fields.total.as_ref().map(|f| f.value.clone());
    let due_is_total = fields
        .amount_due
        .as_ref()
        .is_some_and(|d| Some(&d.value) == total.as_ref());
    for (name, field) in fields.named_mut() {
        let Some(f) = field.as_mut() else { continue };
        if f.source == crate::output::Source::EInvoice
            || confirmed(name)
            || (name == "amount_due" && due_is_total && confirmed("total"))
        {
            continue;
        }
        if let Some((_, cap)) = UNCONFIRMED_CAP.iter().find(|(n, _)| *n == name) {
            f.confidence = f.confidence.min(*cap);
        }
    }
}

/// Whether the document needs a person, and why (sorted, no repeats).
pub fn review_reasons(
    fields: &Fields,
    validations: &[Validation],
    is_money_document: bool,
) -> Vec<String> {
    let mut reasons: Vec<String> = Vec::new();
    for v in validations.iter().filter(|v| v.status == Status::Fail) {
        if v.name == crate::e_invoice::MATCHES_PAGE {
            reasons.extend(crate::e_invoice::mismatch_reasons(v));
        } else if let Some((_, code)) = FAILED_CHECK_CODES.iter().find(|(n, _)| *n == v.name) {
            reasons.push((*code).to_string());
        } else {
            reasons.push(v.name.clone());
        }
    }
    if is_money_document && fields.total.is_none() {
        reasons.push("missing:total".into());
    }
    if zero_total_among_amounts(fields) {
        reasons.push("total_zero".into());
    }
    for (name, field) in fields.named() {
        if let Some(Field { confidence, .. }) = field {
            if KEY_FIELDS.contains(&name) && *confidence < LOW_CONFIDENCE {
                reasons.push(format!("low_confidence:{name}"));
            }
        }
    }
    reasons.sort();
    reasons.dedup();
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Source;
    use std::collections::BTreeMap;

    fn field(value: &str, confidence: f32) -> Option<Field> {
        Some(Field {
            value: value.into(),
            raw: value.into(),
            confidence,
            bbox: None,
            page: None,
            label: None,
            label_box: None,
            source: Source::Label,
            reconstructed: false,
        })
    }

    fn check(name: &str, status: Status, fields: &[&str]) -> Validation {
        Validation {
            name: name.into(),
            status,
            fields: fields.iter().map(|s| s.to_string()).collect(),
            values: BTreeMap::new(),
            detail: String::new(),
        }
    }

    #[test]
    fn a_failed_balance_discounts_the_totals_and_asks_for_review() {
        let mut fields = Fields {
            subtotal: field("100.00", 0.98),
            tax_total: field("21.00", 0.97),
            total: field("160.00", 0.99),
            invoice_number: field("F-1", 0.95),
            ..Fields::default()
        };
        let checks = [
            check(
                "totals_balance",
                Status::Fail,
                &["subtotal", "tax_total", "withholding", "total"],
            ),
            check("iban_checksum", Status::Skip, &["iban"]),
        ];
        discount_contradicted(&mut fields, &checks);
        assert_eq!(fields.total.as_ref().unwrap().confidence, CONTRADICTED);
        assert_eq!(fields.invoice_number.as_ref().unwrap().confidence, 0.95);
        let reasons = review_reasons(&fields, &checks, true);
        assert_eq!(
            reasons,
            [
                "low_confidence:subtotal",
                "low_confidence:tax_total",
                "low_confidence:total",
                "total_unbalanced"
            ]
        );
    }

    #[test]
    fn a_clean_document_needs_no_review_and_a_missing_total_does() {
        let fields = Fields {
            total: field("10.00", 0.95),
            ..Fields::default()
        };
        let checks = [check("totals_balance", Status::Pass, &["total"])];
        assert!(review_reasons(&fields, &checks, true).is_empty());
        let none = Fields::default();
        assert_eq!(review_reasons(&none, &[], true), ["missing:total"]);
        assert!(review_reasons(&none, &[], false).is_empty());
    }
}
