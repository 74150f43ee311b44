//! Shared helpers for Grace's end-to-end tests and benchmarks.

pub mod invoice;
pub mod multilang;
pub mod pdf_bench;
pub mod pdf_samples;

use grace_ocr::{ModelFiles, OcrEngine, MODEL_FILE_NAMES};
use std::path::{Path, PathBuf};

/// The repository root (see [`grace_eval::datasets::workspace_root`]).
pub fn repo_root() -> PathBuf {
    grace_eval::datasets::workspace_root()
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
    let name = name.trim_end_matches(".wasm");
    let installed = repo_root().join(format!("modules/{name}.wasm"));
    if installed.exists() {
        return installed;
    }
    let built = built_component_path(name);
    assert!(
        built.exists(),
        "neither {} nor {} exists: run `cargo xtask setup`",
        installed.display(),
        built.display()
    );
    built
}

/// Path of module `name` as cargo builds it, before `cargo xtask setup`
/// installs it (pre-initialized, for `ocr`).
pub fn built_component_path(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    target.join(format!(
        "wasm32-wasip2/release/grace_{}_component.wasm",
        name.trim_end_matches(".wasm").replace('-', "_")
    ))
}

/// Loads module `name` (see [`component_path`]) with one warm instance and
/// the repository's compile cache.
pub async fn load_component(engine: &grace::GraceEngine, name: &str) -> grace::LoadedModule {
    load_component_file(engine, &component_path(name)).await
}

/// Loads the component at `path` with one warm instance and the repository's
/// compile cache.
pub async fn load_component_file(engine: &grace::GraceEngine, path: &Path) -> grace::LoadedModule {
    load_component_pooled(engine, path, 1).await
}

/// Loads the component at `path` with `pool_size` warm instances and the
/// repository's compile cache.
pub async fn load_component_pooled(
    engine: &grace::GraceEngine,
    path: &Path,
    pool_size: usize,
) -> grace::LoadedModule {
    let options = grace::LoadOptions {
        cache: grace::CompileCache::new(repo_root().join("data/cache")),
        pool_size,
        ..grace::LoadOptions::default()
    };
    grace::LoadedModule::load(engine, path, &options)
        .await
        .unwrap_or_else(|e| panic!("{} loads: {e}", path.display()))
}

/// Reads every image with native OCR on `threads` engines in parallel, keeping
/// the input order. Each engine is single-threaded, so on a shared CI box two
/// engines halve the wall time without changing a single output byte.
///
/// When `GRACE_OCR_CACHE` names a folder, outputs are stored there keyed by
/// the sha256 of the image bytes and the profile and reused on the next run:
/// it is still this OCR's real output, only not recomputed while the
/// extraction around it is being tuned. CI leaves it unset.
pub fn ocr_many(
    images: &[Vec<u8>],
    profile: grace_ocr::Profile,
    threads: usize,
) -> Vec<grace_ocr::OcrOutput> {
    use sha2::{Digest, Sha256};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let cache = std::env::var_os("GRACE_OCR_CACHE").map(PathBuf::from);
    let options = grace_ocr::OcrOptions::for_profile(profile);
    let profile_name = format!("{profile:?}").to_lowercase();
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<grace_ocr::OcrOutput>> = vec![None; images.len()];
    let slots = std::sync::Mutex::new(&mut results);
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1).min(images.len().max(1)) {
            scope.spawn(|| {
                let mut engine: Option<OcrEngine> = None;
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(bytes) = images.get(i) else { break };
                    let key = format!("{}-{profile_name}.json", hex::encode(Sha256::digest(bytes)));
                    let cached = cache
                        .as_ref()
                        .and_then(|dir| std::fs::read(dir.join(&key)).ok())
                        .and_then(|b| serde_json::from_slice(&b).ok());
                    let out = match cached {
                        Some(out) => out,
                        None => {
                            let engine = engine.get_or_insert_with(native_engine);
                            let out = engine.read(bytes, &options).expect("OCR reads the image");
                            if let Some(dir) = &cache {
                                std::fs::create_dir_all(dir).expect("cache folder");
                                std::fs::write(dir.join(&key), serde_json::to_vec(&out).unwrap())
                                    .expect("cache write");
                            }
                            out
                        }
                    };
                    slots.lock().expect("no panics while holding the lock")[i] = Some(out);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|o| o.expect("every image was read"))
        .collect()
}

/// Worker threads for OCR-heavy tests: `GRACE_TEST_THREADS`, default 2.
pub fn test_threads() -> usize {
    std::env::var("GRACE_TEST_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2)
}

/// The number after `name` on a command line (`--limit 30`), or `default`.
pub fn flag_value(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
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
