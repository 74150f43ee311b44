//! The `hash` module as a WebAssembly component: any bytes in, hex digests
//! out (sha256, sha512, blake2b, blake3), optionally over the canonical form
//! of a JSON input so key order and whitespace do not change the hash.

use grace_guest::{Descriptor, Failure, Guest, Input, Output};
use grace_hash::{canonicalize_json_bytes, Algorithm};
use serde_json::{json, Map, Value};

/// The exported module.
pub struct HashModule;

/// Parsed and validated options of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashOptions {
    /// Algorithms to compute, in request order, no duplicates.
    pub algorithms: Vec<Algorithm>,
    /// Canonicalize the input as JSON before hashing.
    pub canonical_json: bool,
}

/// JSON Schema of the options object.
pub fn options_schema() -> Value {
    let names: Vec<&str> = Algorithm::ALL.iter().map(|a| a.name()).collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "hash options",
        "type": "object",
        "properties": {
            "algorithms": {
                "description": "Digests to compute.",
                "type": "array",
                "items": { "enum": names },
                "minItems": 1,
                "uniqueItems": true,
                "default": ["sha256"]
            },
            "canonical_json": {
                "description": "Parse the input as JSON and hash its canonical form (keys sorted recursively, no whitespace).",
                "type": "boolean",
                "default": false
            }
        },
        "additionalProperties": false
    })
}

/// JSON Schema of the output document.
pub fn output_schema() -> Value {
    let mut props = Map::new();
    for alg in Algorithm::ALL {
        props.insert(
            alg.name().to_string(),
            json!({
                "description": format!("Lowercase hex {} digest.", alg.name()),
                "type": "string",
                "pattern": format!("^[0-9a-f]{{{}}}$", alg.output_len() * 2)
            }),
        );
    }
    props.insert(
        "bytes".into(),
        json!({
            "description": "Number of bytes hashed (of the canonical form when canonical_json is set).",
            "type": "integer",
            "minimum": 0
        }),
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "hash output",
        "type": "object",
        "properties": props,
        "required": ["bytes"],
        "minProperties": 2,
        "additionalProperties": false
    })
}

/// Parses the options JSON text into [`HashOptions`].
pub fn parse_options(options: &str) -> Result<HashOptions, Failure> {
    let map = grace_guest::options_object(options)?;
    parse_options_map(&map)
}

fn parse_options_map(map: &Map<String, Value>) -> Result<HashOptions, Failure> {
    let mut out = HashOptions {
        algorithms: vec![Algorithm::Sha256],
        canonical_json: false,
    };
    for (key, value) in map {
        match key.as_str() {
            "algorithms" => {
                let items = value.as_array().ok_or_else(|| {
                    invalid("option \"algorithms\" must be an array of algorithm names".into())
                })?;
                if items.is_empty() {
                    return Err(invalid(format!(
                        "option \"algorithms\" must not be empty (known: {})",
                        known_names()
                    )));
                }
                let mut algs = Vec::with_capacity(items.len());
                for item in items {
                    let name = item.as_str().ok_or_else(|| {
                        invalid(format!(
                            "option \"algorithms\" must contain strings, got {item}"
                        ))
                    })?;
                    let alg = Algorithm::ALL
                        .into_iter()
                        .find(|a| a.name() == name)
                        .ok_or_else(|| {
                            invalid(format!(
                                "unknown algorithm {name:?} in option \"algorithms\" (known: {})",
                                known_names()
                            ))
                        })?;
                    if algs.contains(&alg) {
                        return Err(invalid(format!(
                            "algorithm {name:?} is listed twice in option \"algorithms\""
                        )));
                    }
                    algs.push(alg);
                }
                out.algorithms = algs;
            }
            "canonical_json" => {
                out.canonical_json = value.as_bool().ok_or_else(|| {
                    invalid(format!(
                        "option \"canonical_json\" must be true or false, got {value}"
                    ))
                })?;
            }
            #[cfg(feature = "test-hooks")]
            k if k.starts_with("debug_") => {}
            other => {
                return Err(invalid(format!(
                    "unknown option {other:?} (known: \"algorithms\", \"canonical_json\")"
                )))
            }
        }
    }
    Ok(out)
}

