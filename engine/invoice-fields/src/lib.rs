//! Invoice and ticket fields from OCR layout (lines and words with boxes)
//! or plain text: document type, named fields with confidence and boxes,
//! tax lines, line items, every label: value pair, and validations.
//!
//! Extraction is positional: a value is read to the right of or below its
//! label on the page, party blocks are followed down their column, totals
//! are chosen so the invoice arithmetic holds, and OCR's alternative
//! readings are tried when it does not. Pure `std` + serde, so the same code
//! runs natively and inside the `invoice-fields` WebAssembly component.

#![warn(missing_docs)]

pub mod doc_type;
pub mod fields;
pub mod key_values;
pub mod labels;
pub mod layout;
pub mod line_items;
pub mod output;
pub mod parties;
pub mod tax_lines;
pub mod totals;
pub mod validations;

use grace_invoice_rules::{DateOrder, Locale};
use serde_json::{Map, Value};

pub use layout::{InputLine, Page};
pub use output::{DocType, Field, Fields, InvoiceOutput, KeyValue, LineItem, Source, Status, TaxLine, Validation};

/// Media types the module reads.
pub const SUPPORTED_MEDIA_TYPES: &[&str] = &["application/json", "text/plain"];

/// JSON Schema of the options.
pub const OPTIONS_SCHEMA: &str = include_str!("options.schema.json");

/// JSON Schema of the output.
pub const OUTPUT_SCHEMA: &str = include_str!("output.schema.json");

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvoiceError {
    /// The input is not OCR JSON or UTF-8 text of the right shape.
    #[error("{0}")]
    InvalidInput(String),
    /// An option is unknown or has a bad value.
    #[error("invalid options: {0}")]
    InvalidOptions(String),
}

/// Options of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// How amounts are read (`auto` guesses from the text).
    pub locale: Locale,
    /// How numeric dates are read (day first unless told otherwise).
    pub date_order: DateOrder,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            locale: Locale::Auto,
            date_order: DateOrder::DayFirst,
        }
    }
}

impl Options {
    /// Parses the options object, refusing unknown keys and bad values.
    pub fn from_json(map: &Map<String, Value>) -> Result<Options, InvoiceError> {
        let mut o = Options::default();
        for (k, v) in map {
            match k.as_str() {
                "locale" => {
                    let s = v.as_str().ok_or_else(|| bad("locale must be a string"))?;
                    o.locale = match s {
                        "es-ES" => Locale::EsEs,
                        "en-US" => Locale::EnUs,
                        "auto" => Locale::Auto,
                        other => {
                            return Err(bad(&format!(
                                "locale {other:?} is not one of es-ES, en-US, auto"
                            )))
                        }
                    };
                }
                "date_order" => {
                    let s = v.as_str().ok_or_else(|| bad("date_order must be a string"))?;
                    o.date_order = match s {
                        "day_first" => DateOrder::DayFirst,
                        "month_first" => DateOrder::MonthFirst,
                        other => {
                            return Err(bad(&format!(
                                "date_order {other:?} is not one of day_first, month_first"
                            )))
                        }
                    };
                }
                other => {
                    return Err(bad(&format!(
                        "unknown option {other:?} (known: locale, date_order)"
                    )))
                }
            }
        }
        Ok(o)
    }
}

fn bad(msg: &str) -> InvoiceError {
    InvoiceError::InvalidOptions(msg.to_string())
}

/// Reads the input bytes: OCR JSON (an object with `lines`) for
/// `application/json`, UTF-8 text for `text/plain`.
pub fn parse_input(data: &[u8], media_type: &str) -> Result<Page, InvoiceError> {
    let media = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let text = std::str::from_utf8(data)
        .map_err(|e| InvoiceError::InvalidInput(format!("input is not UTF-8 text: {e}")))?;
    match media.as_str() {
        "text/plain" => Ok(Page::from_text(text)),
        "application/json" => {
            let v: Value = serde_json::from_str(text)
                .map_err(|e| InvoiceError::InvalidInput(format!("input is not valid JSON: {e}")))?;
            let Value::Object(obj) = &v else {
                return Err(InvoiceError::InvalidInput(
                    "input JSON must be an object with a `lines` array (the ocr module's output)".into(),
                ));
            };
            // A pipeline may hand over the contract envelope's data object.
            let lines = obj.get("lines").ok_or_else(|| {
                InvoiceError::InvalidInput(
                    "input JSON has no `lines` array: send the ocr module's output, or text/plain".into(),
                )
            })?;
            let lines: Vec<InputLine> = serde_json::from_value(lines.clone()).map_err(|e| {
                InvoiceError::InvalidInput(format!(
                    "`lines` must be an array of {{text, box, words}} objects: {e}"
                ))
            })?;
            Ok(Page::from_lines(&lines))
        }
        other => Err(InvoiceError::InvalidInput(format!(
            "media type {other:?} is not supported (application/json or text/plain)"
        ))),
    }
}

