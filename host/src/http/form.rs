//! Pure decoding of the user bytes of a request that are not the document:
//! `application/x-www-form-urlencoded` pairs (bodies and queries), option
//! values, and the JSON objects of `options` fields. No I/O, so it can be
//! fuzzed without the HTTP stack (`fuzz/`, target `upload`).

use serde_json::{Map, Value};

use super::error::ApiError;

/// Query keys that are not module options.
pub const RESERVED_QUERY: &[&str] = &["module", "pipeline", "filename"];

pub fn json_object(data: &[u8], what: &str) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(data) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(ApiError::bad_request(format!(
            "{what} must be a JSON object"
        ))),
        Err(e) => Err(ApiError::malformed_json(format!(
            "{what} is not valid JSON: {e}"
        ))),
    }
}

pub fn text(data: &[u8], what: &str) -> Result<String, ApiError> {
    String::from_utf8(data.to_vec())
        .map_err(|_| ApiError::bad_request(format!("{what} is not UTF-8 text")))
}

/// A query or form value: JSON when it parses as a JSON scalar, else a string.
pub fn scalar(raw: &str) -> Value {
    match serde_json::from_str::<Value>(raw) {
        Ok(v @ (Value::Bool(_) | Value::Number(_) | Value::Null)) => v,
        Ok(v @ (Value::Array(_) | Value::Object(_))) => v,
        _ => Value::String(raw.to_string()),
    }
}

/// Decodes `application/x-www-form-urlencoded` pairs.
pub fn form_urlencoded_parse(bytes: &[u8]) -> Vec<(String, String)> {
    // Works on bytes: a `%` before a multi-byte character must not slice a
    // `str` off a character boundary (it panicked the handler).
    fn hex(c: u8) -> Option<u8> {
        (c as char).to_digit(16).map(|d| d as u8)
    }
    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'%' if i + 2 < b.len() => {
                    if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                        out.push(h * 16 + l);
                        i += 3;
                        continue;
                    }
                    out.push(b'%');
                }
                b'+' => out.push(b' '),
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    String::from_utf8_lossy(bytes)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// Options from the query: `options=<json object>` and `key=value` pairs.
pub fn query_options(query: Option<&str>) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    for (k, v) in form_urlencoded_parse(query.unwrap_or("").as_bytes()) {
        if RESERVED_QUERY.contains(&k.as_str()) {
            continue;
        }
        if k == "options" {
            out.extend(json_object(v.as_bytes(), "the options query parameter")?);
        } else {
            out.insert(k, scalar(&v));
        }
    }
    Ok(out)
}

/// One raw query value.
pub fn query_value(query: Option<&str>, key: &str) -> Option<String> {
    form_urlencoded_parse(query.unwrap_or("").as_bytes())
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_options_parse_scalars_and_json() {
        let o = query_options(Some(
            "profile=fast&min_confidence=0.5&timings=true&module=ocr&options=%7B%22a%22%3A1%7D",
        ))
        .unwrap();
        assert_eq!(o["profile"], "fast");
        assert_eq!(o["min_confidence"], 0.5);
        assert_eq!(o["timings"], true);
        assert_eq!(o["a"], 1);
        assert!(!o.contains_key("module"));
        assert!(query_options(Some("options=%7Bbad")).is_err());
    }

    #[test]
    fn form_decoding() {
        assert_eq!(
            form_urlencoded_parse(b"a=1+2&b=%C3%B1&c"),
            vec![
                ("a".into(), "1 2".into()),
                ("b".into(), "ñ".into()),
                ("c".into(), String::new())
            ]
        );
        // A `%` before a multi-byte character is kept as it is.
        assert_eq!(
            form_urlencoded_parse("a=%ñx&b=%e".as_bytes()),
            vec![("a".into(), "%ñx".into()), ("b".into(), "%e".into())]
        );
    }
}
