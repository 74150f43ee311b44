//! The hash module as a WebAssembly component (placeholder wiring).
use grace_guest::{Descriptor, Failure, Guest, Input, Output};

struct HashModule;

impl Guest for HashModule {
    fn describe() -> Descriptor {
        Descriptor {
            name: "hash".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "hashes".into(),
            media_types: vec!["*/*".into()],
            options_schema: "{}".into(),
            output_schema: "{}".into(),
        }
    }
    fn run(input: Input) -> Result<Output, Failure> {
        Ok(Output {
            document: format!("{{\"len\":{}}}", input.data.len()),
            confidence: None,
            warnings: vec![],
        })
    }
}

grace_guest::bindings::export!(HashModule with_types_in grace_guest::bindings);
