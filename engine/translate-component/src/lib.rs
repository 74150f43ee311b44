//! The `translate` module as a WebAssembly component: a JSON document in,
//! its contract v1.2 request envelope, flat (Zapier) shape or rebuilt
//! response envelope out, as the `direction` option says.

use grace_guest::{Descriptor, Failure, Guest, Input, Output};
use grace_translate::{FlatOptions, TranslateError};
use serde_json::{json, Map, Value};

/// The exported module.
pub struct TranslateModule;

/// What one call converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// An incoming payload → a v1.2 request envelope.
    Request,
    /// A response envelope → the flat shape.
    Flatten,
    /// A flat object → a response envelope.
    Unflatten,
}

/// Parsed options of one call.
#[derive(Debug, Clone, PartialEq)]
pub struct TranslateOptions {
    /// The conversion.
    pub direction: Direction,
    /// Module or pipeline whose result is converted (picks the flat keys).
    pub module: Option<String>,
    /// Confidence below which a result needs review.
    pub flat: FlatOptions,
}

/// JSON Schema of the options object.
pub fn options_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "translate options",
        "type": "object",
        "properties": {
            "direction": {
                "description": "request: incoming payload to a v1.2 request envelope; flatten: response envelope to the flat (Zapier) shape; unflatten: flat object back to a response envelope.",
                "enum": ["request", "flatten", "unflatten"],
                "default": "request"
            },
            "module": {
                "description": "Module or pipeline whose result is converted; picks the flat keys. Defaults to the module the document names.",
                "type": "string", "minLength": 1
            },
            "review_threshold": {
                "description": "needs_review is true below this confidence.",
                "type": "number", "minimum": 0, "maximum": 1,
                "default": grace_translate::DEFAULT_REVIEW_THRESHOLD
            }
        },
        "additionalProperties": false
    })
}

/// JSON Schema of the output document (one of the three shapes).
pub fn output_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "translate output",
        "description": "direction request: a v1.2 request envelope; flatten: an object of scalars; unflatten: a v1.2 response envelope.",
        "oneOf": [
            {"type": "object", "required": ["contract_version", "envelope", "payload"]},
            {"type": "object", "required": ["status", "needs_review", "confidence", "trace_id"],
             "additionalProperties": {"type": ["string", "number", "boolean", "null"]}},
            {"type": "object", "required": ["contract_version", "status", "result"]}
        ]
    })
}

/// Parses the options JSON text.
pub fn parse_options(options: &str) -> Result<TranslateOptions, Failure> {
    let map = grace_guest::options_object(options)?;
    let mut out = TranslateOptions {
        direction: Direction::Request,
        module: None,
        flat: FlatOptions::default(),
    };
    for (key, value) in &map {
        match key.as_str() {
            "direction" => {
                out.direction = match value.as_str() {
                    Some("request") => Direction::Request,
                    Some("flatten") => Direction::Flatten,
                    Some("unflatten") => Direction::Unflatten,
                    _ => {
                        return Err(invalid(format!(
                            "option \"direction\" must be \"request\", \"flatten\" or \"unflatten\", got {value}"
                        )))
                    }
                }
            }
            "module" => {
                let m = value.as_str().filter(|s| !s.is_empty()).ok_or_else(|| {
                    invalid(format!("option \"module\" must be a module or pipeline name, got {value}"))
                })?;
                out.module = Some(m.to_string());
            }
            "review_threshold" => {
                out.flat.review_threshold = value
                    .as_f64()
                    .filter(|t| (0.0..=1.0).contains(t))
                    .ok_or_else(|| {
                        invalid(format!(
                            "option \"review_threshold\" must be a number from 0 to 1, got {value}"
                        ))
                    })?;
            }
            other => {
                return Err(invalid(format!(
                    "unknown option {other:?} (known: \"direction\", \"module\", \"review_threshold\")"
                )))
            }
        }
    }
    Ok(out)
}

fn invalid(message: String) -> Failure {
    Failure::InvalidInput(message)
}

fn to_failure(err: TranslateError) -> Failure {
    match err {
        TranslateError::InvalidInput(m) => Failure::InvalidInput(m),
        TranslateError::Unsupported(m) => Failure::Unsupported(m),
    }
}

