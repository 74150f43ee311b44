//! Response envelope ⇄ the flat (Zapier) shape of `host/API.md`: one object
//! of snake_case keys whose values are all scalars, every key always present.

use crate::{TranslateError, CONTRACT_VERSION};
use serde_json::{json, Map, Value};

/// Confidence below which a result needs review, unless configured otherwise.
pub const DEFAULT_REVIEW_THRESHOLD: f64 = 0.80;

/// Keys every flat object carries, in order.
pub const COMMON_KEYS: &[&str] = &[
    "status",
    "needs_review",
    "confidence",
    "trace_id",
    "module",
    "module_version",
    "error_code",
    "error_message",
];

/// Invoice fields of the flat shape (pipeline `invoice`, module `invoice-fields`).
pub const INVOICE_KEYS: &[&str] = &[
    "doc_type",
    "vendor_name",
    "vendor_tax_id",
    "vendor_address",
    "customer_name",
    "customer_tax_id",
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "subtotal",
    "tax_total",
    "withholding",
    "total",
    "amount_due",
    "iban",
    "payment_method",
    "language",
    "country",
    "review_reasons",
    "document_sha256",
    "text",
];

/// OCR fields of the flat shape.
pub const OCR_KEYS: &[&str] = &["text", "line_count", "page_width", "page_height"];

/// Where one flat key comes from inside `result.data`.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    /// The first of these JSON pointers that holds a value; writing back uses the first.
    Paths(Vec<String>),
    /// An invoice field: `fields.<key>` holding `{value, confidence, box}`
    /// (its `value`, even when null) or a bare value, else a top-level `<key>`;
    /// written back as `fields.<key>.value`.
    Field(String),
    /// The length of the array at `array`; written back as a plain number at `plain`.
    Count {
        /// The counted array.
        array: &'static str,
        /// Where the number goes when there is no array to count.
        plain: &'static str,
    },
}

/// Options of the flattening.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlatOptions {
    /// `needs_review` is true below this confidence.
    pub review_threshold: f64,
}

impl Default for FlatOptions {
    fn default() -> Self {
        FlatOptions {
            review_threshold: DEFAULT_REVIEW_THRESHOLD,
        }
    }
}

/// The module-specific keys of the flat shape for `module` (a module or
/// pipeline name), after [`COMMON_KEYS`]. Modules without a fixed list
/// (`hash`, `lang`, ...) carry the top-level scalars of their output instead.
pub fn module_keys(module: &str) -> Option<&'static [&'static str]> {
    match module {
        "invoice" | "invoice-fields" => Some(INVOICE_KEYS),
        "ocr" => Some(OCR_KEYS),
        _ => None,
    }
}

fn source(module: &str, key: &str) -> Source {
    let paths = |list: &[&str]| Source::Paths(list.iter().map(|p| p.to_string()).collect());
    match (module, key) {
        (_, "line_count") => Source::Count {
            array: "/lines",
            plain: "/line_count",
        },
        ("ocr", "page_width") => paths(&["/page/width"]),
        ("ocr", "page_height") => paths(&["/page/height"]),
        ("ocr", "text") => paths(&["/text"]),
        (_, "text") => paths(&["/text", "/ocr/text"]),
        (_, "document_sha256") => paths(&["/document_sha256", "/hash/sha256", "/sha256"]),
        (_, "doc_type") => paths(&[
            "/doc_type/value",
            "/doc_type",
            "/document_type",
            "/fields/doc_type/value",
        ]),
        (_, "language") => paths(&["/language/value", "/language"]),
        (_, "country") => paths(&["/country/value", "/country"]),
        (_, "review_reasons") => paths(&["/review_reasons"]),
        (_, k) => Source::Field(k.to_string()),
    }
}

/// A value as the flat shape holds it: scalars as they are, arrays and
/// objects as compact JSON text.
fn scalar(v: &Value) -> Value {
    match v {
        Value::Array(_) | Value::Object(_) => Value::String(v.to_string()),
        other => other.clone(),
    }
}

