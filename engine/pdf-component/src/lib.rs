//! The `pdf` module as a WebAssembly component: a PDF in, per page the
//! text layer (the `ocr` layout shape, `source: "text-layer"`) or a
//! rendered PNG for the `ocr` module (`source: "image"`).

use grace_guest::{Descriptor, Failure, Guest, Input, Output};
use grace_pdf::{
    read_pdf, PageSelection, PdfError, PdfOptions, RenderMode, DEFAULT_DPI, DEFAULT_PAGE_LIMIT,
    MAX_DPI, MAX_PAGE_LIMIT, MIN_DPI,
};
use serde_json::{json, Map, Value};

/// The exported module.
pub struct PdfModule;

/// Option names, for the unknown-option message.
const KNOWN: &str = "\"pages\", \"page_limit\", \"dpi\", \"password\", \"render\"";

/// JSON Schema of the options object.
pub fn options_schema() -> Value {
    let modes: Vec<&str> = RenderMode::ALL.iter().map(|m| m.name()).collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "pdf options",
        "type": "object",
        "properties": {
            "pages": {
                "description": "Pages to read: 1-based numbers and ranges, comma-separated (\"1-3,5,8-\"), or one page number. Default: every page.",
                "oneOf": [
                    { "type": "string", "pattern": "^\\s*[0-9]+\\s*(-\\s*([0-9]+)?\\s*)?(,\\s*[0-9]+\\s*(-\\s*([0-9]+)?\\s*)?)*$" },
                    { "type": "integer", "minimum": 1 }
                ]
            },
            "page_limit": {
                "description": "Refuse documents with more selected pages than this.",
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_PAGE_LIMIT,
                "default": DEFAULT_PAGE_LIMIT
            },
            "dpi": {
                "description": "Resolution of pixel coordinates and rendered page images.",
                "type": "integer",
                "minimum": MIN_DPI,
                "maximum": MAX_DPI,
                "default": DEFAULT_DPI
            },
            "password": {
                "description": "User password of an encrypted PDF.",
                "type": "string"
            },
            "render": {
                "description": "auto: render only pages without a text layer; always: every page; never: no images.",
                "enum": modes,
                "default": "auto"
            }
        },
        "additionalProperties": false
    })
}

/// JSON Schema of the output document.
pub fn output_schema() -> Value {
    let quad = json!({
        "type": "array",
        "items": { "type": "array", "items": { "type": "number" }, "minItems": 2, "maxItems": 2 },
        "minItems": 4,
        "maxItems": 4,
        "description": "Four corners [x, y] in pixels at dpi, clockwise from the top-left."
    });
    let e_invoice = json!({
        "type": "object",
        "required": ["filename", "format", "xml"],
        "additionalProperties": false,
        "description": "The structured invoice XML embedded in the PDF (Factur-X, ZUGFeRD, XRechnung); absent when there is none.",
        "properties": {
            "filename": { "type": "string", "description": "The attachment's file name, e.g. factur-x.xml." },
            "format": { "enum": ["cii", "zugferd1", "ubl"] },
            "xml": { "type": "string", "contentMediaType": "application/xml" }
        }
    });
    // Added after the fact: one more entry overflows json!'s recursion limit.
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "pdf output",
        "type": "object",
        "required": ["page_count", "dpi", "pages", "text"],
        "additionalProperties": false,
        "properties": {
            "page_count": { "type": "integer", "minimum": 1, "description": "Pages in the whole document." },
            "dpi": { "type": "integer", "description": "Resolution of every pixel coordinate and image." },
            "text": { "type": "string", "description": "Text of the selected pages, a blank line between pages." },
            "pages": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["number", "source", "page", "lines", "text"],
                    "additionalProperties": false,
                    "properties": {
                        "number": { "type": "integer", "minimum": 1 },
                        "source": {
                            "enum": ["text-layer", "image"],
                            "description": "text-layer: lines are the PDF's own text; image: no usable text, OCR the image."
                        },
                        "page": {
                            "type": "object",
                            "required": ["width", "height"],
                            "properties": {
                                "width": { "type": "integer" },
                                "height": { "type": "integer" }
                            }
                        },
                        "lines": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["text", "confidence", "box", "angle", "words"],
                                "properties": {
                                    "text": { "type": "string" },
                                    "confidence": { "type": "number" },
                                    "box": quad,
                                    "angle": { "type": "integer" },
                                    "words": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["text", "confidence", "box"],
                                            "properties": {
                                                "text": { "type": "string" },
                                                "confidence": { "type": "number" },
                                                "box": quad
                                            }
                                        }
                                    }
                                }
                            }
                        },
                        "text": { "type": "string" },
                        "image": {
                            "type": "object",
                            "required": ["media_type", "width", "height", "base64"],
                            "properties": {
                                "media_type": { "const": "image/png" },
                                "width": { "type": "integer" },
                                "height": { "type": "integer" },
                                "base64": { "type": "string", "contentEncoding": "base64", "contentMediaType": "image/png" }
                            }
                        }
                    }
                }
            }
        }
    });
    schema["properties"]["e_invoice"] = e_invoice;
    schema
}

