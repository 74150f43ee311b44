//! Fields from an e-invoice's XML (Factur-X / ZUGFeRD / XRechnung / UBL):
//! exact and, in much of Europe, the legally binding copy, so each value is
//! given with confidence 1 and source `e-invoice`. When the document also
//! has a page, the page is read as well and `e_invoice_matches_page` says
//! field by field where the two disagree: a printed total that differs from
//! the XML's is an error or a fraud a person must see.

use std::collections::BTreeMap;

use grace_einvoice::{Amount, EInvoice, Party};
use grace_invoice_rules::{parse_amount, Decimal, Locale};
use serde::{Deserialize, Serialize};

use crate::output::{DocType, Field, Fields, LineItem, Source, Status, TaxLine, Validation};

/// Name of the check comparing the XML with the printed page.
pub const MATCHES_PAGE: &str = "e_invoice_matches_page";

/// What to do with an embedded or uploaded e-invoice XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// The XML when present and valid, else the page.
    #[default]
    Auto,
    /// The page only, as for a scan or a printout of the same invoice.
    Ignore,
    /// The XML or an error.
    Only,
}

impl Mode {
    /// Parses the option value.
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "auto" => Some(Mode::Auto),
            "ignore" => Some(Mode::Ignore),
            "only" => Some(Mode::Only),
            _ => None,
        }
    }
}

/// Which e-invoice the fields came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EInvoiceSource {
    /// `cii`, `zugferd1` or `ubl`.
    pub format: String,
    /// The guideline (profile) id the XML declares (BT-24), when it does.
    pub profile: Option<String>,
    /// The attachment's file name, for an XML embedded in a PDF.
    pub filename: Option<String>,
}

/// An XML field: exact, so fully confident, and on no page.
fn exact(value: impl Into<String>) -> Option<Field> {
    let value = value.into();
    (!value.trim().is_empty()).then(|| Field {
        raw: value.clone(),
        value,
        confidence: 1.0,
        bbox: None,
        page: None,
        label: None,
        label_box: None,
        source: Source::EInvoice,
        reconstructed: false,
    })
}

fn amount(a: &Option<Amount>) -> Option<String> {
    a.as_ref()?.value.clone()
}

/// The party's VAT id (BT-31 / BT-48). A national tax number alone
/// (`Steuernummer`, scheme FC) is not one, and stays in the XML.
fn tax_id(p: &Party) -> Option<String> {
    p.vat_id
        .clone()
        .map(|id| id.chars().filter(|c| !c.is_whitespace()).collect())
}

/// `Street 1, 12345 Town` from the party's address.
fn address(p: &Party) -> Option<String> {
    let mut parts: Vec<String> = p
        .address_lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .cloned()
        .collect();
    let town = [p.postcode.as_deref(), p.city.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !town.trim().is_empty() {
        parts.push(town);
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// UNTDID 4461 payment means as the output's payment methods.
fn payment_method(code: &str) -> &'static str {
    match code {
        "30" | "31" | "42" | "58" => "transfer",
        "49" | "59" => "direct_debit",
        "48" | "54" | "55" => "card",
        "10" => "cash",
        "20" => "cheque",
        _ => "other",
    }
}

/// UNTDID 1001 document types as the output's document types.
pub fn doc_type(x: &EInvoice) -> DocType {
    let value = match x.document_type.as_deref() {
        Some("381" | "396" | "532") => "credit_note",
        _ if x.root.contains("CreditNote") => "credit_note",
        _ => "invoice",
    };
    DocType {
        value: value.into(),
        confidence: 1.0,
    }
}

/// The named fields, tax lines and line items the XML states.
pub fn read(x: &EInvoice) -> (Fields, Vec<TaxLine>, Vec<LineItem>) {
    let t = &x.totals;
    let fields = Fields {
        vendor_name: x.seller.name.clone().and_then(exact),
        vendor_tax_id: tax_id(&x.seller).and_then(exact),
        vendor_address: address(&x.seller).and_then(exact),
        customer_name: x.buyer.name.clone().and_then(exact),
        customer_tax_id: tax_id(&x.buyer).and_then(exact),
        invoice_number: exact(x.invoice_number.clone()),
        issue_date: x.issue_date.clone().and_then(exact),
        due_date: x.due_date.clone().and_then(exact),
        currency: x.currency.clone().and_then(exact),
        subtotal: amount(&t.tax_basis).and_then(exact),
        tax_total: amount(&t.tax_total).and_then(exact),
        withholding: None,
        total: amount(&t.total).and_then(exact),
        amount_due: amount(&t.amount_due).and_then(exact),
        iban: x.payment.ibans.first().cloned().and_then(exact),
        payment_method: x
            .payment
            .means_code
            .as_deref()
            .map(payment_method)
            .and_then(exact),
    };
    let tax_lines = x
        .tax
        .iter()
        .map(|t| TaxLine {
            kind: "VAT".into(),
            rate: t.rate.as_ref().and_then(|r| r.value.clone()),
            base: amount(&t.base),
            amount: amount(&t.amount),
        })
        .collect();
    let items = x
        .lines
        .iter()
        .map(|l| LineItem {
            description: l
                .name
                .clone()
                .or_else(|| l.description.clone())
                .unwrap_or_default(),
            quantity: l.quantity.as_ref().and_then(|q| q.value.clone()),
            unit_price: amount(&l.unit_price),
            amount: amount(&l.net_amount),
            tax_rate: l.tax_rate.as_ref().and_then(|r| r.value.clone()),
            bbox: None,
            page: None,
        })
        .collect();
    (fields, tax_lines, items)
}

/// The fields both copies carry that a person checks against each other.
const COMPARED: &[&str] = &[
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "subtotal",
    "tax_total",
    "total",
    "vendor_tax_id",
    "customer_tax_id",
    "iban",
];

/// Money compares as numbers, ids without spaces or case, dates as given.
fn same(name: &str, xml: &str, page: &str) -> bool {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_uppercase)
            .collect()
    };
    match name {
        "subtotal" | "tax_total" | "total" => {
            let num = |s: &str| {
                s.parse::<Decimal>()
                    .ok()
                    .or_else(|| parse_amount(s, Locale::Auto).ok().map(|a| a.value))
            };
            match (num(xml), num(page)) {
                (Some(a), Some(b)) => a.approx_eq(b, Decimal::new(1, 2)),
                _ => false,
            }
        }
        _ => squash(xml) == squash(page),
    }
}

