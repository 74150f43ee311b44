//! Guest-side bindings of `wit/grace-module.wit`, generated once for every
//! component crate.
//!
//! A component crate implements [`Guest`] and exports it with
//! `grace_guest::bindings::export!(MyModule with_types_in grace_guest::bindings);`.

/// Bindings generated from the WIT world (in a module: the exported macro
/// must not be re-imported at the crate root).
pub mod bindings {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "module",
        pub_export_macro: true,
    });
}

pub mod zeroing_alloc;

pub use bindings::{Descriptor, Failure, Guest, Input, Output};

/// Parses the `options` JSON of an [`Input`] into an object (empty means `{}`).
pub fn options_object(
    options: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, Failure> {
    if options.trim().is_empty() {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_str::<serde_json::Value>(options) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(other) => Err(Failure::InvalidInput(format!(
            "options must be a JSON object, got {}",
            json_kind(&other)
        ))),
        Err(e) => Err(Failure::InvalidInput(format!(
            "options are not valid JSON: {e}"
        ))),
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
