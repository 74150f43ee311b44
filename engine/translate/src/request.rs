//! Incoming payloads → the contract v1.2 request envelope.
//!
//! Three shapes come in: a v1.2 envelope (checked and completed), the
//! host's bare JSON upload (`{"file": base64, "filename", "options"}`), and
//! legacy payloads of earlier Grace clients (see `MAPPINGS.md`).

use crate::{TranslateError, CONTRACT_VERSION};
use base64::Engine as _;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// Keys a legacy payload may carry its base64 file under, in priority order.
const LEGACY_FILE_KEYS: &[&str] = &[
    "file",
    "image",
    "image_base64",
    "file_base64",
    "data",
    "content",
];
/// Keys a legacy payload may carry a file name under.
const FILENAME_KEYS: &[&str] = &["filename", "file_name", "name"];
/// Legacy option keys and the option each becomes.
const LEGACY_OPTION_KEYS: &[(&str, &str)] = &[
    ("profile", "profile"),
    ("perfil", "profile"),
    ("lang", "lang"),
    ("idioma", "lang"),
];
/// Largest base64 content accepted (≈ 50 MiB decoded, the host's upload limit).
pub const MAX_CONTENT_CHARS: usize = 70 * 1024 * 1024;

/// Payload types of the contract, by file name extension.
fn payload_type(filename: Option<&str>, media_type: Option<&str>) -> &'static str {
    let ext = filename
        .and_then(|f| f.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase());
    match (media_type, ext.as_deref()) {
        (Some(m), _) if m.starts_with("image/") => "image",
        (Some("application/pdf"), _) | (_, Some("pdf")) => "document",
        (Some(m), _) if m.starts_with("text/") => "text",
        (_, Some("png" | "jpg" | "jpeg" | "tif" | "tiff" | "webp" | "bmp" | "gif")) => "image",
        (_, Some("txt")) => "text",
        (_, Some("json")) => "structured",
        _ => "document",
    }
}

/// Media type by extension, for payloads that name their file.
fn media_type_of(filename: &str) -> Option<&'static str> {
    let ext = filename.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "tif" | "tiff" => "image/tiff",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        "gif" => "image/gif",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "json" => "application/json",
        _ => return None,
    })
}