/// Parses the options JSON text into [`PdfOptions`].
pub fn parse_options(options: &str) -> Result<PdfOptions, Failure> {
    let map = grace_guest::options_object(options)?;
    parse_options_map(&map)
}

fn parse_options_map(map: &Map<String, Value>) -> Result<PdfOptions, Failure> {
    let mut out = PdfOptions::default();
    for (key, value) in map {
        match key.as_str() {
            "pages" => {
                out.pages = match value {
                    Value::String(s) => PageSelection::parse(s).map_err(failure)?,
                    Value::Number(n) => PageSelection::parse(&n.to_string()).map_err(failure)?,
                    other => {
                        return Err(invalid(format!(
                            "option \"pages\" must be a string like \"1-3,5\" or a page number, got {other}"
                        )))
                    }
                }
            }
            "page_limit" => {
                out.page_limit = bounded(key, value, 1, MAX_PAGE_LIMIT as u64)? as usize;
            }
            "dpi" => out.dpi = bounded(key, value, MIN_DPI as u64, MAX_DPI as u64)? as u32,
            "password" => {
                out.password = Some(
                    value
                        .as_str()
                        .ok_or_else(|| invalid("option \"password\" must be a string".into()))?
                        .to_string(),
                )
            }
            "render" => {
                out.render = RenderMode::ALL
                    .into_iter()
                    .find(|m| value.as_str() == Some(m.name()))
                    .ok_or_else(|| {
                        invalid(format!(
                            "option \"render\" must be \"auto\", \"always\" or \"never\", got {value}"
                        ))
                    })?
            }
            other => return Err(invalid(format!("unknown option {other:?} (known: {KNOWN})"))),
        }
    }
    Ok(out)
}