/// Extracts everything from a page.
pub fn extract(page: &Page, options: &Options) -> InvoiceOutput {
    let all_text: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
    let locale = options.locale.resolve(&all_text.join("\n"));
    let ctx = fields::Ctx {
        page,
        locale,
        order: options.date_order,
        labels: key_values::all_labels(page),
    };
    let ids = fields::tax_ids(page);
    let (vendor, customer) = parties::parties(&ctx, &ids);
    let (issue_date, due_date) = fields::dates(&ctx);
    let (tax_at, table) = tax_lines::tax_lines(&ctx);
    let t = totals::totals(&ctx, &tax_at, &table);
    let fields = Fields {
        vendor_name: vendor.name,
        vendor_tax_id: vendor.tax_id,
        vendor_address: vendor.address,
        customer_name: customer.name,
        customer_tax_id: customer.tax_id,
        invoice_number: fields::invoice_number(&ctx),
        issue_date,
        due_date,
        currency: t.currency,
        subtotal: t.subtotal,
        tax_total: t.tax_total,
        withholding: t.withholding,
        total: t.total,
        amount_due: t.amount_due,
        iban: fields::iban(&ctx),
        payment_method: fields::payment_method(&ctx),
    };
    let tax_lines = output_tax_lines(&tax_at, &fields);
    let line_items = line_items::line_items(&ctx);
    let validations = validations::validate(&fields, &tax_lines, &line_items);
    InvoiceOutput {
        doc_type: doc_type::doc_type(page, fields.total.is_some()),
        locale: locale.tag().to_string(),
        fields,
        tax_lines,
        line_items,
        key_values: key_values::key_values(page, &ctx.labels),
        validations,
    }
}

/// Tax lines in output form: VAT-like lines by rate, then withholding. A
/// single VAT line without a printed base takes the subtotal as its base;
/// the IRPF line takes the subtotal too (it is withheld on the bases).
fn output_tax_lines(lines: &[tax_lines::TaxLineAt], fields: &Fields) -> Vec<TaxLine> {
    let sub = fields.subtotal.as_ref().map(|f| f.value.clone());
    let vat_count = lines.iter().filter(|l| l.kind != "IRPF").count();
    let mut out: Vec<TaxLine> = lines
        .iter()
        .filter(|l| l.kind != "IRPF")
        .map(|l| TaxLine {
            kind: l.kind.clone(),
            rate: l.rate.map(tax_lines::rate_string),
            base: l
                .base
                .as_ref()
                .map(|a| a.value.round_dp(2).to_string())
                .or_else(|| (vat_count == 1).then(|| sub.clone()).flatten()),
            amount: l.amount.as_ref().map(|a| a.value.round_dp(2).to_string()),
        })
        .collect();
    out.sort_by(|a, b| {
        let r = |t: &TaxLine| t.rate.as_ref().and_then(|r| r.parse::<grace_invoice_rules::Decimal>().ok());
        a.kind.cmp(&b.kind).then(r(b).cmp(&r(a)))
    });
    if let Some(w) = &fields.withholding {
        let rate = lines.iter().find(|l| l.kind == "IRPF").and_then(|l| l.rate);
        out.push(TaxLine {
            kind: "IRPF".into(),
            rate: rate.map(tax_lines::rate_string),
            base: sub,
            amount: Some(w.value.clone()),
        });
    }
    out
}

/// Reads the input and extracts: the whole module in one call.
pub fn run(data: &[u8], media_type: &str, options: &Map<String, Value>) -> Result<InvoiceOutput, InvoiceError> {
    let options = Options::from_json(options)?;
    let page = parse_input(data, media_type)?;
    Ok(extract(&page, &options))
}

/// Mean confidence of the found fields (for the contract's `confidence`).
pub fn overall_confidence(out: &InvoiceOutput) -> Option<f32> {
    let c: Vec<f32> = out.fields.named().iter().filter_map(|(_, f)| f.as_ref().map(|f| f.confidence)).collect();
    (!c.is_empty()).then(|| fields::round3(c.iter().sum::<f32>() / c.len() as f32))
}
