//! The `lang` module as a WebAssembly component: text (or a JSON document
//! with a `text` field) in, language code, confidence and script out.

use grace_guest::{Descriptor, Failure, Guest, Input, Output};
use grace_lang::{LangError, LangOptions};

/// The exported module.
pub struct LangModule;

fn to_failure(err: LangError) -> Failure {
    match err {
        LangError::InvalidInput(m) => Failure::InvalidInput(m),
        LangError::InvalidOptions(m) => Failure::InvalidInput(format!("invalid options: {m}")),
        LangError::Unsupported(m) => Failure::Unsupported(m),
    }
}

impl Guest for LangModule {
    fn describe() -> Descriptor {
        Descriptor {
            name: "lang".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "Language (ISO 639-1/639-3), confidence and script of a text, offline".into(),
            media_types: vec!["text/plain".into(), "application/json".into()],
            options_schema: grace_lang::options_schema().to_string(),
            output_schema: grace_lang::output_schema().to_string(),
        }
    }

    fn run(input: Input) -> Result<Output, Failure> {
        let map = grace_guest::options_object(&input.options)?;
        let options = LangOptions::from_map(&map).map_err(to_failure)?;
        let text = grace_lang::text_of_input(&input.data).map_err(to_failure)?;
        let detection = grace_lang::detect(&text, &options).map_err(to_failure)?;
        let mut warnings = Vec::new();
        if !detection.reliable {
            warnings.push(format!(
                "the answer is not reliable (confidence {}, {} letters)",
                detection.confidence, detection.chars
            ));
        }
        let doc = serde_json::to_value(&detection)
            .map_err(|e| Failure::Internal(format!("serializing the answer: {e}")))?;
        Ok(Output {
            document: doc.to_string(),
            confidence: Some(detection.confidence as f32),
            warnings,
        })
    }
}

grace_guest::bindings::export!(LangModule with_types_in grace_guest::bindings);

#[cfg(test)]
mod tests {
    use super::*;

    fn run(data: &[u8], options: &str) -> Result<Output, Failure> {
        <LangModule as Guest>::run(Input {
            data: data.to_vec(),
            media_type: "text/plain".into(),
            options: options.into(),
        })
    }

    #[test]
    fn answers_and_fails_typed() {
        let out = run("Muchas gracias por su visita".as_bytes(), "{}").unwrap();
        let doc: serde_json::Value = serde_json::from_str(&out.document).unwrap();
        assert_eq!(doc["language"], "es");
        assert!(matches!(run(&[0xff], "{}"), Err(Failure::InvalidInput(m)) if m.contains("UTF-8")));
        assert!(
            matches!(run(b"hola", r#"{"languages": ["zz"]}"#), Err(Failure::InvalidInput(m)) if m.contains("zz"))
        );
    }
}