/// An integer option within `[min, max]`; the message names the limit.
fn bounded(key: &str, value: &Value, min: u64, max: u64) -> Result<u64, Failure> {
    match value.as_u64() {
        Some(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(invalid(format!(
            "option {key:?} must be an integer from {min} to {max}, got {value}"
        ))),
    }
}

fn invalid(msg: String) -> Failure {
    Failure::InvalidInput(msg)
}

fn failure(e: PdfError) -> Failure {
    if e.is_invalid_input() {
        Failure::InvalidInput(e.to_string())
    } else {
        Failure::Internal(e.to_string())
    }
}

impl Guest for PdfModule {
    fn describe() -> Descriptor {
        Descriptor {
            name: "pdf".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "PDF pages to their text layer with positions (ocr layout shape), or to PNG page images for ocr".into(),
            media_types: vec!["application/pdf".into()],
            options_schema: options_schema().to_string(),
            output_schema: output_schema().to_string(),
        }
    }

    fn run(input: Input) -> Result<Output, Failure> {
        let opts = parse_options(&input.options)?;
        let doc = read_pdf(&input.data, &opts).map_err(failure)?;
        let warnings = doc
            .pages
            .iter()
            .filter(|p| p.image.is_none() && p.lines.is_empty())
            .map(|p| {
                format!(
                    "page {} has no text layer and render is \"never\"",
                    p.number
                )
            })
            .collect();
        let document = serde_json::to_string(&doc)
            .map_err(|e| Failure::Internal(format!("serializing the output: {e}")))?;
        Ok(Output {
            document,
            confidence: None,
            warnings,
        })
    }
}

grace_guest::bindings::export!(PdfModule with_types_in grace_guest::bindings);

#[cfg(test)]
mod tests {
    use super::*;
    use grace_pdfgen::{Document, Font, Page, PageSize};

    fn run(data: &[u8], options: &str) -> Result<Value, Failure> {
        let out = <PdfModule as Guest>::run(Input {
            data: data.to_vec(),
            media_type: "application/pdf".into(),
            options: options.into(),
        })?;
        Ok(serde_json::from_str(&out.document).unwrap())
    }

    fn message(r: Result<Value, Failure>) -> String {
        match r {
            Err(Failure::InvalidInput(m)) => m,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    fn two_pages() -> Vec<u8> {
        let page = |t: &str| Page::new(PageSize::A4).lines(Font::Helvetica, 14.0, 72.0, 72.0, &[t]);
        Document::new(vec![page("Uno"), page("Dos")]).to_bytes()
    }

    #[test]
    fn reads_and_selects_pages() {
        let pdf = two_pages();
        let all = run(&pdf, "{}").unwrap();
        assert_eq!(all["text"], "Uno\n\nDos");
        assert_eq!(all["pages"][0]["source"], "text-layer");
        let second = run(&pdf, r#"{"pages": 2, "dpi": 72}"#).unwrap();
        assert_eq!(second["pages"].as_array().unwrap().len(), 1);
        assert_eq!(second["pages"][0]["number"], 2);
        assert_eq!(second["pages"][0]["page"]["width"], 595);
    }

    #[test]
    fn bad_options_name_the_limit() {
        let pdf = two_pages();
        assert!(message(run(&pdf, r#"{"dpi": 1200}"#)).contains("from 36 to 600"));
        assert!(message(run(&pdf, r#"{"page_limit": 1}"#)).contains("page_limit of 1"));
        assert!(message(run(&pdf, r#"{"pages": "3"}"#)).contains("has 2 pages"));
        assert!(message(run(&pdf, r#"{"pages": "x"}"#)).contains("\"pages\""));
        assert!(message(run(&pdf, r#"{"render": "maybe"}"#)).contains("render"));
        assert!(message(run(&pdf, r#"{"colour": 1}"#)).contains("unknown option"));
        assert!(message(run(&pdf, r#"{"password": 3}"#)).contains("password"));
    }

    /// Checks `value` against the keywords the options schema uses
    /// (type, oneOf, enum, minimum, maximum); patterns are left to the parser.
    fn fits(schema: &Value, value: &Value) -> bool {
        if let Some(choices) = schema["oneOf"].as_array() {
            return choices.iter().filter(|c| fits(c, value)).count() == 1;
        }
        let typed = match schema["type"].as_str() {
            Some("string") => value.is_string(),
            Some("integer") => value.is_u64() || value.is_i64(),
            Some(_) => false,
            None => true,
        };
        let listed = schema["enum"]
            .as_array()
            .is_none_or(|items| items.contains(value));
        let above = schema["minimum"]
            .as_f64()
            .is_none_or(|m| value.as_f64().is_some_and(|v| v >= m));
        let below = schema["maximum"]
            .as_f64()
            .is_none_or(|m| value.as_f64().is_some_and(|v| v <= m));
        typed && listed && above && below
    }

    #[test]
    fn options_schema_matches_what_the_parser_accepts() {
        let schema = options_schema();
        let accepts = |options: &str| {
            let map: Map<String, Value> = serde_json::from_str(options).unwrap();
            map.iter().all(|(k, v)| fits(&schema["properties"][k], v))
                && map.keys().all(|k| schema["properties"].get(k).is_some())
        };
        for ok in [
            r#"{"pages": "1-3,5,8-"}"#,
            r#"{"pages": 2, "dpi": 36, "page_limit": 500}"#,
            r#"{"dpi": 600, "password": "x", "render": "never"}"#,
            r#"{"render": "always"}"#,
        ] {
            assert!(parse_options(ok).is_ok(), "{ok}");
            assert!(accepts(ok), "schema refuses {ok}");
        }
        for bad in [
            r#"{"dpi": 35}"#,
            r#"{"dpi": 601}"#,
            r#"{"page_limit": 0}"#,
            r#"{"render": "maybe"}"#,
            r#"{"password": 1}"#,
            r#"{"pages": 0}"#,
            r#"{"colour": "red"}"#,
        ] {
            assert!(parse_options(bad).is_err(), "{bad}");
            assert!(!accepts(bad), "schema accepts {bad}");
        }
    }

    #[test]
    fn describe_has_real_schemas() {
        let d = <PdfModule as Guest>::describe();
        assert_eq!(d.name, "pdf");
        let s: Value = serde_json::from_str(&d.options_schema).unwrap();
        assert_eq!(s["properties"]["dpi"]["default"], 150);
        assert_eq!(s["additionalProperties"], false);
        let o: Value = serde_json::from_str(&d.output_schema).unwrap();
        assert_eq!(
            o["properties"]["pages"]["items"]["properties"]["source"]["enum"][0],
            "text-layer"
        );
    }
}
