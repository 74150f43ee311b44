//! The contract v1.2 envelope (seed 002 §3): reading a request envelope and
//! building the response every run route answers with.

use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::service::{ExecError, Execution, StepTrace, Target};

/// The contract version spoken.
pub const CONTRACT_VERSION: &str = "1.2";

/// What a client's request envelope contributes to a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestEnvelope {
    /// The caller's trace id (kept, so a workflow's trace runs through Grace).
    pub trace_id: Option<String>,
    /// The caller's parent trace id.
    pub parent_trace_id: Option<String>,
    /// The caller's step id.
    pub step_id: Option<String>,
    /// Time to live in milliseconds, counted from when the host accepts the
    /// request (client clocks are not trusted): past it the answer is TIMEOUT.
    pub ttl_ms: Option<u64>,
    /// The payload bytes (decoded), or None for `encoding: url`.
    pub content: Option<Vec<u8>>,
    /// `payload.content` when `encoding` is `url`.
    pub url: Option<String>,
    /// Options (`options` at the top level, or `payload.options`).
    pub options: Map<String, Value>,
}

/// Why a request envelope is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EnvelopeError(pub String);

/// The rule for ids a client chooses (`X-Trace-Id`, the envelope's
/// `trace_id`): they reach logs and stored jobs, so short printable ASCII only.
pub fn is_valid_trace_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.chars().all(|c| c.is_ascii_graphic())
}

/// True when a JSON body is a contract envelope rather than a plain `{"file": ...}` request.
pub fn is_envelope(body: &Value) -> bool {
    body.get("contract_version").is_some() || body.get("payload").is_some()
}

/// Reads a contract v1.2 request envelope.
pub fn parse_request(body: &Value) -> Result<RequestEnvelope, EnvelopeError> {
    let err = |m: &str| EnvelopeError(m.to_string());
    if let Some(v) = body.get("contract_version") {
        let v = v
            .as_str()
            .ok_or_else(|| err("contract_version must be a string such as \"1.2\""))?;
        if !v.starts_with("1.") {
            return Err(EnvelopeError(format!(
                "contract_version {v:?} is not supported (this host speaks {CONTRACT_VERSION})"
            )));
        }
    }
    let env = body.get("envelope").cloned().unwrap_or(Value::Null);
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let payload = body
        .get("payload")
        .and_then(Value::as_object)
        .ok_or_else(|| err("the envelope has no payload object"))?;
    let encoding = payload
        .get("encoding")
        .and_then(Value::as_str)
        .unwrap_or("base64");
    let content = payload
        .get("content")
        .and_then(Value::as_str)
        .ok_or_else(|| err("payload.content must be a string"))?;
    let (bytes, url) = match encoding {
        "base64" => (Some(decode_base64(content).map_err(EnvelopeError)?), None),
        "utf-8" | "utf8" | "text" => (Some(content.as_bytes().to_vec()), None),
        "url" => (None, Some(content.to_string())),
        other => {
            return Err(EnvelopeError(format!(
                "payload.encoding {other:?} is not one of base64, utf-8, url"
            )))
        }
    };
    if let (Some(bytes), Some(expected)) =
        (&bytes, payload.get("content_hash").and_then(Value::as_str))
    {
        let expected = expected.trim_start_matches("sha256:").to_ascii_lowercase();
        let actual = crate::sha256_hex(bytes);
        if expected != actual {
            return Err(EnvelopeError(format!(
                "payload.content_hash {expected} does not match the content's sha256 {actual}"
            )));
        }
    }
    let mut options = Map::new();
    for src in [payload.get("options"), body.get("options")]
        .into_iter()
        .flatten()
    {
        match src {
            Value::Object(o) => options.extend(o.clone()),
            _ => return Err(err("options must be a JSON object")),
        }
    }
    let id = |k: &str| match text(&env, k) {
        Some(v) if !is_valid_trace_id(&v) => Err(EnvelopeError(format!(
            "envelope.{k} must be 1 to 128 printable ASCII characters"
        ))),
        other => Ok(other),
    };
    Ok(RequestEnvelope {
        trace_id: id("trace_id")?,
        parent_trace_id: id("parent_trace_id")?,
        step_id: id("step_id")?,
        ttl_ms: env.get("ttl_ms").and_then(Value::as_u64),
        content: bytes,
        url,
        options,
    })
}