fn known_names() -> String {
    Algorithm::ALL
        .iter()
        .map(|a| a.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn invalid(msg: String) -> Failure {
    Failure::InvalidInput(msg)
}

/// Hashes `data` as the options say and returns the output document.
pub fn hash_document(data: &[u8], opts: &HashOptions) -> Result<Value, Failure> {
    let canonical;
    let bytes: &[u8] = if opts.canonical_json {
        canonical = canonicalize_json_bytes(data).map_err(|e| {
            invalid(format!(
                "option canonical_json is set but the input is not JSON: {e}"
            ))
        })?;
        &canonical
    } else {
        data
    };
    let mut doc = Map::new();
    for alg in &opts.algorithms {
        doc.insert(alg.name().to_string(), Value::String(alg.hex_digest(bytes)));
    }
    doc.insert("bytes".into(), Value::from(bytes.len() as u64));
    Ok(Value::Object(doc))
}

/// The version `describe()` reports; a test-hooks build says so, which
/// also gives the host's hot-swap tests two versions of one module.
#[cfg(not(feature = "test-hooks"))]
const VERSION: &str = env!("CARGO_PKG_VERSION");
#[cfg(feature = "test-hooks")]
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+test-hooks");

impl Guest for HashModule {
    fn describe() -> Descriptor {
        Descriptor {
            name: "hash".into(),
            version: VERSION.into(),
            summary: "Stable sha256 / sha512 / blake2b / blake3 digests of any bytes, optionally of canonical JSON".into(),
            media_types: vec!["*/*".into()],
            options_schema: options_schema().to_string(),
            output_schema: output_schema().to_string(),
        }
    }

    fn run(input: Input) -> Result<Output, Failure> {
        #[cfg(feature = "test-hooks")]
        if let Some(doc) = test_hooks::run(&input.data, &input.options)? {
            return Ok(Output {
                document: doc.to_string(),
                confidence: None,
                warnings: vec![],
            });
        }
        let opts = parse_options(&input.options)?;
        let doc = hash_document(&input.data, &opts)?;
        Ok(Output {
            document: doc.to_string(),
            confidence: None,
            warnings: vec![],
        })
    }
}

#[cfg(feature = "test-hooks")]
mod test_hooks {
    //! Hidden options for the host's tests; compiled only with `test-hooks`.
    use super::*;

    pub fn run(data: &[u8], options: &str) -> Result<Option<Value>, Failure> {
        let map = grace_guest::options_object(options)?;
        // Allocated (and touched) first, so a spinning call holds it.
        let held = map
            .get("debug_alloc_mib")
            .and_then(Value::as_u64)
            .map(|mib| vec![1u8; (mib as usize) << 20]);
        if map.get("debug_spin").and_then(Value::as_bool) == Some(true) {
            let mut x: u64 = 0;
            loop {
                x = std::hint::black_box(x.wrapping_add(1));
                std::hint::black_box(&held);
            }
        }
        if map.get("debug_trap").and_then(Value::as_bool) == Some(true) {
            panic!("debug_trap requested");
        }
        if let Some(mib) = map.get("debug_work_mib").and_then(Value::as_u64) {
            // Deterministic CPU work (the guest has no real clock to sleep on).
            let block = vec![7u8; 1 << 20];
            let mut digest = String::new();
            for _ in 0..mib {
                digest = grace_hash::sha256_hex(&block);
            }
            // The input's own digest too, so a batch of work jobs over
            // different bytes has a different, checkable result per job.
            return Ok(Some(json!({
                "worked_mib": mib,
                "digest": digest,
                "sha256": grace_hash::sha256_hex(data),
                "bytes": data.len(),
            })));
        }
        if let Some(v) = held {
            return Ok(Some(json!({ "allocated": v.len() })));
        }
        if map.get("debug_env").and_then(Value::as_bool) == Some(true) {
            use std::hash::{BuildHasher, Hasher};
            let wall = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0);
            let t0 = std::time::Instant::now();
            let elapsed = t0.elapsed().as_nanos() as u64;
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(42);
            return Ok(Some(json!({
                "env": std::env::vars().count(),
                "args": std::env::args().count(),
                "cwd_readable": std::fs::read_dir(".").is_ok(),
                "root_readable": std::fs::read_dir("/").is_ok(),
                "wall_ns": wall,
                "elapsed_ns": elapsed,
                "random_hash": h.finish(),
            })));
        }
        Ok(None)
    }
}

grace_guest::bindings::export!(HashModule with_types_in grace_guest::bindings);

#[cfg(test)]
mod tests {
    use super::*;

    fn run(data: &[u8], options: &str) -> Result<Value, Failure> {
        let out = <HashModule as Guest>::run(Input {
            data: data.to_vec(),
            media_type: "application/octet-stream".into(),
            options: options.into(),
        })?;
        Ok(serde_json::from_str(&out.document).unwrap())
    }

    fn failure_message(r: Result<Value, Failure>) -> String {
        match r {
            Err(Failure::InvalidInput(m)) => m,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn default_is_sha256() {
        let v = run(b"abc", "{}").unwrap();
        assert_eq!(
            v,
            json!({"sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "bytes": 3})
        );
        assert_eq!(run(b"abc", "").unwrap(), v);
    }

    #[test]
    fn all_algorithms() {
        let v = run(
            b"",
            r#"{"algorithms":["blake3","sha512","blake2b","sha256"]}"#,
        )
        .unwrap();
        let obj = v.as_object().unwrap();
        assert_eq!(obj.len(), 5);
        assert_eq!(obj["bytes"], 0);
        assert!(obj["blake3"].as_str().unwrap().starts_with("af1349b9"));
    }

    #[test]
    fn canonical_json_ignores_key_order() {
        let o = r#"{"canonical_json": true}"#;
        let a = run(br#"{"b":1,"a":[1,2]}"#, o).unwrap();
        let b = run(b"{ \"a\" : [1, 2],\n \"b\" : 1 }", o).unwrap();
        assert_eq!(a, b);
        assert_ne!(run(br#"{"b":1,"a":[1,2]}"#, "{}").unwrap(), a);
    }

    #[test]
    fn bad_options_are_invalid_input() {
        assert!(failure_message(run(b"x", r#"{"canonical_json": true}"#)).contains("not JSON"));
        assert!(failure_message(run(b"x", r#"{"algorithms": ["md5"]}"#)).contains("md5"));
        assert!(failure_message(run(b"x", r#"{"algorithms": []}"#)).contains("empty"));
        assert!(failure_message(run(b"x", r#"{"algorithms": "sha256"}"#)).contains("array"));
        assert!(
            failure_message(run(b"x", r#"{"canonical_json": "yes"}"#)).contains("true or false")
        );
        assert!(failure_message(run(b"x", r#"{"colour": 1}"#)).contains("unknown option"));
        assert!(failure_message(run(b"x", r#"[1]"#)).contains("JSON object"));
        assert!(failure_message(run(b"x", r#"{"#)).contains("not valid JSON"));
        assert!(
            failure_message(run(b"x", r#"{"algorithms": ["sha256","sha256"]}"#)).contains("twice")
        );
    }

    #[cfg(not(feature = "test-hooks"))]
    #[test]
    fn production_build_has_no_debug_options() {
        let msg = failure_message(run(b"x", r#"{"debug_spin": true}"#));
        assert!(msg.contains("unknown option"), "{msg}");
    }

    #[test]
    fn describe_has_real_schemas() {
        let d = <HashModule as Guest>::describe();
        assert_eq!(d.name, "hash");
        let s: Value = serde_json::from_str(&d.options_schema).unwrap();
        assert_eq!(s["properties"]["algorithms"]["items"]["enum"][2], "blake2b");
        let o: Value = serde_json::from_str(&d.output_schema).unwrap();
        assert_eq!(o["properties"]["sha512"]["pattern"], "^[0-9a-f]{128}$");
    }
}