fn str_at<'a>(v: &'a Value, pointers: &[&str]) -> Option<&'a Value> {
    pointers
        .iter()
        .filter_map(|p| v.pointer(p))
        .find(|x| !x.is_null())
}

/// Flattens a response envelope (or an HTTP error body carrying one) for
/// `module`; the host's `POST /v1/zapier/{name}` answers exactly this.
pub fn flatten_response(
    envelope: &Value,
    module: &str,
    options: &FlatOptions,
) -> Result<Map<String, Value>, TranslateError> {
    if !envelope.is_object() {
        return Err(TranslateError::InvalidInput(
            "a response envelope must be a JSON object".into(),
        ));
    }
    let code = str_at(envelope, &["/status/code"]).and_then(Value::as_str);
    let error_code = str_at(envelope, &["/errors/0/code", "/error/code"]);
    let failed = matches!(code, Some("ERROR" | "TIMEOUT")) || envelope.get("error").is_some();
    let confidence = str_at(envelope, &["/quality/confidence"]).and_then(Value::as_f64);
    let validation_failed =
        str_at(envelope, &["/quality/validation_passed"]).and_then(Value::as_bool) == Some(false);
    let data = envelope.pointer("/result/data").unwrap_or(&Value::Null);
    // The module's own verdict (failed checks, doubtful key fields) counts too.
    let module_review = data.get("needs_review") == Some(&Value::Bool(true));
    let needs_review = !failed
        && (validation_failed
            || module_review
            || confidence.is_some_and(|c| c < options.review_threshold));
    let mut out = Map::new();
    let status = if failed {
        "error"
    } else if needs_review {
        "needs_review"
    } else {
        "ok"
    };
    out.insert("status".into(), status.into());
    out.insert("needs_review".into(), needs_review.into());
    out.insert(
        "confidence".into(),
        confidence.map_or(Value::Null, Value::from),
    );
    let put = |out: &mut Map<String, Value>, key: &str, ptrs: &[&str]| {
        out.insert(
            key.into(),
            str_at(envelope, ptrs).map_or(Value::Null, scalar),
        );
    };
    put(&mut out, "trace_id", &["/envelope/trace_id"]);
    put(&mut out, "module", &["/status/module", "/metadata/module"]);
    put(
        &mut out,
        "module_version",
        &["/status/version", "/metadata/version"],
    );
    out.insert("error_code".into(), error_code.map_or(Value::Null, scalar));
    put(
        &mut out,
        "error_message",
        &["/errors/0/message", "/error/message"],
    );
    match module_keys(module) {
        Some(keys) => {
            for key in keys {
                let value = match source(module, key) {
                    Source::Paths(paths) => paths
                        .iter()
                        .filter_map(|p| data.pointer(p))
                        .find(|v| !v.is_null())
                        .map_or(Value::Null, scalar),
                    Source::Field(k) => match data.pointer(&format!("/fields/{k}")) {
                        Some(Value::Object(o)) if o.contains_key("value") => scalar(&o["value"]),
                        Some(v) if !v.is_null() => scalar(v),
                        _ => data.get(&k).map_or(Value::Null, scalar),
                    },
                    Source::Count { array, plain } => match data.pointer(array) {
                        Some(Value::Array(a)) => a.len().into(),
                        _ => data.pointer(plain).map_or(Value::Null, scalar),
                    },
                };
                out.insert((*key).into(), value);
            }
        }
        None => {
            if let Some(obj) = data.as_object() {
                for (k, v) in obj {
                    out.insert(data_key(k), scalar(v));
                }
            }
        }
    }
    Ok(out)
}

/// The flat key of a top-level output key of a module without a fixed
/// list: the key itself, or `data_<key>` where it would shadow a common key.
fn data_key(key: &str) -> String {
    if COMMON_KEYS.contains(&key) {
        format!("data_{key}")
    } else {
        key.to_string()
    }
}

