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
pub mod e_invoice;
pub mod fields;
pub mod key_values;
pub mod labels;
pub mod layout;
pub mod line_items;
pub mod output;
pub mod parties;
pub mod review;
pub mod tax_lines;
pub mod totals;
pub mod validations;

use grace_invoice_rules::{packs, DateOrder, Locale};
use serde_json::{Map, Value};

pub use layout::{InputLine, InputPage, Page};
pub use output::{
    Detected, DocType, Field, Fields, InvoiceOutput, KeyValue, LineItem, Source, Status, TaxLine,
    Validation,
};

/// Media types the module reads: OCR or pdf JSON, plain text, e-invoice XML.
pub const SUPPORTED_MEDIA_TYPES: &[&str] = &[
    "application/json",
    "text/plain",
    "application/xml",
    "text/xml",
];

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
    /// How numeric dates are read; `None`: decided from the document (a
    /// date that reads only one way, the country), day first without evidence.
    pub date_order: Option<DateOrder>,
    /// What to do with an e-invoice XML.
    pub einvoice: e_invoice::Mode,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            locale: Locale::Auto,
            date_order: None,
            einvoice: e_invoice::Mode::Auto,
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
                    let s = v
                        .as_str()
                        .ok_or_else(|| bad("date_order must be a string"))?;
                    o.date_order = match s {
                        "day_first" => Some(DateOrder::DayFirst),
                        "month_first" => Some(DateOrder::MonthFirst),
                        other => {
                            return Err(bad(&format!(
                                "date_order {other:?} is not one of day_first, month_first"
                            )))
                        }
                    };
                }
                "einvoice" => {
                    let s = v.as_str().ok_or_else(|| bad("einvoice must be a string"))?;
                    o.einvoice = e_invoice::Mode::parse(s).ok_or_else(|| {
                        bad(&format!("einvoice {s:?} is not one of auto, ignore, only"))
                    })?;
                }
                other => {
                    return Err(bad(&format!(
                        "unknown option {other:?} (known: locale, date_order, einvoice)"
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

/// What the module was given: pages to read, an e-invoice XML, or both (a
/// Factur-X / ZUGFeRD PDF after the `pdf` step).
#[derive(Debug, Clone, Default)]
pub struct Input {
    /// The page(s), when there are any (an XML alone has none).
    pub page: Option<Page>,
    /// The e-invoice XML, uploaded alone or embedded in the PDF.
    pub xml: Option<EmbeddedXml>,
}

/// An e-invoice XML and where it came from.
#[derive(Debug, Clone)]
pub struct EmbeddedXml {
    /// The PDF attachment's name (None for an uploaded XML).
    pub filename: Option<String>,
    /// The XML bytes.
    pub xml: Vec<u8>,
}

/// Reads the input bytes: OCR or pdf JSON (an object with `lines` or
/// `pages`, and the pdf step's `e_invoice` when the PDF carried one) for
/// `application/json`, UTF-8 text for `text/plain`, an e-invoice for
/// `application/xml`.
pub fn read_input(data: &[u8], media_type: &str) -> Result<Input, InvoiceError> {
    let media = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !SUPPORTED_MEDIA_TYPES.contains(&media.as_str()) {
        return Err(InvoiceError::InvalidInput(format!(
            "media type {media:?} is not supported ({})",
            SUPPORTED_MEDIA_TYPES.join(", ")
        )));
    }
    if media.ends_with("/xml") {
        return Ok(Input {
            page: None,
            xml: Some(EmbeddedXml {
                filename: None,
                xml: data.to_vec(),
            }),
        });
    }
    let text = std::str::from_utf8(data)
        .map_err(|e| InvoiceError::InvalidInput(format!("input is not UTF-8 text: {e}")))?;
    if media == "text/plain" {
        return Ok(Input {
            page: Some(Page::from_text(text)),
            xml: None,
        });
    }
    let v: Value = serde_json::from_str(text)
        .map_err(|e| InvoiceError::InvalidInput(format!("input is not valid JSON: {e}")))?;
    let Value::Object(obj) = &v else {
        return Err(InvoiceError::InvalidInput(
            "input JSON must be an object with a `lines` array (the ocr module's output)".into(),
        ));
    };
    let xml = obj
        .get("e_invoice")
        .and_then(|e| Some((e.get("xml")?.as_str()?, e.get("filename"))))
        .map(|(xml, filename)| EmbeddedXml {
            filename: filename.and_then(Value::as_str).map(str::to_string),
            xml: xml.as_bytes().to_vec(),
        });
    // Several pages (the pdf module's output, after OCR of its image pages).
    if let Some(pages) = obj.get("pages") {
        let pages: Vec<InputPage> = serde_json::from_value(pages.clone()).map_err(|e| {
            InvoiceError::InvalidInput(format!(
                "`pages` must be an array of {{number, page, lines}} objects: {e}"
            ))
        })?;
        if pages.is_empty() {
            return Err(InvoiceError::InvalidInput("`pages` is empty".into()));
        }
        return Ok(Input {
            page: Some(Page::from_pages(&pages)),
            xml,
        });
    }
    let lines = obj.get("lines").ok_or_else(|| {
        InvoiceError::InvalidInput(
            "input JSON has no `lines` or `pages` array: send the ocr or pdf module's \
             output, or text/plain"
                .into(),
        )
    })?;
    let lines: Vec<InputLine> = serde_json::from_value(lines.clone()).map_err(|e| {
        InvoiceError::InvalidInput(format!(
            "`lines` must be an array of {{text, box, words}} objects: {e}"
        ))
    })?;
    Ok(Input {
        page: Some(Page::from_lines(&lines)),
        xml,
    })
}

/// The page of an input that must have one (OCR JSON or text).
pub fn parse_input(data: &[u8], media_type: &str) -> Result<Page, InvoiceError> {
    read_input(data, media_type)?.page.ok_or_else(|| {
        InvoiceError::InvalidInput("an e-invoice XML alone has no page to read".into())
    })
}

/// The languages a page is read in: the most likely one and any other with
/// a real share of the evidence (a Belgian invoice may print two).
fn reading_languages(text: &str) -> Vec<packs::Lang> {
    packs::detect_language(text)
        .into_iter()
        .enumerate()
        .filter(|(i, (_, share))| *i == 0 || *share >= 0.25)
        .map(|(_, (lang, _))| lang)
        .collect()
}

/// The country from the text and the tax ids whose checksums hold, before
/// the fields are read (they need it: repairs, date order).
fn early_country(
    text: &str,
    language: Option<packs::Decision<packs::Lang>>,
    ids: &[fields::TaxIdAt],
) -> Option<packs::Decision<packs::Country>> {
    let tax_ids: Vec<_> = ids
        .iter()
        .filter(|t| t.checked)
        .filter_map(|t| grace_invoice_rules::detect_tax_id(&t.value))
        .collect();
    let evidence = packs::CountryEvidence {
        lang: language,
        tax_ids: &tax_ids,
        ibans: &[],
    };
    packs::detect_country(text, evidence)
}

/// The packs whose market-specific OCR repairs fit the document: Spanish
/// for a document in Spanish or from Spain, Malaysian for one from Malaysia
/// (an English invoice from Ireland gets neither).
fn repair_packs(
    language: Option<packs::Decision<packs::Lang>>,
    country: Option<packs::Country>,
) -> Vec<&'static str> {
    let mut out = Vec::new();
    if language.is_some_and(|l| l.value == packs::Lang::Es) || country == Some(packs::Country::ES) {
        out.push("es");
    }
    if country == Some(packs::Country::MY) {
        out.push("malaysia");
    }
    out
}

/// The document's country from its own evidence: validated tax ids and
/// IBAN, currency, phone prefixes, postcodes, and its language.
fn document_country(
    text: &str,
    language: Option<packs::Decision<packs::Lang>>,
    fields: &Fields,
) -> Option<Detected> {
    let value = |f: &Option<Field>| f.as_ref().map(|f| f.value.clone());
    let tax_ids: Vec<_> = [value(&fields.vendor_tax_id), value(&fields.customer_tax_id)]
        .into_iter()
        .flatten()
        .filter_map(|id| grace_invoice_rules::detect_tax_id(&id))
        .filter(|id| id.checked)
        .collect();
    let ibans: Vec<_> = value(&fields.iban)
        .and_then(|i| grace_invoice_rules::validate_iban(&i).ok())
        .into_iter()
        .collect();
    let evidence = packs::CountryEvidence {
        lang: language,
        tax_ids: &tax_ids,
        ibans: &ibans,
    };
    packs::detect_country(text, evidence).map(|d| Detected::new(d.value.code(), d.confidence))
}

/// Extracts everything from a page.
pub fn extract(page: &Page, options: &Options) -> InvoiceOutput {
    let all_text: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
    let all_text = all_text.join("\n");
    let locale = options.locale.resolve(&all_text);
    let language = packs::decide_language(&all_text);
    // The page read with its languages' labels.
    let page = &Page {
        lexicon: std::sync::Arc::new(labels::Lexicon::for_languages(&reading_languages(
            &all_text,
        ))),
        ..page.clone()
    };
    let ids = fields::tax_ids(page);
    let country = early_country(&all_text, language, &ids);
    let order = options.date_order.unwrap_or_else(|| {
        packs::detect_date_order(&all_text, country).map_or(DateOrder::DayFirst, |d| d.value)
    });
    let ctx = fields::Ctx::new(page, locale, order)
        .with_repairs(&repair_packs(language, country.map(|c| c.value)));
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
    let totals: Vec<grace_invoice_rules::Decimal> = [&fields.total, &fields.subtotal]
        .into_iter()
        .filter_map(|f| f.as_ref()?.value.parse().ok())
        .collect();
    let line_items = line_items::line_items(&ctx, &totals);
    let validations = validations::validate(&fields, &tax_lines, &line_items);
    let mut fields = fields;
    review::discount_contradicted(&mut fields, &validations);
    review::cap_unconfirmed(&mut fields, &validations);
    let doc_type = doc_type::doc_type(page, fields.total.is_some());
    let review_reasons = review::review_reasons(&fields, &validations, doc_type.value != "other");
    let mut out = InvoiceOutput {
        doc_type,
        locale: locale.tag().to_string(),
        fields,
        tax_lines,
        line_items,
        key_values: key_values::key_values(page, &ctx.labels),
        validations,
        needs_review: !review_reasons.is_empty(),
        review_reasons,
        e_invoice: None,
        language: language.map(|d| Detected::new(d.value.code(), d.confidence)),
        country: None,
    };
    out.country = document_country(&all_text, language, &out.fields);
    out.place_on_pages(&page.bands);
    out
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
        let r = |t: &TaxLine| {
            t.rate
                .as_ref()
                .and_then(|r| r.parse::<grace_invoice_rules::Decimal>().ok())
        };
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
pub fn run(
    data: &[u8],
    media_type: &str,
    options: &Map<String, Value>,
) -> Result<InvoiceOutput, InvoiceError> {
    let options = Options::from_json(options)?;
    let input = read_input(data, media_type)?;
    extract_input(&input, &options)
}

/// Extracts from whatever the input holds: the e-invoice XML when the
/// `einvoice` option lets it (checked against the page when there is one),
/// otherwise the page.
pub fn extract_input(input: &Input, options: &Options) -> Result<InvoiceOutput, InvoiceError> {
    use e_invoice::Mode;
    let invalid = |why: String| InvoiceError::InvalidInput(why);
    let mut xml_refused = false;
    let xml = match (options.einvoice, &input.xml) {
        (Mode::Ignore, _) | (Mode::Auto, None) => None,
        (Mode::Only, None) => {
            return Err(invalid(
                "einvoice=only: the document carries no e-invoice XML (Factur-X, ZUGFeRD, XRechnung or UBL)"
                    .into(),
            ))
        }
        (mode, Some(x)) => match grace_einvoice::parse(&x.xml) {
            Ok(parsed) => Some((parsed, x.filename.clone())),
            Err(e) if mode == Mode::Only || input.page.is_none() => {
                return Err(invalid(format!("the e-invoice XML cannot be read: {e}")))
            }
            // A broken attachment does not hide the page; the output says so.
            Err(_) => {
                xml_refused = true;
                None
            }
        },
    };
    let page_out = input.page.as_ref().map(|p| extract(p, options));
    match (xml, page_out) {
        (Some((x, filename)), page_out) => Ok(from_e_invoice(&x, filename, page_out)),
        (None, Some(mut out)) => {
            if xml_refused {
                out.review_reasons.push("e_invoice_invalid".into());
                out.review_reasons.sort();
                out.needs_review = true;
            }
            Ok(out)
        }
        (None, None) => Err(invalid(
            "einvoice=ignore: an e-invoice XML alone has no page to read".into(),
        )),
    }
}

/// The output from the XML, with the page's boxes where the page agrees and
/// the check of the page against the XML.
fn from_e_invoice(
    x: &grace_einvoice::EInvoice,
    filename: Option<String>,
    page: Option<InvoiceOutput>,
) -> InvoiceOutput {
    let (mut fields, tax_lines, line_items) = e_invoice::read(x);
    let mut validations = validations::validate(&fields, &tax_lines, &line_items);
    if let Some(p) = &page {
        let check = e_invoice::matches_page(&fields, &p.fields);
        e_invoice::borrow_boxes(&mut fields, &p.fields, &check);
        validations.push(check);
    }
    let review_reasons = review::review_reasons(&fields, &validations, true);
    let (locale, key_values, language, country) = match page {
        Some(p) => (p.locale, p.key_values, p.language, p.country),
        None => (Locale::Auto.tag().to_string(), Vec::new(), None, None),
    };
    // The XML names the seller's country for certain.
    let country = x
        .seller
        .country
        .clone()
        .map(|c| Detected::new(&c, 1.0))
        .or(country);
    InvoiceOutput {
        doc_type: e_invoice::doc_type(x),
        language,
        country,
        locale,
        fields,
        tax_lines,
        line_items,
        key_values,
        validations,
        needs_review: !review_reasons.is_empty(),
        review_reasons,
        e_invoice: Some(e_invoice::EInvoiceSource {
            format: x.format.name().into(),
            profile: x.profile.clone(),
            filename,
        }),
    }
}

/// Mean confidence of the found fields (for the contract's `confidence`).
pub fn overall_confidence(out: &InvoiceOutput) -> Option<f32> {
    let c: Vec<f32> = out
        .fields
        .named()
        .iter()
        .filter_map(|(_, f)| f.as_ref().map(|f| f.confidence))
        .collect();
    (!c.is_empty()).then(|| fields::round3(c.iter().sum::<f32>() / c.len() as f32))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FACTURA: &str = "FACTURA\nTalleres Núñez S.L.\nCalle Mayor 12\n28001 Madrid\nCIF: B-12345674\n\nCliente:\nJuan Pérez García\nNIF: 12345678Z\n\nNº factura: F-2024/0012\nFecha: 14/03/2024\nVencimiento: 13/04/2024\n\nDescripción        Cant.   Precio   Importe\nCambio de aceite      1    60,00     60,00\nFiltro                2    20,00     40,00\n\nBase imponible            100,00 €\nIVA 21%                    21,00 €\nRetención IRPF 15%        -15,00 €\nTOTAL                     106,00 €\nForma de pago: Transferencia bancaria\nIBAN: ES91 2100 0418 4502 0005 1332\n";

    fn opts(json: &str) -> Map<String, Value> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn plain_text_factura_end_to_end() {
        let out = run(FACTURA.as_bytes(), "text/plain", &Map::new()).unwrap();
        let f = &out.fields;
        let v = |f: &Option<Field>| f.as_ref().map(|f| f.value.clone()).unwrap_or_default();
        assert_eq!(out.doc_type.value, "invoice");
        assert_eq!(out.locale, "es-ES");
        assert_eq!(v(&f.vendor_name), "Talleres Núñez S.L.");
        assert_eq!(v(&f.vendor_address), "Calle Mayor 12, 28001 Madrid");
        assert_eq!(v(&f.vendor_tax_id), "B12345674");
        assert_eq!(v(&f.customer_name), "Juan Pérez García");
        assert_eq!(v(&f.customer_tax_id), "12345678Z");
        assert_eq!(v(&f.invoice_number), "F-2024/0012");
        assert_eq!(v(&f.issue_date), "2024-03-14");
        assert_eq!(v(&f.due_date), "2024-04-13");
        assert_eq!(v(&f.subtotal), "100.00");
        assert_eq!(v(&f.tax_total), "21.00");
        assert_eq!(v(&f.withholding), "15.00");
        assert_eq!(v(&f.total), "106.00");
        assert_eq!(v(&f.currency), "EUR");
        assert_eq!(v(&f.iban), "ES9121000418450200051332");
        assert_eq!(v(&f.payment_method), "transfer");
        assert_eq!(out.line_items.len(), 2);
        assert_eq!(out.tax_lines.len(), 2);
        for val in &out.validations {
            assert_ne!(val.status, Status::Fail, "{val:?}");
        }
        let passed: Vec<&str> = out
            .validations
            .iter()
            .filter(|v| v.status == Status::Pass)
            .map(|v| v.name.as_str())
            .collect();
        assert!(
            passed.contains(&"totals_balance") && passed.contains(&"line_items_sum"),
            "{passed:?}"
        );
    }

    #[test]
    fn wrong_total_fails_its_check() {
        let text = FACTURA.replace(
            "TOTAL                     106,00",
            "TOTAL                     160,00",
        );
        let out = run(text.as_bytes(), "text/plain", &Map::new()).unwrap();
        let balance = out
            .validations
            .iter()
            .find(|v| v.name == "totals_balance")
            .unwrap();
        assert_eq!(balance.status, Status::Fail);
        assert_eq!(balance.values["computed_total"], "106.00");
    }

    #[test]
    fn invoice_number_prefers_the_most_specific_reading() {
        let number = |text: &str| {
            let out = run(text.as_bytes(), "text/plain", &Map::new()).unwrap();
            out.fields.invoice_number.map(|f| f.value)
        };
        // `nº 41` opens an address; `Nº factura` names the number.
        assert_eq!(
            number("Panadería Sol\nAvenida del Marqués,\nnº 41, bajo\nNº factura: FS22/195932"),
            Some("FS22/195932".into())
        );
        // `Nº` glued to the number alone on its line, its `º` lost.
        assert_eq!(
            number("FACTURA\nNFR22-0056\nEMISOR"),
            Some("FR22-0056".into())
        );
        // The `º` of `Nº` read as `e`.
        assert_eq!(
            number("Ne factura: T006-466332"),
            Some("T006-466332".into())
        );
    }

    #[test]
    fn output_is_deterministic() {
        let a = serde_json::to_string(&run(FACTURA.as_bytes(), "text/plain", &Map::new()).unwrap())
            .unwrap();
        let b = serde_json::to_string(&run(FACTURA.as_bytes(), "text/plain", &Map::new()).unwrap())
            .unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn options_are_checked() {
        assert_eq!(
            Options::from_json(&opts(r#"{"locale": "en-US"}"#))
                .unwrap()
                .locale,
            Locale::EnUs
        );
        assert!(matches!(
            Options::from_json(&opts(r#"{"locale": "fr"}"#)),
            Err(InvoiceError::InvalidOptions(_))
        ));
        assert!(matches!(
            Options::from_json(&opts(r#"{"foo": 1}"#)),
            Err(InvoiceError::InvalidOptions(_))
        ));
        assert!(matches!(
            Options::from_json(&opts(r#"{"locale": 3}"#)),
            Err(InvoiceError::InvalidOptions(_))
        ));
    }

    /// A box `w` wide and 20 high at (`x`, `y`), as OCR JSON.
    fn quad(x: f32, y: f32, w: f32) -> String {
        format!(
            "[[{x},{y}],[{},{y}],[{},{}],[{x},{}]]",
            x + w,
            x + w,
            y + 20.0,
            y + 20.0
        )
    }

    #[test]
    fn a_due_date_before_the_issue_date_takes_the_later_alternative() {
        // OCR read the due month as 01; its second-best reading is 11.
        let json = format!(
            r#"{{"lines": [{{"text": "Fecha: 14/10/2022", "box": {}}}, {{"text": "Vencimiento: 13/01/2022", "box": {}, "words": [{{"text": "Vencimiento:", "box": {}}}, {{"text": "13/01/2022", "box": {}, "alternatives": [[3, "1"]]}}]}}]}}"#,
            quad(0.0, 0.0, 400.0),
            quad(0.0, 30.0, 400.0),
            quad(0.0, 30.0, 150.0),
            quad(200.0, 30.0, 120.0),
        );
        let out = run(json.as_bytes(), "application/json", &Map::new()).unwrap();
        let due = out.fields.due_date.unwrap();
        assert_eq!(due.value, "2022-11-13");
        assert_eq!(due.raw, "13/11/2022");
        assert!(due.reconstructed);
    }

    #[test]
    fn ocr_json_with_alternatives_repairs_the_total() {
        // OCR read the total as 106,08; its second-best reading of the last
        // digit is 0, which makes the arithmetic hold.
        let plain =
            |text: &str, y: f32| format!(r#"{{"text": "{text}", "box": {}}}"#, quad(0.0, y, 400.0));
        let json = format!(
            r#"{{"lines": [{}, {}, {{"text": "TOTAL 106,08", "box": {}, "words": [{{"text": "TOTAL", "box": {}}}, {{"text": "106,08", "box": {}, "alternatives": [[5, "0"]]}}]}}]}}"#,
            plain("Base imponible 100,00", 0.0),
            plain("IVA 6% 6,00", 30.0),
            quad(0.0, 60.0, 400.0),
            quad(0.0, 60.0, 100.0),
            quad(300.0, 60.0, 100.0),
        );
        let out = run(json.as_bytes(), "application/json", &Map::new()).unwrap();
        let total = out.fields.total.unwrap();
        assert_eq!(total.value, "106.00");
        assert!(total.reconstructed);
        assert_eq!(
            total.bbox,
            Some([[300.0, 60.0], [400.0, 60.0], [400.0, 80.0], [300.0, 80.0]])
        );
    }

    /// OCR-like lines for `text`: one word box per whitespace-separated token
    /// at 10 px per character column, rows 30 px apart from `top`.
    fn boxed_lines(text: &str, top: f32) -> Vec<Value> {
        let quad = |x0: f32, y0: f32, x1: f32| {
            serde_json::json!([[x0, y0], [x1, y0], [x1, y0 + 20.0], [x0, y0 + 20.0]])
        };
        let mut out = Vec::new();
        for (row, raw) in text.lines().enumerate() {
            let y = top + row as f32 * 30.0;
            let mut words = Vec::new();
            let mut col = 0usize;
            for piece in raw.split_inclusive(' ') {
                let word = piece.trim();
                if !word.is_empty() {
                    let x0 = col as f32 * 10.0;
                    let x1 = x0 + word.chars().count() as f32 * 10.0;
                    words.push(serde_json::json!({"text": word, "box": quad(x0, y, x1)}));
                }
                col += piece.chars().count();
            }
            if words.is_empty() {
                continue;
            }
            let x1 = raw.trim_end().chars().count() as f32 * 10.0;
            out.push(
                serde_json::json!({"text": raw.trim(), "box": quad(0.0, y, x1), "words": words}),
            );
        }
        out
    }

    #[test]
    fn pages_are_read_as_one_document_with_boxes_on_their_own_page() {
        let split = FACTURA.find("Base imponible").unwrap();
        let (first, second) = FACTURA.split_at(split);
        let one_page = serde_json::json!({"lines": boxed_lines(FACTURA, 0.0)}).to_string();
        let two_pages = serde_json::json!({"pages": [
            {"number": 1, "page": {"width": 600, "height": 900}, "lines": boxed_lines(first, 0.0)},
            {"number": 2, "page": {"width": 600, "height": 900}, "lines": boxed_lines(second, 0.0)},
        ]})
        .to_string();
        let one = run(one_page.as_bytes(), "application/json", &Map::new()).unwrap();
        let two = run(two_pages.as_bytes(), "application/json", &Map::new()).unwrap();
        let values = |o: &InvoiceOutput| -> Vec<(&'static str, Option<String>)> {
            o.fields
                .named()
                .into_iter()
                .map(|(n, f)| (n, f.as_ref().map(|f| f.value.clone())))
                .collect()
        };
        assert_eq!(values(&two), values(&one));
        assert_eq!(two.fields.total.as_ref().unwrap().value, "106.00");
        let vendor = two.fields.vendor_name.as_ref().unwrap();
        assert_eq!(
            (vendor.page, one.fields.vendor_name.as_ref().unwrap().page),
            (Some(1), Some(1))
        );
        // The total is the second page's fourth row: its box is in that page's frame.
        let total = two.fields.total.as_ref().unwrap();
        assert_eq!(total.page, Some(2));
        let y = total.bbox.unwrap()[0][1];
        assert_eq!(y, 90.0, "{total:?}");
        assert_eq!(two.line_items.len(), 2);
        assert!(two.line_items.iter().all(|i| i.page == Some(1)));
        assert!(two.key_values.iter().all(|kv| kv.page.is_some()));
    }

    #[test]
    fn empty_or_malformed_pages_are_invalid_input() {
        for bad in [
            r#"{"pages": []}"#,
            r#"{"pages": [{"lines": 3}]}"#,
            r#"{"pages": 1}"#,
        ] {
            let err = run(bad.as_bytes(), "application/json", &Map::new()).unwrap_err();
            assert!(matches!(err, InvoiceError::InvalidInput(_)), "{bad}: {err}");
            assert!(err.to_string().contains("pages"), "{err}");
        }
    }
}
