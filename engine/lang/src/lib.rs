//! Language identification for the `lang` module: ISO 639-1/639-3 code,
//! confidence and script of a text, in pure Rust and offline.
//!
//! Trigram statistics come from the `whatlang` crate (pinned). Short texts
//! are where trigram models confuse close Romance languages, so
//! [`detect`] adds evidence from each language's most frequent short words
//! (articles, prepositions, pronouns) for the languages Grace's documents
//! are written in.

mod codes;
mod words;

use serde::Serialize;
use serde_json::{json, Map, Value};
use thiserror::Error;
use whatlang::{Detector, Lang};

pub use codes::{iso639_1, lang_from_code};

/// Largest text accepted, in bytes (identification needs far less; a bigger
/// input is almost certainly the wrong file).
pub const MAX_TEXT_BYTES: usize = 1 << 20;
/// Only this many leading characters are analysed; more does not change the answer.
pub const ANALYSED_CHARS: usize = 20_000;

/// Everything that can go wrong identifying a language.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum LangError {
    /// The input is not text, is too large, or holds no letters.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The options are malformed or name an unknown language.
    #[error("invalid options: {0}")]
    InvalidOptions(String),
    /// The text is well-formed but no supported language matches it.
    #[error("unsupported: {0}")]
    Unsupported(String),
}

/// Options of one call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LangOptions {
    /// Only these languages are candidates (empty: every supported language).
    pub languages: Vec<Lang>,
}

/// The answer for one text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detection {
    /// ISO 639-1 code when the language has one, else the ISO 639-3 code.
    pub language: String,
    /// ISO 639-1 code, `None` for languages without one.
    pub iso639_1: Option<&'static str>,
    /// ISO 639-3 code.
    pub iso639_3: &'static str,
    /// English name of the language.
    pub name: &'static str,
    /// Confidence in 0..1.
    pub confidence: f64,
    /// Whether the answer is clear enough to act on.
    pub reliable: bool,
    /// Writing system, e.g. `Latin`, `Cyrillic`.
    pub script: String,
    /// Characters analysed.
    pub chars: usize,
}

/// JSON Schema of the options object.
pub fn options_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "lang options",
        "type": "object",
        "properties": {
            "languages": {
                "description": "Restrict the candidates to these languages (ISO 639-1 or 639-3 codes).",
                "type": "array",
                "items": {"type": "string", "enum": codes::all_codes()},
                "minItems": 1,
                "uniqueItems": true
            }
        },
        "additionalProperties": false
    })
}

/// JSON Schema of the output document.
pub fn output_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "lang output",
        "type": "object",
        "properties": {
            "language": {"description": "ISO 639-1 code when there is one, else ISO 639-3.", "type": "string"},
            "iso639_1": {"type": ["string", "null"], "minLength": 2, "maxLength": 2},
            "iso639_3": {"type": "string", "minLength": 3, "maxLength": 3},
            "name": {"type": "string"},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "reliable": {"type": "boolean"},
            "script": {"type": "string"},
            "chars": {"type": "integer", "minimum": 1}
        },
        "required": ["language", "iso639_1", "iso639_3", "name", "confidence", "reliable", "script", "chars"],
        "additionalProperties": false
    })
}

impl LangOptions {
    /// Parses an options object, rejecting unknown names and codes.
    pub fn from_map(map: &Map<String, Value>) -> Result<Self, LangError> {
        let mut out = LangOptions::default();
        for (key, value) in map {
            match key.as_str() {
                "languages" => {
                    let items = value.as_array().filter(|a| !a.is_empty()).ok_or_else(|| {
                        LangError::InvalidOptions(format!(
                            "option \"languages\" must be a non-empty array of ISO 639-1 or 639-3 codes, got {value}"
                        ))
                    })?;
                    for item in items {
                        let lang = item.as_str().and_then(lang_from_code).ok_or_else(|| {
                            LangError::InvalidOptions(format!(
                                "option \"languages\": {item} is not a supported ISO 639-1 or 639-3 code (supported: {})",
                                codes::all_codes().join(", ")
                            ))
                        })?;
                        if !out.languages.contains(&lang) {
                            out.languages.push(lang);
                        }
                    }
                }
                other => {
                    return Err(LangError::InvalidOptions(format!(
                        "unknown option {other:?} (known: \"languages\")"
                    )))
                }
            }
        }
        Ok(out)
    }
}

