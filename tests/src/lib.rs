//! Shared helpers for Grace's end-to-end tests and benchmarks.

use grace_ocr::{ModelFiles, OcrEngine, MODEL_FILE_NAMES};
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repository")
        .to_path_buf()
}

/// A native OCR engine over the fetched models (`cargo xtask setup` fetches them).
pub fn native_engine() -> OcrEngine {
    let dir = repo_root().join("models/files");
    let read = |name: &str| {
        std::fs::read(dir.join(name)).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run `cargo xtask setup` first",
                dir.join(name).display()
            )
        })
    };
    let [det, rec, cls, keys] = MODEL_FILE_NAMES.map(read);
    OcrEngine::new(&ModelFiles {
        detection: &det,
        recognition: &rec,
        orientation: &cls,
        keys: &keys,
    })
    .expect("the models load")
}

/// Encodes an RGB image as PNG bytes.
pub fn png_bytes(image: &image::RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("PNG encoding");
    out
}

/// Prints a skip notice in the form test logs and CI scrapers recognise.
pub fn report_skip(test: &str, reason: &str) {
    println!("SKIPPED {test}: {reason}");
    eprintln!("SKIPPED {test}: {reason}");
}

/// Loads `modules/ocr.wasm` (installed by `cargo xtask setup`) with one warm
/// instance and the repository's compile cache.
pub async fn load_ocr_component(engine: &grace::GraceEngine) -> grace::LoadedModule {
    load_component(engine, "ocr").await
}

/// Path of module `name`: `modules/<name>.wasm` as `cargo xtask setup`
/// installs it, else the freshly built component in the target directory
/// (so a branch can test a module before setup installs it).
pub fn component_path(name: &str) -> PathBuf {
    let installed = repo_root().join(format!("modules/{name}.wasm"));
    if installed.exists() {
        return installed;
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    let built = target.join(format!(
        "wasm32-wasip2/release/grace_{}_component.wasm",
        name.replace('-', "_")
    ));
    assert!(
        built.exists(),
        "neither {} nor {} exists: run `cargo xtask setup`",
        installed.display(),
        built.display()
    );
    built
}

/// Loads module `name` (see [`component_path`]) with one warm instance and
/// the repository's compile cache.
pub async fn load_component(engine: &grace::GraceEngine, name: &str) -> grace::LoadedModule {
    let options = grace::LoadOptions {
        cache: grace::CompileCache::new(repo_root().join("data/cache")),
        pool_size: 1,
        ..grace::LoadOptions::default()
    };
    grace::LoadedModule::load(engine, &component_path(name), &options)
        .await
        .unwrap_or_else(|e| panic!("{name}.wasm loads: {e}"))
}

/// Checks `value` against the subset of JSON Schema (draft 2020-12) that
/// module descriptors use: `type`, `enum`, `const`, `properties`,
/// `additionalProperties: false`, `required`, `minProperties`,
/// `maxProperties`, `items`, `minItems`, `uniqueItems`, `minimum`,
/// `maximum`, `exclusiveMinimum`, `minLength`, `maxLength`. Any other keyword is an error,
/// so a schema cannot silently claim more than this checks.
pub fn validate_schema(
    schema: &serde_json::Value,
    value: &serde_json::Value,
) -> Result<(), String> {
    use serde_json::Value;
    let Some(s) = schema.as_object() else {
        return Err(format!("schema {schema} is not an object"));
    };
    let type_name = |v: &Value| match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let num = |k: &str| s.get(k).and_then(Value::as_f64);
    for (keyword, arg) in s {
        let ok = match keyword.as_str() {
            "$schema" | "title" | "description" | "default" | "contentEncoding"
            | "contentMediaType" => true,
            "type" => {
                let t = type_name(value);
                let allowed: Vec<&str> = match arg {
                    Value::String(one) => vec![one.as_str()],
                    Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                    _ => return Err(format!("bad type keyword {arg}")),
                };
                allowed.contains(&t) || (t == "integer" && allowed.contains(&"number"))
            }
            "enum" => arg.as_array().is_some_and(|a| a.contains(value)),
            "const" => arg == value,
            "minimum" => value
                .as_f64()
                .is_none_or(|v| v >= num(keyword).unwrap_or(v)),
            "maximum" => value
                .as_f64()
                .is_none_or(|v| v <= num(keyword).unwrap_or(v)),
            "exclusiveMinimum" => value
                .as_f64()
                .is_none_or(|v| v > num(keyword).unwrap_or(v - 1.0)),
            "minLength" => value
                .as_str()
                .is_none_or(|v| v.chars().count() as u64 >= arg.as_u64().unwrap_or(0)),
            "maxLength" => value
                .as_str()
                .is_none_or(|v| v.chars().count() as u64 <= arg.as_u64().unwrap_or(u64::MAX)),
            "minItems" => value
                .as_array()
                .is_none_or(|a| a.len() as u64 >= arg.as_u64().unwrap_or(0)),
            "uniqueItems" => value.as_array().is_none_or(|a| {
                arg != &Value::Bool(true) || a.iter().enumerate().all(|(i, x)| !a[..i].contains(x))
            }),
            "minProperties" => value
                .as_object()
                .is_none_or(|o| o.len() as u64 >= arg.as_u64().unwrap_or(0)),
            "maxProperties" => value
                .as_object()
                .is_none_or(|o| o.len() as u64 <= arg.as_u64().unwrap_or(u64::MAX)),
            "required" => value.as_object().is_none_or(|o| {
                arg.as_array().is_some_and(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .all(|k| o.contains_key(k))
                })
            }),
            "items" => {
                for item in value.as_array().into_iter().flatten() {
                    validate_schema(arg, item)?;
                }
                true
            }
            "properties" => {
                for (k, v) in value.as_object().into_iter().flatten() {
                    if let Some(sub) = arg.get(k) {
                        validate_schema(sub, v).map_err(|e| format!("{k}: {e}"))?;
                    }
                }
                true
            }
            "additionalProperties" => value.as_object().is_none_or(|o| {
                arg != &Value::Bool(false)
                    || o.keys()
                        .all(|k| s.get("properties").and_then(|p| p.get(k)).is_some())
            }),
            other => {
                return Err(format!(
                    "keyword {other:?} is not supported by this checker"
                ))
            }
        };
        if !ok {
            return Err(format!("{value} fails {keyword}: {arg}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::validate_schema;
    use serde_json::json;

    #[test]
    fn schema_subset() {
        let s = json!({"type": "object", "properties": {"a": {"type": "integer", "minimum": 1},
            "b": {"enum": ["x", "y"]}}, "additionalProperties": false});
        assert!(validate_schema(&s, &json!({"a": 2, "b": "x"})).is_ok());
        assert!(validate_schema(&s, &json!({"a": 0})).is_err());
        assert!(validate_schema(&s, &json!({"a": 1.5})).is_err());
        assert!(validate_schema(&s, &json!({"c": 1})).is_err());
        assert!(validate_schema(&s, &json!({"b": "z"})).is_err());
        assert!(validate_schema(&json!({"oneOf": []}), &json!(1)).is_err());
    }
}