/// Rebuilds a response envelope from a flat object: every value the flat
/// object carries goes back where [`flatten_response`] reads it.
pub fn unflatten_response(
    flat: &Map<String, Value>,
    module: &str,
    options: &FlatOptions,
) -> Result<Value, TranslateError> {
    for (k, v) in flat {
        if v.is_array() || v.is_object() {
            return Err(TranslateError::InvalidInput(format!(
                "flat key {k:?} holds {}; the flat shape holds only strings, numbers, booleans and null",
                if v.is_array() { "an array" } else { "an object" }
            )));
        }
    }
    let get = |k: &str| flat.get(k).cloned().unwrap_or(Value::Null);
    let status = get("status");
    let failed = status == "error";
    let confidence = get("confidence");
    let below = confidence
        .as_f64()
        .is_some_and(|c| c < options.review_threshold);
    // needs_review without a low confidence can only come from a failed validation.
    let validation = if get("needs_review") == true && !below && !failed {
        Value::Bool(false)
    } else {
        Value::Null
    };
    let code = match (failed, get("error_code").as_str()) {
        (true, Some("timeout")) => "TIMEOUT",
        (true, _) => "ERROR",
        (false, _) if get("needs_review") == true => "PARTIAL",
        _ => "SUCCESS",
    };
    let errors = if get("error_code").is_null() && get("error_message").is_null() {
        json!([])
    } else {
        json!([{"code": get("error_code"), "message": get("error_message")}])
    };
    let mut data = Value::Object(Map::new());
    match module_keys(module) {
        Some(keys) => {
            for key in keys {
                let value = get(key);
                if value.is_null() {
                    continue;
                }
                let pointer = match source(module, key) {
                    Source::Paths(paths) => paths[0].clone(),
                    Source::Field(k) => format!("/fields/{k}/value"),
                    Source::Count { plain, .. } => plain.to_string(),
                };
                set_pointer(&mut data, &pointer, value);
            }
        }
        None => {
            for (k, v) in flat {
                if COMMON_KEYS.contains(&k.as_str()) {
                    continue;
                }
                let key = k.strip_prefix("data_").filter(|s| COMMON_KEYS.contains(s));
                data[key.unwrap_or(k)] = v.clone();
            }
        }
    }
    Ok(json!({
        "contract_version": CONTRACT_VERSION,
        "envelope": {"trace_id": get("trace_id")},
        "status": {"code": code, "module": get("module"), "version": get("module_version")},
        "result": {"schema": module, "data": data},
        "quality": {"confidence": confidence, "validation_passed": validation},
        "metadata": {"module": get("module"), "version": get("module_version")},
        "errors": errors,
        "warnings": [],
    }))
}

