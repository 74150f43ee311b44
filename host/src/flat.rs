//! The flat shape (Zapier, spreadsheets): one object of scalar values with a
//! fixed key set per target, `null` when unknown.

use serde_json::{Map, Value};

/// Invoice fields carried in the flat shape (values of `fields.<name>.value`).
pub const INVOICE_FIELDS: &[&str] = &[
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
];

/// Flattens a response envelope; `min_confidence` decides `needs_review`.
pub fn flatten(envelope: &Value, min_confidence: f64) -> Map<String, Value> {
    let mut out = Map::new();
    let data = envelope
        .pointer("/result/data")
        .cloned()
        .unwrap_or(Value::Null);
    let confidence = envelope
        .pointer("/quality/confidence")
        .and_then(Value::as_f64);
    let validation = envelope
        .pointer("/quality/validation_passed")
        .and_then(Value::as_bool);
    let status_code = envelope
        .pointer("/status/code")
        .and_then(Value::as_str)
        .unwrap_or("ERROR");
    let failed = !matches!(status_code, "SUCCESS" | "PARTIAL" | "FALLBACK");
    let needs_review =
        !failed && (confidence.is_some_and(|c| c < min_confidence) || validation == Some(false));
    let status = if failed {
        "error"
    } else if needs_review {
        "needs_review"
    } else {
        "ok"
    };
    out.insert("status".into(), Value::from(status));
    out.insert("needs_review".into(), Value::Bool(needs_review));
    out.insert(
        "confidence".into(),
        confidence.map(Value::from).unwrap_or(Value::Null),
    );
    out.insert(
        "validation_passed".into(),
        validation.map(Value::Bool).unwrap_or(Value::Null),
    );
    out.insert(
        "trace_id".into(),
        scalar(envelope.pointer("/envelope/trace_id")),
    );
    out.insert("module".into(), scalar(envelope.pointer("/status/module")));
    out.insert(
        "module_version".into(),
        scalar(envelope.pointer("/status/version")),
    );
    let first_error = envelope.pointer("/errors/0");
    out.insert(
        "error_code".into(),
        scalar(first_error.and_then(|e| e.get("code"))),
    );
    out.insert(
        "error_message".into(),
        scalar(first_error.and_then(|e| e.get("message"))),
    );
    let module = envelope
        .pointer("/status/module")
        .and_then(Value::as_str)
        .unwrap_or("");
    if module == "invoice" || data.get("fields").is_some() {
        out.insert("doc_type".into(), value_of(data.get("doc_type")));
        for f in INVOICE_FIELDS {
            out.insert((*f).into(), value_of(data.pointer(&format!("/fields/{f}"))));
        }
        out.insert(
            "document_sha256".into(),
            scalar(data.get("document_sha256")),
        );
        out.insert("text".into(), scalar(data.get("text")));
    } else if module == "ocr" || data.get("lines").is_some() {
        out.insert("text".into(), scalar(data.get("text")));
        out.insert(
            "line_count".into(),
            data.get("lines")
                .and_then(Value::as_array)
                .map(|l| Value::from(l.len()))
                .unwrap_or(Value::Null),
        );
        out.insert("page_width".into(), scalar(data.pointer("/page/width")));
        out.insert("page_height".into(), scalar(data.pointer("/page/height")));
    } else if let Value::Object(obj) = &data {
        flatten_into(&mut out, "", obj, 0);
    }
    out
}

/// `x.value` when `x` is a field object, `x` itself when scalar, else null.
fn value_of(v: Option<&Value>) -> Value {
    match v {
        Some(Value::Object(o)) => scalar(o.get("value")),
        other => scalar(other),
    }
}

fn scalar(v: Option<&Value>) -> Value {
    match v {
        Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => v.clone(),
        _ => Value::Null,
    }
}

/// Generic modules: nested objects become `a_b` keys (two levels), arrays their length as `a_count`.
fn flatten_into(
    out: &mut Map<String, Value>,
    prefix: &str,
    obj: &Map<String, Value>,
    depth: usize,
) {
    for (k, v) in obj {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}_{k}")
        };
        match v {
            Value::Object(inner) if depth < 2 => flatten_into(out, &key, inner, depth + 1),
            Value::Array(a) => {
                out.insert(format!("{key}_count"), Value::from(a.len()));
            }
            Value::Object(_) => {}
            other => {
                out.entry(key).or_insert_with(|| other.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn invoice_keys_always_present() {
        let env = json!({
            "status": {"code": "SUCCESS", "module": "invoice", "version": "x"},
            "envelope": {"trace_id": "t"},
            "quality": {"confidence": 0.95, "validation_passed": true},
            "result": {"data": {"doc_type": {"value": "invoice", "confidence": 0.9},
                "fields": {"total": {"value": "12.10"}, "vendor_name": null}, "text": "T", "document_sha256": "ab"}},
            "errors": []
        });
        let flat = flatten(&env, 0.8);
        assert_eq!(flat["status"], "ok");
        assert_eq!(flat["total"], "12.10");
        assert_eq!(flat["vendor_name"], Value::Null);
        assert_eq!(flat["doc_type"], "invoice");
        for f in INVOICE_FIELDS {
            assert!(flat.contains_key(*f), "{f}");
        }
        assert!(flat.values().all(|v| !v.is_object() && !v.is_array()));
    }

    #[test]
    fn low_confidence_or_failed_validation_needs_review() {
        let env = json!({"status": {"code": "SUCCESS", "module": "ocr"}, "quality": {"confidence": 0.5},
            "result": {"data": {"text": "a", "lines": [1, 2], "page": {"width": 3, "height": 4}}}});
        let flat = flatten(&env, 0.8);
        assert_eq!(
            (flat["status"].as_str(), flat["line_count"].as_u64()),
            (Some("needs_review"), Some(2))
        );
        let env = json!({"status": {"code": "SUCCESS", "module": "invoice"}, "quality": {"confidence": 0.99, "validation_passed": false}, "result": {"data": {"fields": {}}}});
        assert_eq!(flatten(&env, 0.8)["needs_review"], true);
    }

    #[test]
    fn generic_modules_flatten_nested_objects() {
        let env = json!({"status": {"code": "SUCCESS", "module": "hash"}, "result": {"data": {"sha256": "x", "bytes": 3, "meta": {"a": 1}, "list": [1]}}});
        let flat = flatten(&env, 0.8);
        assert_eq!(flat["sha256"], "x");
        assert_eq!(flat["meta_a"], 1);
        assert_eq!(flat["list_count"], 1);
    }
}
