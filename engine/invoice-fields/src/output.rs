//! The JSON document the module returns. Field order is fixed by the
//! structs and every list is sorted before it gets here, so the same input
//! always serializes to the same bytes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::layout::{PageBand, Quad};

/// The whole result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceOutput {
    /// What kind of document it is.
    pub doc_type: DocType,
    /// The locale used to read numbers and dates (`es-ES` or `en-US`).
    pub locale: String,
    /// The named fields.
    pub fields: Fields,
    /// Tax breakdown.
    pub tax_lines: Vec<TaxLine>,
    /// Item rows.
    pub line_items: Vec<LineItem>,
    /// Every label: value pair found on the page.
    pub key_values: Vec<KeyValue>,
    /// Named checks.
    pub validations: Vec<Validation>,
    /// Whether a person should look at the document before it flows on.
    pub needs_review: bool,
    /// Why, as short stable codes (`total_unbalanced`, `tax_id_checksum`,
    /// `low_confidence:total`, `missing:total`, `e_invoice_mismatch:total`,
    /// ...), sorted.
    pub review_reasons: Vec<String>,
    /// The e-invoice the fields were read from (null when read from the page).
    pub e_invoice: Option<crate::e_invoice::EInvoiceSource>,
    /// The document's language (ISO 639-1 `de`, `fr`, ...), decided from its
    /// own words; null when the text holds no evidence.
    pub language: Option<Detected>,
    /// The document's country (ISO 3166 `DE`, `BE`, ...), decided from its
    /// tax ids, IBAN, currency, postcodes, phone prefixes and language.
    pub country: Option<Detected>,
}

/// A value decided from the document's evidence, with how sure it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detected {
    /// The value.
    pub value: String,
    /// 0..1: near 1 when the evidence points to this value alone.
    pub confidence: f32,
}

impl Detected {
    /// `value` with its confidence rounded to three places.
    pub fn new(value: &str, confidence: f32) -> Detected {
        Detected {
            value: value.to_string(),
            confidence: (confidence * 1000.0).round() / 1000.0,
        }
    }
}

impl InvoiceOutput {
    /// Moves every box from the page frame into its page's own coordinates
    /// (pages were stacked top to bottom for extraction) and records the
    /// page number beside it. `pages` empty means one page, no offsets.
    pub fn place_on_pages(&mut self, pages: &[PageBand]) {
        let place = |quad: &mut Option<Quad>| -> Option<u32> {
            let q = quad.as_mut()?;
            let cy = (q[0][1] + q[2][1]) / 2.0;
            let Some(band) = pages.iter().rev().find(|b| cy >= b.top).or(pages.first()) else {
                return Some(1);
            };
            for p in q.iter_mut() {
                p[1] -= band.top;
            }
            Some(band.number)
        };
        for field in self.fields.each_mut().into_iter().flatten() {
            let value_page = place(&mut field.bbox);
            let label_page = place(&mut field.label_box);
            field.page = value_page.or(label_page);
        }
        for item in &mut self.line_items {
            item.page = place(&mut item.bbox);
        }
        for kv in &mut self.key_values {
            let value_page = place(&mut kv.value_box);
            let label_page = place(&mut kv.label_box);
            kv.page = value_page.or(label_page);
        }
    }
}

/// Document type with confidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocType {
    /// `invoice`, `simplified_invoice`, `credit_note` or `other`.
    pub value: String,
    /// 0..1.
    pub confidence: f32,
}

/// Where a field value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Read next to (right of or below) its label.
    Label,
    /// Found by its position on the page (top block, bottom-most total).
    Layout,
    /// Found by its shape alone (a valid IBAN, a tax id with a checksum).
    Pattern,
    /// Derived from other fields by arithmetic.
    Computed,
    /// Read from the document's e-invoice XML: exact.
    #[serde(rename = "e-invoice")]
    EInvoice,
}

/// One extracted field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Normalized value: ISO date, decimal string with a dot, uppercase id.
    pub value: String,
    /// The text as printed (lines joined by newlines; a date keeps the
    /// spaces around its month name that OCR lost: `05Mar2018` → `05 Mar 2018`).
    pub raw: String,
    /// 0..1.
    pub confidence: f32,
    /// Box of the value on the page (null for plain text or computed values).
    #[serde(rename = "box")]
    pub bbox: Option<Quad>,
    /// 1-based page of `box` (of `label_box` when the value has no box);
    /// null without boxes.
    pub page: Option<u32>,
    /// The label text it was read next to.
    pub label: Option<String>,
    /// Box of that label.
    pub label_box: Option<Quad>,
    /// How it was found.
    pub source: Source,
    /// True when the value is not the first reading: an OCR alternative or
    /// arithmetic chose it.
    pub reconstructed: bool,
}

