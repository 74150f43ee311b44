//! Named checks over the extracted values: tax id and IBAN checksums, the
//! invoice arithmetic, line items against the subtotal, tax amounts against
//! their bases, plausible dates. Each says which fields and numbers it used,
//! so a caller can see why a document needs review.

use std::collections::BTreeMap;

use grace_invoice_rules::{
    detect_tax_id, parse_date, validate_ein, validate_iban, DateOrder, Decimal,
};

use crate::output::{Field, Fields, LineItem, Status, TaxLine, Validation};
use crate::totals::cent;

fn num(f: &Option<Field>) -> Option<Decimal> {
    f.as_ref()?.value.parse().ok()
}

fn opt_num(s: &Option<String>) -> Option<Decimal> {
    s.as_ref()?.parse().ok()
}

fn check(
    name: &str,
    status: Status,
    fields: &[&str],
    values: BTreeMap<String, String>,
    detail: String,
) -> Validation {
    Validation {
        name: name.to_string(),
        status,
        fields: fields.iter().map(|s| s.to_string()).collect(),
        values,
        detail,
    }
}

fn pass_if(ok: bool) -> Status {
    if ok {
        Status::Pass
    } else {
        Status::Fail
    }
}

/// Every check, in a fixed order.
pub fn validate(fields: &Fields, tax_lines: &[TaxLine], items: &[LineItem]) -> Vec<Validation> {
    let mut out = Vec::new();
    for (name, field) in [
        (
            "vendor_tax_id_checksum",
            ("vendor_tax_id", &fields.vendor_tax_id),
        ),
        (
            "customer_tax_id_checksum",
            ("customer_tax_id", &fields.customer_tax_id),
        ),
    ] {
        let (fname, f) = field;
        out.push(match f {
            None => check(
                name,
                Status::Skip,
                &[fname],
                BTreeMap::new(),
                format!("no {fname}"),
            ),
            // A US EIN carries no check digit: nothing to verify.
            Some(f) if validate_ein(&f.value).is_ok() && detect_tax_id(&f.value).is_none() => {
                check(
                    name,
                    Status::Skip,
                    &[fname],
                    BTreeMap::from([(fname.to_string(), f.value.clone())]),
                    "a US EIN has no check digit".into(),
                )
            }
            Some(f) => {
                let id = detect_tax_id(&f.value);
                let ok = id.as_ref().is_some_and(|t| t.checked);
                let kind = id.map_or("tax id".to_string(), |t| t.kind.name().to_string());
                let values = BTreeMap::from([(fname.to_string(), f.value.clone())]);
                let detail = if ok {
                    format!("{kind} control character verified")
                } else {
                    format!("{kind} control character could not be verified")
                };
                check(name, pass_if(ok), &[fname], values, detail)
            }
        });
    }
    out.push(match &fields.iban {
        None => check(
            "iban_checksum",
            Status::Skip,
            &["iban"],
            BTreeMap::new(),
            "no iban".into(),
        ),
        Some(f) => {
            let r = validate_iban(&f.value);
            let values = BTreeMap::from([("iban".to_string(), f.value.clone())]);
            let detail = match &r {
                Ok(_) => "length and mod-97 check digits verified".to_string(),
                Err(e) => e.to_string(),
            };
            check(
                "iban_checksum",
                pass_if(r.is_ok()),
                &["iban"],
                values,
                detail,
            )
        }
    });
    out.push(totals_balance(fields, tax_lines));
    out.push(items_sum(fields, items));
    out.push(tax_amounts(tax_lines));
    out.push(dates_plausible(fields));
    out
}

/// Σ bases + Σ taxes − withholding = total, to the cent.
fn totals_balance(fields: &Fields, tax_lines: &[TaxLine]) -> Validation {
    let name = "totals_balance";
    let involved = ["subtotal", "tax_total", "withholding", "total"];
    let vat: Vec<&TaxLine> = tax_lines.iter().filter(|t| t.kind != "IRPF").collect();
    let base = num(&fields.subtotal).or_else(|| {
        let v: Option<Vec<Decimal>> = vat.iter().map(|t| opt_num(&t.base)).collect();
        v.filter(|v| !v.is_empty()).map(|v| sum_of(v.into_iter()))
    });
    let tax = num(&fields.tax_total).or_else(|| {
        let v: Option<Vec<Decimal>> = vat.iter().map(|t| opt_num(&t.amount)).collect();
        v.filter(|v| !v.is_empty()).map(|v| sum_of(v.into_iter()))
    });
    let wh = num(&fields.withholding).unwrap_or(Decimal::ZERO);
    let total = num(&fields.total);
    let mut values = BTreeMap::new();
    let (Some(b), Some(t), Some(total)) = (base, tax, total) else {
        return check(
            name,
            Status::Skip,
            &involved,
            values,
            "needs subtotal, tax total and total".into(),
        );
    };
    let sum = b + t - wh;
    values.insert("subtotal".into(), b.to_string());
    values.insert("tax_total".into(), t.to_string());
    values.insert("withholding".into(), wh.to_string());
    values.insert("total".into(), total.to_string());
    values.insert("computed_total".into(), sum.round_dp(2).to_string());
    let ok = sum.approx_eq(total, cent());
    check(
        name,
        pass_if(ok),
        &involved,
        values,
        format!("{b} + {t} - {wh} = {} vs total {total}", sum.round_dp(2)),
    )
}