/// Writes `value` at a JSON pointer, creating objects on the way.
fn set_pointer(root: &mut Value, pointer: &str, value: Value) {
    let mut node = root;
    let parts: Vec<&str> = pointer.split('/').skip(1).collect();
    for (i, part) in parts.iter().enumerate() {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let map = node.as_object_mut().expect("made an object above");
        if i + 1 == parts.len() {
            map.insert((*part).to_string(), value);
            return;
        }
        node = map.entry((*part).to_string()).or_insert(Value::Null);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice_envelope() -> Value {
        json!({
            "contract_version": "1.2",
            "envelope": {"trace_id": "t-1", "step_id": "s-1"},
            "status": {"code": "SUCCESS", "module": "invoice", "version": "0.1.0"},
            "result": {"schema": "invoice", "data": {
                "doc_type": "factura",
                "fields": {
                    "vendor_name": {"value": "Talleres Ruiz S.L.", "confidence": 0.97},
                    "vendor_tax_id": "B12345674",
                    "due_date": {"value": null, "confidence": 0.0},
                    "total": {"value": 121.0, "confidence": 0.99},
                    "tax_lines": [{"rate": 21, "base": 100.0}]
                },
                "text": "FACTURA ...",
                "hash": {"sha256": "ab".repeat(32)}
            }},
            "quality": {"confidence": 0.91, "validation_passed": true},
            "metadata": {"module": "invoice", "version": "0.1.0", "processing_ms": 5},
            "errors": [],
            "warnings": []
        })
    }

    #[test]
    fn invoice_flattens_to_every_key() {
        let flat =
            flatten_response(&invoice_envelope(), "invoice", &FlatOptions::default()).unwrap();
        assert_eq!(flat.len(), COMMON_KEYS.len() + INVOICE_KEYS.len());
        assert_eq!(flat["status"], "ok");
        assert_eq!(flat["vendor_name"], "Talleres Ruiz S.L.");
        assert_eq!(flat["vendor_tax_id"], "B12345674");
        assert_eq!(flat["total"], 121.0);
        assert_eq!(flat["iban"], Value::Null);
        assert_eq!(flat["due_date"], Value::Null);
        assert_eq!(flat["document_sha256"], "ab".repeat(32));
        assert!(flat.values().all(|v| !v.is_array() && !v.is_object()));
    }

    #[test]
    fn low_confidence_or_failed_validation_needs_review() {
        let mut e = invoice_envelope();
        e["quality"]["confidence"] = json!(0.5);
        let f = flatten_response(&e, "invoice", &FlatOptions::default()).unwrap();
        assert_eq!(
            (f["status"].as_str(), f["needs_review"].as_bool()),
            (Some("needs_review"), Some(true))
        );
        let mut e = invoice_envelope();
        e["quality"]["validation_passed"] = json!(false);
        let f = flatten_response(&e, "invoice", &FlatOptions::default()).unwrap();
        assert_eq!(f["needs_review"], true);
        let back = unflatten_response(&f, "invoice", &FlatOptions::default()).unwrap();
        assert_eq!(back["quality"]["validation_passed"], false);
    }

    #[test]
    fn error_body_flattens() {
        let body = json!({"error": {"code": "invalid_input", "message": "the file is empty (0 bytes)"},
            "contract_version": "1.2", "status": {"code": "ERROR", "module": "ocr"}, "errors": []});
        let f = flatten_response(&body, "ocr", &FlatOptions::default()).unwrap();
        assert_eq!(f["status"], "error");
        assert_eq!(f["error_code"], "invalid_input");
        assert_eq!(f["line_count"], Value::Null);
        let back = unflatten_response(&f, "ocr", &FlatOptions::default()).unwrap();
        assert_eq!(back["status"]["code"], "ERROR");
    }

    #[test]
    fn ocr_counts_lines_and_round_trips() {
        let e = json!({"status": {"code": "SUCCESS", "module": "ocr"}, "quality": {"confidence": 0.95},
            "result": {"data": {"text": "a\nb", "lines": [{}, {}], "page": {"width": 10, "height": 20}}}});
        let f = flatten_response(&e, "ocr", &FlatOptions::default()).unwrap();
        assert_eq!(
            (f["line_count"].clone(), f["page_width"].clone()),
            (json!(2), json!(10))
        );
        let back = unflatten_response(&f, "ocr", &FlatOptions::default()).unwrap();
        assert_eq!(
            flatten_response(&back, "ocr", &FlatOptions::default()).unwrap(),
            f
        );
    }

    #[test]
    fn other_modules_carry_their_scalars() {
        let e = json!({"status": {"code": "SUCCESS", "module": "lang"}, "quality": {"confidence": 0.9},
            "result": {"data": {"language": "es", "confidence": 0.9, "script": "Latin"}}});
        let f = flatten_response(&e, "lang", &FlatOptions::default()).unwrap();
        assert_eq!(f["language"], "es");
        assert_eq!(f["data_confidence"], 0.9);
        let back = unflatten_response(&f, "lang", &FlatOptions::default()).unwrap();
        assert_eq!(back["result"]["data"]["confidence"], 0.9);
        assert_eq!(
            flatten_response(&back, "lang", &FlatOptions::default()).unwrap(),
            f
        );
    }

    #[test]
    fn non_scalar_flat_values_are_rejected() {
        let flat = json!({"status": "ok", "total": [1]});
        let err = unflatten_response(
            flat.as_object().unwrap(),
            "invoice",
            &FlatOptions::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("\"total\" holds an array"));
    }
}