/// The module a document names: `status.module`, `metadata.module` or a flat `module` key.
fn named_module(doc: &Value) -> Option<String> {
    [
        "/status/module",
        "/metadata/module",
        "/module",
        "/result/schema",
    ]
    .iter()
    .find_map(|p| doc.pointer(p).and_then(Value::as_str))
    .map(String::from)
}

/// Converts `doc` as `opts` say.
pub fn translate(doc: &Value, opts: &TranslateOptions) -> Result<Value, Failure> {
    let module = opts.module.clone().or_else(|| named_module(doc));
    let need_module = || {
        module.clone().ok_or_else(|| {
            invalid(
                "the document names no module; set option \"module\" (e.g. \"invoice\", \"ocr\")"
                    .into(),
            )
        })
    };
    match opts.direction {
        Direction::Request => {
            grace_translate::normalize_request(doc, opts.module.as_deref()).map_err(to_failure)
        }
        Direction::Flatten => grace_translate::flatten_response(doc, &need_module()?, &opts.flat)
            .map(Value::Object)
            .map_err(to_failure),
        Direction::Unflatten => {
            let flat: &Map<String, Value> = doc
                .as_object()
                .ok_or_else(|| invalid("a flat object must be a JSON object".into()))?;
            grace_translate::unflatten_response(flat, &need_module()?, &opts.flat)
                .map_err(to_failure)
        }
    }
}

impl Guest for TranslateModule {
    fn describe() -> Descriptor {
        Descriptor {
            name: "translate".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "Normalizes incoming payloads into the contract v1.2 envelope; converts response envelopes to the flat (Zapier) shape and back".into(),
            media_types: vec!["application/json".into()],
            options_schema: options_schema().to_string(),
            output_schema: output_schema().to_string(),
        }
    }

    fn run(input: Input) -> Result<Output, Failure> {
        let opts = parse_options(&input.options)?;
        let doc: Value = serde_json::from_slice(&input.data)
            .map_err(|e| invalid(format!("the input is not valid JSON: {e}")))?;
        let out = translate(&doc, &opts)?;
        Ok(Output {
            document: out.to_string(),
            confidence: None,
            warnings: vec![],
        })
    }
}

grace_guest::bindings::export!(TranslateModule with_types_in grace_guest::bindings);

#[cfg(test)]
mod tests {
    use super::*;

    fn run(data: &str, options: &str) -> Result<Value, Failure> {
        let out = <TranslateModule as Guest>::run(Input {
            data: data.as_bytes().to_vec(),
            media_type: "application/json".into(),
            options: options.into(),
        })?;
        Ok(serde_json::from_str(&out.document).unwrap())
    }

    #[test]
    fn three_directions() {
        let req = run(r#"{"text": "hola"}"#, r#"{"module": "lang"}"#).unwrap();
        assert_eq!(req["routing"]["module"], "lang");
        let env = r#"{"status": {"code": "SUCCESS", "module": "ocr"}, "quality": {"confidence": 0.9},
            "result": {"data": {"text": "x", "lines": [{}], "page": {"width": 3, "height": 4}}}}"#;
        let flat = run(env, r#"{"direction": "flatten"}"#).unwrap();
        assert_eq!(flat["line_count"], 1);
        let back = run(&flat.to_string(), r#"{"direction": "unflatten"}"#).unwrap();
        assert_eq!(back["result"]["data"]["page"]["height"], 4);
    }

    #[test]
    fn failures_are_typed() {
        let msg = |r: Result<Value, Failure>| match r {
            Err(Failure::InvalidInput(m)) => m,
            other => panic!("{other:?}"),
        };
        assert!(msg(run("{", "{}")).contains("not valid JSON"));
        assert!(msg(run("{}", r#"{"direction": "sideways"}"#)).contains("direction"));
        assert!(msg(run("{}", r#"{"direction": "flatten"}"#)).contains("names no module"));
        assert!(msg(run("{}", r#"{"review_threshold": 2}"#)).contains("0 to 1"));
        assert!(msg(run("{}", r#"{"colour": 1}"#)).contains("unknown option"));
        assert!(matches!(
            run(r#"{"contract_version": "2.0"}"#, "{}"),
            Err(Failure::Unsupported(_))
        ));
    }
}