fn sum_of(values: impl Iterator<Item = Decimal>) -> Decimal {
    values.fold(Decimal::ZERO, |a, b| a + b)
}

/// Σ line amounts = subtotal (or = total when prices include tax, as on tickets).
fn items_sum(fields: &Fields, items: &[LineItem]) -> Validation {
    let name = "line_items_sum";
    let amounts: Option<Vec<Decimal>> = items.iter().map(|i| opt_num(&i.amount)).collect();
    let mut values = BTreeMap::new();
    let (Some(amounts), false) = (amounts, items.is_empty()) else {
        return check(
            name,
            Status::Skip,
            &["subtotal", "total"],
            values,
            "no complete line items".into(),
        );
    };
    let sum = sum_of(amounts.into_iter());
    values.insert("items_sum".into(), sum.to_string());
    let sub = num(&fields.subtotal);
    let total = num(&fields.total);
    if let Some(s) = sub {
        values.insert("subtotal".into(), s.to_string());
    }
    if let Some(t) = total {
        values.insert("total".into(), t.to_string());
    }
    if sub.is_some_and(|s| s.approx_eq(sum, cent())) {
        return check(
            name,
            Status::Pass,
            &["subtotal"],
            values,
            format!("items sum {sum} = subtotal"),
        );
    }
    if total.is_some_and(|t| t.approx_eq(sum, cent())) {
        return check(
            name,
            Status::Pass,
            &["total"],
            values,
            format!("items sum {sum} = total (prices include tax)"),
        );
    }
    if sub.is_none() && total.is_none() {
        return check(
            name,
            Status::Skip,
            &["subtotal", "total"],
            values,
            "no subtotal or total".into(),
        );
    }
    check(
        name,
        Status::Fail,
        &["subtotal", "total"],
        values,
        format!("items sum {sum} matches neither subtotal nor total"),
    )
}

/// Each tax line: amount = base × rate / 100, to the cent.
fn tax_amounts(tax_lines: &[TaxLine]) -> Validation {
    let name = "tax_amounts";
    let mut values = BTreeMap::new();
    let mut checked = 0;
    let mut ok = true;
    for (i, t) in tax_lines.iter().enumerate() {
        let (Some(b), Some(r), Some(a)) = (opt_num(&t.base), opt_num(&t.rate), opt_num(&t.amount))
        else {
            continue;
        };
        let expect = b.percent(r);
        checked += 1;
        ok &= expect.abs().approx_eq(a.abs(), cent());
        values.insert(
            format!("{i}_{}_{}", t.kind, t.rate.as_deref().unwrap_or("")),
            format!("{b} x {r}% = {expect} vs {a}"),
        );
    }
    if checked == 0 {
        return check(
            name,
            Status::Skip,
            &["tax_total"],
            values,
            "no tax line with base, rate and amount".into(),
        );
    }
    check(
        name,
        pass_if(ok),
        &["tax_total", "subtotal"],
        values,
        format!("{checked} tax lines recomputed from base and rate"),
    )
}

/// Issue date in a sane range and due date not before it. The sandbox has
/// no clock, so "not in the far future" is judged against the issue date
/// (a due date more than five years later) and the calendar range 1990–2099.
fn dates_plausible(fields: &Fields) -> Validation {
    let name = "dates_plausible";
    let parse = |f: &Option<Field>| {
        f.as_ref()
            .and_then(|f| parse_date(&f.value, DateOrder::DayFirst).ok())
    };
    let issue = parse(&fields.issue_date);
    let due = parse(&fields.due_date);
    let mut values = BTreeMap::new();
    let Some(i) = issue else {
        return check(
            name,
            Status::Skip,
            &["issue_date", "due_date"],
            values,
            "no issue date".into(),
        );
    };
    values.insert("issue_date".into(), i.iso());
    let mut ok = (1990..=2099).contains(&i.year);
    if let Some(d) = due {
        values.insert("due_date".into(), d.iso());
        ok &= d >= i && d.year <= i.year + 5;
    }
    check(
        name,
        pass_if(ok),
        &["issue_date", "due_date"],
        values,
        "issue date within 1990-2099, due date on or after it".into(),
    )
}