/// Where the printed page and the XML disagree, field by field (only the
/// fields read from both are compared; a field the page lacks is no
/// disagreement, since a scan may cut it off).
pub fn matches_page(xml: &Fields, page: &Fields) -> Validation {
    let pick = |fields: &Fields, name: &str| -> Option<String> {
        fields
            .named()
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, f)| f.as_ref().map(|f| f.value.clone()))
    };
    let mut values = BTreeMap::new();
    let mut compared = Vec::new();
    let mut differ = Vec::new();
    for name in COMPARED {
        let (Some(x), Some(p)) = (pick(xml, name), pick(page, name)) else {
            continue;
        };
        compared.push(name.to_string());
        if !same(name, &x, &p) {
            values.insert(format!("{name}.e_invoice"), x);
            values.insert(format!("{name}.page"), p);
            differ.push(name.to_string());
        }
    }
    let (status, detail) = match (compared.is_empty(), differ.is_empty()) {
        (true, _) => (
            Status::Skip,
            "no field was read from both the XML and the page".to_string(),
        ),
        (false, true) => (
            Status::Pass,
            format!("the page agrees with the XML on {}", compared.join(", ")),
        ),
        (false, false) => (
            Status::Fail,
            format!("the page and the XML disagree on {}", differ.join(", ")),
        ),
    };
    Validation {
        name: MATCHES_PAGE.into(),
        status,
        fields: if differ.is_empty() { compared } else { differ },
        values,
        detail,
    }
}

/// Gives each XML field the page's box for it where the page printed the
/// same value, so the XML's fields can be shown on the page.
pub fn borrow_boxes(xml: &mut Fields, page: &Fields, check: &Validation) {
    for ((name, field), (_, on_page)) in xml.named_mut().into_iter().zip(page.named()) {
        let (Some(f), Some(p)) = (field.as_mut(), on_page.clone()) else {
            continue;
        };
        let disagrees = check.status == Status::Fail && check.fields.iter().any(|d| d == name);
        if !disagrees && same(name, &f.value, &p.value) {
            f.bbox = p.bbox;
            f.page = p.page;
            f.label = p.label;
            f.label_box = p.label_box;
        }
    }
}

/// `e_invoice_mismatch:<field>` for each field the check found different.
pub fn mismatch_reasons(check: &Validation) -> Vec<String> {
    if check.status != Status::Fail {
        return Vec::new();
    }
    check
        .fields
        .iter()
        .map(|f| format!("e_invoice_mismatch:{f}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The e-invoice crate's small CII sample (one German invoice).
    const CII: &str = include_str!("../../einvoice/tests/samples/cii_small.xml");

    #[test]
    fn xml_fields_are_exact_and_from_the_e_invoice() {
        let x = grace_einvoice::parse(CII.as_bytes()).unwrap();
        let (f, taxes, _) = read(&x);
        let v = |f: &Option<Field>| f.as_ref().map(|f| f.value.clone()).unwrap_or_default();
        assert_eq!(v(&f.invoice_number), "RE-2024-0042");
        assert_eq!(v(&f.issue_date), "2024-03-05");
        assert_eq!(v(&f.due_date), "2024-04-04");
        assert_eq!(v(&f.total), "119.00");
        assert_eq!(v(&f.subtotal), "100.00");
        assert_eq!(v(&f.tax_total), "19.00");
        assert_eq!(v(&f.vendor_tax_id), "DE123456789");
        assert_eq!(v(&f.vendor_address), "Hauptstraße 1, 10115 Berlin");
        assert_eq!(v(&f.iban), "DE02120300000000202051");
        assert_eq!(v(&f.payment_method), "transfer");
        let total = f.total.as_ref().unwrap();
        assert_eq!((total.confidence, total.source), (1.0, Source::EInvoice));
        assert_eq!(taxes.len(), 1);
        assert_eq!(taxes[0].rate.as_deref(), Some("19"));
        assert_eq!(doc_type(&x).value, "invoice");
    }

    #[test]
    fn a_page_that_prints_another_total_fails_naming_it() {
        let x = grace_einvoice::parse(CII.as_bytes()).unwrap();
        let (xml, _, _) = read(&x);
        let mut page = xml.clone();
        page.total = exact("191.00");
        page.invoice_number = exact("re 2024 0042");
        page.iban = None;
        let check = matches_page(&xml, &page);
        assert_eq!(check.status, Status::Fail);
        assert_eq!(check.fields, ["total"]);
        assert_eq!(check.values["total.page"], "191.00");
        assert_eq!(mismatch_reasons(&check), ["e_invoice_mismatch:total"]);
        let agree = matches_page(&xml, &xml);
        assert_eq!(agree.status, Status::Pass);
        assert!(mismatch_reasons(&agree).is_empty());
    }
}