/// A stable UUID-shaped id from a hash, for requests that bring none: the
/// sandbox has no randomness, and the same request should get the same id.
fn derived_id(seed: &[u8], salt: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(seed);
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    // Version 8 (custom) and the RFC 9562 variant bits.
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &x[0..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}

/// Decodes base64 content (standard or URL-safe, padding optional, a
/// `data:` URL prefix allowed); returns the bytes and the data URL's media type.
pub fn decode_content(content: &str) -> Result<(Vec<u8>, Option<String>), TranslateError> {
    if content.len() > MAX_CONTENT_CHARS {
        return Err(TranslateError::InvalidInput(format!(
            "the base64 content is {} characters, over the limit of {MAX_CONTENT_CHARS}",
            content.len()
        )));
    }
    let (media, b64) = match content.strip_prefix("data:") {
        Some(rest) => {
            let (head, body) = rest.split_once(',').ok_or_else(|| {
                TranslateError::InvalidInput("the data: URL has no comma before its content".into())
            })?;
            let media = head.strip_suffix(";base64").ok_or_else(|| {
                TranslateError::InvalidInput("only base64 data: URLs are accepted".into())
            })?;
            (Some(media.to_string()).filter(|m| !m.is_empty()), body)
        }
        None => (None, content),
    };
    let cleaned: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let trimmed = cleaned.trim_end_matches('=');
    let engines = [
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    let mut last_error = None;
    for engine in engines {
        match engine.decode(trimmed) {
            Ok(bytes) => return Ok((bytes, media)),
            Err(e) => last_error = Some(e),
        }
    }
    Err(TranslateError::InvalidInput(format!(
        "the content is not valid base64: {}",
        last_error.expect("two engines tried")
    )))
}

/// Normalizes any accepted incoming payload into a v1.2 request envelope.
/// `module` (a module or pipeline name) fills `routing.module` when the
/// payload does not name one.
pub fn normalize_request(payload: &Value, module: Option<&str>) -> Result<Value, TranslateError> {
    let obj = payload
        .as_object()
        .ok_or_else(|| TranslateError::InvalidInput("a request must be a JSON object".into()))?;
    if let Some(version) = obj.get("contract_version") {
        return complete_envelope(obj, version, module);
    }
    let options = match obj.get("options") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(other) => {
            return Err(TranslateError::InvalidInput(format!(
                "\"options\" must be a JSON object, got {other}"
            )))
        }
    };
    let mut options = options;
    for (legacy, option) in LEGACY_OPTION_KEYS {
        if let Some(v) = obj.get(*legacy) {
            options
                .entry(option.to_string())
                .or_insert_with(|| v.clone());
        }
    }
    let filename = FILENAME_KEYS
        .iter()
        .find_map(|k| obj.get(*k).and_then(Value::as_str));
    let payload = if let Some((key, content)) = LEGACY_FILE_KEYS
        .iter()
        .find_map(|k| obj.get(*k).and_then(Value::as_str).map(|v| (*k, v)))
    {
        let (bytes, data_media) = decode_content(content).map_err(|e| match e {
            TranslateError::InvalidInput(m) => {
                TranslateError::InvalidInput(format!("\"{key}\": {m}"))
            }
            other => other,
        })?;
        let media = data_media.or_else(|| filename.and_then(media_type_of).map(String::from));
        json!({
            "type": payload_type(filename, media.as_deref()),
            "encoding": "base64",
            "content": content.split_once(',').filter(|_| content.starts_with("data:")).map_or(content, |(_, b)| b),
            "content_hash": hex::encode(Sha256::digest(&bytes)),
            "filename": filename,
            "media_type": media,
            "bytes": bytes.len(),
        })
    } else if let Some(text) = obj.get("text").and_then(Value::as_str) {
        json!({
            "type": "text",
            "encoding": "utf-8",
            "content": text,
            "content_hash": hex::encode(Sha256::digest(text.as_bytes())),
            "filename": filename,
            "media_type": "text/plain",
            "bytes": text.len(),
        })
    } else if let Some(url) = obj
        .get("file_url")
        .or_else(|| obj.get("url"))
        .and_then(Value::as_str)
    {
        json!({
            "type": payload_type(Some(url), None),
            "encoding": "url",
            "content": url,
            "content_hash": null,
            "filename": filename.or_else(|| url.rsplit('/').next()),
            "media_type": media_type_of(url),
            "bytes": null,
        })
    } else {
        let mut keys: Vec<&str> = LEGACY_FILE_KEYS.to_vec();
        keys.extend(["text", "file_url", "url", "contract_version"]);
        return Err(TranslateError::InvalidInput(format!(
            "the request carries no document: expected one of {} (or a contract v1.2 envelope)",
            keys.join(", ")
        )));
    };
    let seed = payload["content_hash"]
        .as_str()
        .or_else(|| payload["content"].as_str())
        .unwrap_or_default()
        .to_string();
    let trace_id = obj
        .get("trace_id")
        .or_else(|| obj.get("request_id"))
        .cloned()
        .unwrap_or_else(|| Value::String(derived_id(seed.as_bytes(), "trace")));
    let module = obj
        .get("module")
        .and_then(Value::as_str)
        .or(module)
        .map_or(Value::Null, |m| Value::String(m.into()));
    let context = match obj.get("metadata") {
        Some(Value::Object(m)) => Value::Object(m.clone()),
        _ => json!({}),
    };
    Ok(json!({
        "contract_version": CONTRACT_VERSION,
        "envelope": {
            "trace_id": trace_id,
            "step_id": derived_id(seed.as_bytes(), "step"),
            "parent_trace_id": null,
            "idempotency_key": null,
            "timestamp_init": null
        },
        "routing": {"module": module},
        "context": context,
        "payload": payload,
        "options": options,
    }))
}

/// Checks a v1.2 envelope and fills what it may leave out.
fn complete_envelope(
    obj: &Map<String, Value>,
    version: &Value,
    module: Option<&str>,
) -> Result<Value, TranslateError> {
    if version.as_str() != Some(CONTRACT_VERSION) {
        return Err(TranslateError::Unsupported(format!(
            "contract_version {version} is not supported (this translator speaks \"{CONTRACT_VERSION}\")"
        )));
    }
    let payload = obj
        .get("payload")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            TranslateError::InvalidInput("the envelope has no \"payload\" object".into())
        })?;
    let content = payload
        .get("content")
        .and_then(Value::as_str)
        .ok_or_else(|| TranslateError::InvalidInput("payload.content must be a string".into()))?;
    let encoding = payload
        .get("encoding")
        .and_then(Value::as_str)
        .unwrap_or("base64");
    let hash = match encoding {
        "base64" => Value::String(hex::encode(Sha256::digest(decode_content(content)?.0))),
        "utf-8" => Value::String(hex::encode(Sha256::digest(content.as_bytes()))),
        "url" => Value::Null,
        other => {
            return Err(TranslateError::InvalidInput(format!(
                "payload.encoding {other:?} is not one of base64, utf-8, url"
            )))
        }
    };
    if let (Some(declared), Some(actual)) = (
        payload.get("content_hash").and_then(Value::as_str),
        hash.as_str(),
    ) {
        if declared != actual {
            return Err(TranslateError::InvalidInput(format!(
                "payload.content_hash {declared} does not match the content (sha256 {actual})"
            )));
        }
    }
    let mut out = obj.clone();
    let seed = hash.as_str().unwrap_or(content).to_string();
    let envelope = out.entry("envelope").or_insert_with(|| json!({}));
    let envelope = envelope
        .as_object_mut()
        .ok_or_else(|| TranslateError::InvalidInput("\"envelope\" must be a JSON object".into()))?;
    envelope
        .entry("trace_id")
        .or_insert_with(|| Value::String(derived_id(seed.as_bytes(), "trace")));
    envelope
        .entry("step_id")
        .or_insert_with(|| Value::String(derived_id(seed.as_bytes(), "step")));
    let p = out["payload"].as_object_mut().expect("checked above");
    p.insert("encoding".into(), encoding.into());
    p.insert("content_hash".into(), hash);
    let routing = out.entry("routing").or_insert_with(|| json!({}));
    if let (Some(r), Some(m)) = (routing.as_object_mut(), module) {
        r.entry("module").or_insert_with(|| m.into());
    }
    out.entry("options").or_insert_with(|| json!({}));
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_B64: &str = "iVBORw0KGgo=";

    #[test]
    fn bare_upload_becomes_an_envelope() {
        let req =
            json!({"file": PNG_B64, "filename": "ticket.png", "options": {"profile": "fast"}});
        let env = normalize_request(&req, Some("ocr")).unwrap();
        assert_eq!(env["contract_version"], "1.2");
        assert_eq!(env["payload"]["type"], "image");
        assert_eq!(env["payload"]["media_type"], "image/png");
        assert_eq!(env["payload"]["bytes"], 8);
        assert_eq!(env["routing"]["module"], "ocr");
        assert_eq!(env["options"]["profile"], "fast");
        assert_eq!(env["envelope"]["trace_id"].as_str().unwrap().len(), 36);
        // Same request, same ids.
        assert_eq!(normalize_request(&req, Some("ocr")).unwrap(), env);
    }

    #[test]
    fn legacy_payload_keys_map() {
        let req = json!({"image_base64": format!("data:image/jpeg;base64,{PNG_B64}"), "perfil": "rapido",
            "request_id": "req-7", "metadata": {"from": "whatsapp"}});
        let env = normalize_request(&req, None).unwrap();
        assert_eq!(env["payload"]["media_type"], "image/jpeg");
        assert_eq!(env["payload"]["content"], PNG_B64);
        assert_eq!(env["options"]["profile"], "rapido");
        assert_eq!(env["envelope"]["trace_id"], "req-7");
        assert_eq!(env["context"]["from"], "whatsapp");
        let text = normalize_request(&json!({"text": "hola"}), Some("lang")).unwrap();
        assert_eq!(text["payload"]["encoding"], "utf-8");
    }

    #[test]
    fn envelope_is_checked_and_completed() {
        let req = json!({"contract_version": "1.2", "payload": {"encoding": "base64", "content": PNG_B64}});
        let env = normalize_request(&req, Some("ocr")).unwrap();
        assert!(env["envelope"]["trace_id"].is_string());
        assert_eq!(env["routing"]["module"], "ocr");
        let old = json!({"contract_version": "1.1", "payload": {}});
        assert!(matches!(
            normalize_request(&old, None),
            Err(TranslateError::Unsupported(_))
        ));
        let bad_hash = json!({"contract_version": "1.2", "payload": {"content": PNG_B64, "content_hash": "00"}});
        assert!(normalize_request(&bad_hash, None)
            .unwrap_err()
            .to_string()
            .contains("does not match"));
    }

    #[test]
    fn bad_requests_name_the_problem() {
        let msg = |v: Value| normalize_request(&v, None).unwrap_err().to_string();
        assert!(msg(json!({"file": "***"})).contains("\"file\": the content is not valid base64"));
        assert!(msg(json!({"nothing": 1})).contains("no document"));
        assert!(msg(json!([1])).contains("JSON object"));
        assert!(msg(json!({"file": PNG_B64, "options": 3})).contains("\"options\" must be"));
    }
}