/// Takes the text out of a module input: UTF-8 text as is, or the `text`
/// field of a JSON object (the output of `ocr` or `pdf`).
pub fn text_of_input(data: &[u8]) -> Result<String, LangError> {
    if data.len() > MAX_TEXT_BYTES {
        return Err(LangError::InvalidInput(format!(
            "the input is {} bytes, over the limit of {MAX_TEXT_BYTES} bytes",
            data.len()
        )));
    }
    let text = std::str::from_utf8(data).map_err(|e| {
        LangError::InvalidInput(format!(
            "the input is not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.starts_with('{') {
        if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(trimmed) {
            return match map.get("text") {
                Some(Value::String(t)) => Ok(t.clone()),
                _ => Err(LangError::InvalidInput(
                    "the input is a JSON object without a string \"text\" field".into(),
                )),
            };
        }
    }
    Ok(trimmed.to_string())
}

/// Identifies the language of `text`.
pub fn detect(text: &str, options: &LangOptions) -> Result<Detection, LangError> {
    let sample: String = text.chars().take(ANALYSED_CHARS).collect();
    let chars = sample.chars().filter(|c| c.is_alphabetic()).count();
    if chars == 0 {
        return Err(LangError::InvalidInput(
            "the text has no letters to identify a language from".into(),
        ));
    }
    let detector = if options.languages.is_empty() {
        Detector::new()
    } else {
        Detector::with_allowlist(options.languages.clone())
    };
    let info = detector.detect(&sample).ok_or_else(|| {
        LangError::Unsupported(
            "no supported language matches the text (its script or letters are unknown to the model)"
                .into(),
        )
    })?;
    let (lang, confidence) = words::refine(&sample, info.lang(), info.confidence(), options);
    let iso3 = lang.code();
    let iso1 = iso639_1(lang);
    Ok(Detection {
        language: iso1.unwrap_or(iso3).to_string(),
        iso639_1: iso1,
        iso639_3: iso3,
        name: lang.eng_name(),
        confidence: (confidence * 1000.0).round() / 1000.0,
        reliable: confidence >= 0.5,
        script: info.script().name().to_string(),
        chars,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_sentence() {
        let d = detect(
            "El pago se hará por transferencia bancaria.",
            &LangOptions::default(),
        )
        .unwrap();
        assert_eq!(
            (d.language.as_str(), d.iso639_3, d.script.as_str()),
            ("es", "spa", "Latin")
        );
    }

    #[test]
    fn cyrillic_script() {
        let d = detect("Счёт оплачен вчера вечером.", &LangOptions::default()).unwrap();
        assert_eq!(d.script, "Cyrillic");
    }

    #[test]
    fn json_input_reads_text_field() {
        assert_eq!(
            text_of_input(br#"{"text": "hola", "lines": []}"#).unwrap(),
            "hola"
        );
        assert!(text_of_input(br#"{"lines": []}"#).is_err());
        assert_eq!(text_of_input(b" plain ").unwrap(), "plain");
    }

    #[test]
    fn bad_input_is_named() {
        let err = text_of_input(&[0x66, 0xff, 0x00]).unwrap_err();
        assert!(err.to_string().contains("offset 1"), "{err}");
        let big = vec![b'a'; MAX_TEXT_BYTES + 1];
        assert!(text_of_input(&big)
            .unwrap_err()
            .to_string()
            .contains("limit"));
        let err = detect("12 345,00 €", &LangOptions::default()).unwrap_err();
        assert!(err.to_string().contains("no letters"));
    }

    #[test]
    fn options_allowlist() {
        let map = json!({"languages": ["es", "por"]});
        let o = LangOptions::from_map(map.as_object().unwrap()).unwrap();
        assert_eq!(o.languages, vec![Lang::Spa, Lang::Por]);
        let map = json!({"languages": ["xx"]});
        assert!(LangOptions::from_map(map.as_object().unwrap()).is_err());
        let map = json!({"langs": ["es"]});
        assert!(LangOptions::from_map(map.as_object().unwrap())
            .unwrap_err()
            .to_string()
            .contains("unknown option"));
        let d = detect("obrigado pela sua compra", &o).unwrap();
        assert_eq!(d.language, "pt");
    }
}
