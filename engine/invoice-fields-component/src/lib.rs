//! The `invoice-fields` module: the extraction library compiled to a
//! WebAssembly component. Everything lives in the library; this crate only
//! maps the contract's input, options and failures onto it.

use grace_guest::{Descriptor, Failure, Guest, Input, Output};
use grace_invoice_fields::{InvoiceError, OPTIONS_SCHEMA, OUTPUT_SCHEMA, SUPPORTED_MEDIA_TYPES};

struct InvoiceFieldsModule;

impl Guest for InvoiceFieldsModule {
    fn describe() -> Descriptor {
        Descriptor {
            name: "invoice-fields".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "Reads invoice and ticket fields (parties, tax ids, dates, totals, tax lines, items, IBAN) from OCR or PDF layout JSON (one page or several) or plain text, with boxes, page numbers and validations".into(),
            media_types: SUPPORTED_MEDIA_TYPES.iter().map(|s| s.to_string()).collect(),
            options_schema: OPTIONS_SCHEMA.into(),
            output_schema: OUTPUT_SCHEMA.into(),
        }
    }

    fn run(input: Input) -> Result<Output, Failure> {
        let options = grace_guest::options_object(&input.options)?;
        let out = grace_invoice_fields::run(&input.data, &input.media_type, &options).map_err(
            |e| match e {
                InvoiceError::InvalidInput(_) | InvoiceError::InvalidOptions(_) => {
                    Failure::InvalidInput(e.to_string())
                }
            },
        )?;
        let mut warnings = Vec::new();
        if out.fields.total.is_none() {
            warnings.push("no total was found".to_string());
        }
        let failed: Vec<&str> = out
            .validations
            .iter()
            .filter(|v| v.status == grace_invoice_fields::Status::Fail)
            .map(|v| v.name.as_str())
            .collect();
        if !failed.is_empty() {
            warnings.push(format!("validations failed: {}", failed.join(", ")));
        }
        let confidence = grace_invoice_fields::overall_confidence(&out);
        let document = serde_json::to_string(&out)
            .map_err(|e| Failure::Internal(format!("cannot serialize the result: {e}")))?;
        Ok(Output {
            document,
            confidence,
            warnings,
        })
    }
}

grace_guest::bindings::export!(InvoiceFieldsModule with_types_in grace_guest::bindings);