/// Decodes standard or URL-safe base64, with or without padding or a `data:` prefix.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    let body = match text.strip_prefix("data:") {
        Some(rest) => rest.split_once(',').map(|(_, b)| b).unwrap_or(""),
        None => text,
    };
    let clean: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let engines = [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines
        .iter()
        .find_map(|e| e.decode(&clean).ok())
        .ok_or_else(|| "the file is not valid base64".to_string())
}

/// Identity and timing of one answered request.
#[derive(Debug, Clone)]
pub struct RunContext {
    /// Trace id (the caller's, or a new one).
    pub trace_id: String,
    /// Parent trace id from the caller.
    pub parent_trace_id: Option<String>,
    /// This step's id.
    pub step_id: String,
    /// sha256(input + target sha256 + canonical options).
    pub idempotency_key: String,
    /// When the request arrived (ms since epoch).
    pub started_ms: i64,
}

/// The idempotency key: sha256 over the input, the code that runs and the canonical options.
pub fn idempotency_key(data: &[u8], target_sha256: &str, options: &Map<String, Value>) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(sha2::Sha256::digest(data));
    h.update(target_sha256.as_bytes());
    h.update(crate::canonical_json(&Value::Object(options.clone())).as_bytes());
    hex::encode(h.finalize())
}

fn envelope_block(ctx: &RunContext, ended_ms: i64) -> Value {
    json!({
        "trace_id": ctx.trace_id,
        "parent_trace_id": ctx.parent_trace_id,
        "step_id": ctx.step_id,
        "idempotency_key": ctx.idempotency_key,
        "timestamp_init": rfc3339_ms(ctx.started_ms),
        "timestamp_end": rfc3339_ms(ended_ms),
    })
}

fn status_block(code: &str, target: &Target) -> Value {
    json!({
        "code": code,
        "module": target.name(),
        "version": target.version(),
        "module_instance": format!("{}@{}", target.name(), target.version()),
        "fallback_level_used": 0,
        "tier_used": "TIER_1_LOCAL",
    })
}

fn metadata_block(target: &Target, processing_ms: u64) -> Value {
    json!({
        "module": target.name(),
        "version": target.version(),
        "sha256": target.sha256(),
        "processing_ms": processing_ms,
        "retries": 0,
        "cached": false,
    })
}

/// `true`/`false` when the result carries `validations` (any `fail` → false), else null.
pub fn validation_passed(data: &Value) -> Value {
    match data.get("validations") {
        Some(Value::Array(checks)) if !checks.is_empty() => Value::Bool(
            !checks
                .iter()
                .any(|c| c.get("status").and_then(Value::as_str) == Some("fail")),
        ),
        Some(Value::Object(checks)) if !checks.is_empty() => Value::Bool(
            !checks
                .values()
                .any(|c| c.get("status").and_then(Value::as_str) == Some("fail")),
        ),
        _ => Value::Null,
    }
}

fn traces_json(trace: &[StepTrace]) -> Value {
    serde_json::to_value(trace).unwrap_or(Value::Array(Vec::new()))
}

/// The answer for a successful run.
pub fn success(ctx: &RunContext, target: &Target, exec: &Execution, ended_ms: i64) -> Value {
    let processing_ms = exec.trace.iter().map(|t| t.processing_ms).sum::<u64>();
    let code = if exec.warnings.is_empty() {
        "SUCCESS"
    } else {
        "PARTIAL"
    };
    json!({
        "contract_version": CONTRACT_VERSION,
        "envelope": envelope_block(ctx, ended_ms),
        "status": status_block(code, target),
        "result": {"schema": target.name(), "data": exec.data},
        "quality": {
            "confidence": exec.confidence.map(|c| (c as f64 * 10_000.0).round() / 10_000.0),
            "coverage": 1.0,
            "validation_passed": validation_passed(&exec.data),
        },
        "metadata": metadata_block(target, processing_ms),
        "trace": traces_json(&exec.trace),
        "errors": [],
        "warnings": exec.warnings,
    })
}