/// The named fields, each null when not found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Fields {
    /// Seller's name.
    pub vendor_name: Option<Field>,
    /// Seller's tax id.
    pub vendor_tax_id: Option<Field>,
    /// Seller's address.
    pub vendor_address: Option<Field>,
    /// Buyer's name.
    pub customer_name: Option<Field>,
    /// Buyer's tax id.
    pub customer_tax_id: Option<Field>,
    /// Document number.
    pub invoice_number: Option<Field>,
    /// Issue date (ISO).
    pub issue_date: Option<Field>,
    /// Due date (ISO).
    pub due_date: Option<Field>,
    /// ISO 4217 code.
    pub currency: Option<Field>,
    /// Σ bases.
    pub subtotal: Option<Field>,
    /// Σ taxes.
    pub tax_total: Option<Field>,
    /// Withheld amount (IRPF), positive on an invoice.
    pub withholding: Option<Field>,
    /// Grand total.
    pub total: Option<Field>,
    /// Amount left to pay.
    pub amount_due: Option<Field>,
    /// Bank account.
    pub iban: Option<Field>,
    /// `transfer`, `card`, `cash`, `direct_debit`, `cheque` or `other`.
    pub payment_method: Option<Field>,
}

impl Fields {
    /// Every field, mutable, in output order.
    pub fn each_mut(&mut self) -> [&mut Option<Field>; 16] {
        [
            &mut self.vendor_name,
            &mut self.vendor_tax_id,
            &mut self.vendor_address,
            &mut self.customer_name,
            &mut self.customer_tax_id,
            &mut self.invoice_number,
            &mut self.issue_date,
            &mut self.due_date,
            &mut self.currency,
            &mut self.subtotal,
            &mut self.tax_total,
            &mut self.withholding,
            &mut self.total,
            &mut self.amount_due,
            &mut self.iban,
            &mut self.payment_method,
        ]
    }

    /// Every field with its name, mutable, in output order.
    pub fn named_mut(&mut self) -> [(&'static str, &mut Option<Field>); 16] {
        let names = Fields::default().named().map(|(n, _)| n);
        let mut fields = self.each_mut().into_iter();
        names.map(|n| (n, fields.next().expect("as many fields as names")))
    }

    /// Every field with its name, in output order.
    pub fn named(&self) -> [(&'static str, &Option<Field>); 16] {
        [
            ("vendor_name", &self.vendor_name),
            ("vendor_tax_id", &self.vendor_tax_id),
            ("vendor_address", &self.vendor_address),
            ("customer_name", &self.customer_name),
            ("customer_tax_id", &self.customer_tax_id),
            ("invoice_number", &self.invoice_number),
            ("issue_date", &self.issue_date),
            ("due_date", &self.due_date),
            ("currency", &self.currency),
            ("subtotal", &self.subtotal),
            ("tax_total", &self.tax_total),
            ("withholding", &self.withholding),
            ("total", &self.total),
            ("amount_due", &self.amount_due),
            ("iban", &self.iban),
            ("payment_method", &self.payment_method),
        ]
    }
}

/// One tax line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaxLine {
    /// IVA, IGIC, IPSI, RE, IRPF, VAT, GST or SST.
    pub kind: String,
    /// Rate in percent (`"21"`, `"5.2"`), when printed.
    pub rate: Option<String>,
    /// Base, when printed or implied.
    pub base: Option<String>,
    /// Tax (or withheld) amount.
    pub amount: Option<String>,
}

/// One item row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineItem {
    /// Description as printed.
    pub description: String,
    /// Quantity.
    pub quantity: Option<String>,
    /// Unit price.
    pub unit_price: Option<String>,
    /// Line amount.
    pub amount: Option<String>,
    /// Tax rate in percent.
    pub tax_rate: Option<String>,
    /// Box of the row.
    #[serde(rename = "box")]
    pub bbox: Option<Quad>,
    /// 1-based page of the row; null without boxes.
    pub page: Option<u32>,
}

/// A label and the value beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyValue {
    /// What the label means (`issue_date`, `total`, ...).
    pub key: String,
    /// The label as printed.
    pub label: String,
    /// Box of the label.
    pub label_box: Option<Quad>,
    /// The value text.
    pub value: String,
    /// Box of the value.
    pub value_box: Option<Quad>,
    /// 1-based page of the value (of the label when the value has no box);
    /// null without boxes.
    pub page: Option<u32>,
}

/// Outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The numbers agree.
    Pass,
    /// They do not.
    Fail,
    /// Not enough data to check.
    Skip,
}

/// A named check and the numbers it used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    /// Check name.
    pub name: String,
    /// pass, fail or skip.
    pub status: Status,
    /// Fields the check involves.
    pub fields: Vec<String>,
    /// The numbers (or ids) involved, by name.
    pub values: BTreeMap<String, String>,
    /// One sentence saying what was compared.
    pub detail: String,
}