/// The answer for a failed run (the HTTP error object is added beside it).
pub fn failure(
    ctx: &RunContext,
    target: &Target,
    err: &ExecError,
    code: &str,
    ended_ms: i64,
) -> Value {
    let status = if err.is_timeout() { "TIMEOUT" } else { "ERROR" };
    let processing_ms = err.trace().iter().map(|t| t.processing_ms).sum::<u64>();
    json!({
        "contract_version": CONTRACT_VERSION,
        "envelope": envelope_block(ctx, ended_ms),
        "status": status_block(status, target),
        "result": null,
        "quality": {"confidence": null, "coverage": 0.0, "validation_passed": null},
        "metadata": metadata_block(target, processing_ms),
        "trace": traces_json(err.trace()),
        "errors": [{"code": code, "message": err.to_string()}],
        "warnings": [],
    })
}

/// A stored answer re-issued for a new request: new envelope ids and times, `metadata.cached = true`.
pub fn reissue(stored: &str, ctx: &RunContext, ended_ms: i64) -> Option<Value> {
    let mut v: Value = serde_json::from_str(stored).ok()?;
    let obj = v.as_object_mut()?;
    obj.insert("envelope".into(), envelope_block(ctx, ended_ms));
    if let Some(Value::Object(meta)) = obj.get_mut("metadata") {
        meta.insert("cached".into(), Value::Bool(true));
        meta.insert("processing_ms".into(), Value::from(0));
    }
    Some(v)
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for milliseconds since the Unix epoch (UTC).
pub fn rfc3339_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_ms(1_764_585_000_450), "2025-12-01T10:30:00.450Z");
        assert_eq!(rfc3339_ms(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn reads_a_full_request_envelope() {
        let body = json!({
            "contract_version": "1.2",
            "profile": "FULL",
            "envelope": {"trace_id": "t-1", "step_id": "s-1", "ttl_ms": 30000},
            "payload": {"type": "document", "encoding": "base64", "content": "aGVsbG8=",
                        "content_hash": crate::sha256_hex(b"hello")},
            "options": {"profile": "fast"}
        });
        assert!(is_envelope(&body));
        let env = parse_request(&body).unwrap();
        assert_eq!(env.trace_id.as_deref(), Some("t-1"));
        for bad in ["", "has space", "new\nline", "x".repeat(129).as_str()] {
            let mut body = body.clone();
            body["envelope"]["trace_id"] = json!(bad);
            assert!(parse_request(&body).is_err(), "{bad:?} accepted");
        }
        assert_eq!(env.content.as_deref(), Some(&b"hello"[..]));
        assert_eq!(env.options["profile"], "fast");
        assert_eq!(env.ttl_ms, Some(30000));
    }

    #[test]
    fn refuses_bad_envelopes_with_reasons() {
        let bad_hash = json!({"payload": {"content": "aGVsbG8=", "content_hash": "00"}});
        assert!(parse_request(&bad_hash)
            .unwrap_err()
            .0
            .contains("content_hash"));
        let no_payload = json!({"contract_version": "1.2"});
        assert!(parse_request(&no_payload)
            .unwrap_err()
            .0
            .contains("payload"));
        let v2 = json!({"contract_version": "2.0", "payload": {"content": ""}});
        assert!(parse_request(&v2).unwrap_err().0.contains("not supported"));
        let enc = json!({"payload": {"content": "x", "encoding": "rot13"}});
        assert!(parse_request(&enc).unwrap_err().0.contains("rot13"));
    }

    #[test]
    fn base64_variants() {
        for s in ["aGk=", "aGk", "data:text/plain;base64,aGk=", "aG\nk="] {
            assert_eq!(decode_base64(s).unwrap(), b"hi", "{s}");
        }
        assert!(decode_base64("***").is_err());
    }

    #[test]
    fn idempotency_key_ignores_option_order() {
        let a: Map<String, Value> = serde_json::from_str(r#"{"a":1,"b":2}"#).unwrap();
        let b: Map<String, Value> = serde_json::from_str(r#"{"b":2,"a":1}"#).unwrap();
        assert_eq!(
            idempotency_key(b"x", "m", &a),
            idempotency_key(b"x", "m", &b)
        );
        assert_ne!(
            idempotency_key(b"x", "m", &a),
            idempotency_key(b"y", "m", &a)
        );
    }
}
