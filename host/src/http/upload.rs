//! Reading a document out of a request: multipart `file`, a raw body, JSON
//! with base64, a contract envelope, or a form with `file_url`; options from
//! the query and the body. Sizes are checked before and while reading, the
//! type is sniffed from the bytes, and image/PDF limits are checked here.

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, HeaderMap};
use serde_json::{Map, Value};

use super::error::ApiError;
pub use super::form::query_value;
use super::form::{form_urlencoded_parse, json_object, query_options, scalar, text};
use super::AppState;
use crate::config::UploadLimits;
use crate::envelope::{self, RequestEnvelope};

/// One file of a request.
#[derive(Debug, Clone)]
pub struct UploadFile {
    /// The bytes.
    pub data: Vec<u8>,
    /// Sniffed media type.
    pub media_type: String,
    /// File name the client gave.
    pub filename: Option<String>,
}

/// Everything a run request carries.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    /// The files (exactly one for single-document routes).
    pub files: Vec<UploadFile>,
    /// Options (query first, then body).
    pub options: Map<String, Value>,
    /// The request envelope, when the client sent one.
    pub envelope: Option<RequestEnvelope>,
    /// When the request arrived (ms since the Unix epoch): an envelope's
    /// `ttl_ms` counts from here.
    pub received_ms: i64,
}

/// Keys that make a JSON body a request wrapper rather than the document itself.
const REQUEST_KEYS: &[&str] = &["file", "files", "file_url"];

/// Reads the request; `many` allows several files (batch).
pub async fn read_upload(state: &AppState, req: Request, many: bool) -> Result<Upload, ApiError> {
    let limits = &state.config.limits;
    let mut upload = Upload {
        options: query_options(req.uri().query())?,
        received_ms: crate::store::now_ms(),
        ..Upload::default()
    };
    let query_filename = query_value(req.uri().query(), "filename");
    let content_type = content_type(req.headers());
    check_declared_length(req.headers(), limits)?;
    let (parts, body) = req.into_parts();
    let body_timeout = std::time::Duration::from_secs(state.config.http.body_timeout_secs.max(1));
    let bytes = tokio::time::timeout(
        body_timeout,
        axum::body::to_bytes(body, limits.max_upload_bytes as usize),
    )
    .await
    .map_err(|_| {
        ApiError::new(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            format!(
                "the request body did not arrive within {} s (http.body_timeout_secs)",
                body_timeout.as_secs()
            ),
        )
    })?
    .map_err(|_| too_large(limits))?;
    let body_len = bytes.len();
    let mut urls = Vec::new();
    let mut raw_files: Vec<(Vec<u8>, Option<String>)> = Vec::new();
    match content_type.as_str() {
        "multipart/form-data" => {
            let req = Request::from_parts(parts, Body::from(bytes));
            let mut mp = Multipart::from_request(req, &())
                .await
                .map_err(|e| ApiError::bad_request(format!("malformed multipart body: {e}")))?;
            while let Some(field) = mp
                .next_field()
                .await
                .map_err(|e| ApiError::bad_request(format!("malformed multipart body: {e}")))?
            {
                let name = field.name().unwrap_or("").to_string();
                let filename = field.file_name().map(str::to_string);
                let data = field.bytes().await.map_err(|e| {
                    ApiError::bad_request(format!("malformed multipart part {name:?}: {e}"))
                })?;
                match name.as_str() {
                    "options" => upload
                        .options
                        .extend(json_object(&data, "the options part")?),
                    "file_url" => urls.push(text(&data, "file_url")?),
                    _ if filename.is_some()
                        || matches!(name.as_str(), "file" | "files" | "file[]" | "data") =>
                    {
                        raw_files.push((data.to_vec(), filename))
                    }
                    _ => {
                        upload.options.insert(name, scalar(&text(&data, "option")?));
                    }
                }
            }
        }
        "application/json" => {
            let body: Value = serde_json::from_slice(&bytes).map_err(|e| {
                ApiError::malformed_json(format!("the body is not valid JSON: {e}"))
            })?;
            if envelope::is_envelope(&body) {
                let env = envelope::parse_request(&body).map_err(|e| ApiError::bad_request(e.0))?;
                if let Some(content) = &env.content {
                    raw_files.push((content.clone(), None));
                }
                if let Some(url) = &env.url {
                    urls.push(url.clone());
                }
                upload.options.extend(env.options.clone());
                upload.envelope = Some(env);
            } else if let Some(obj) = body
                .as_object()
                .filter(|o| REQUEST_KEYS.iter().any(|k| o.contains_key(*k)))
            {
                read_json_request(obj, &mut raw_files, &mut urls, &mut upload.options)?;
            } else {
                // Any other JSON is the document itself (e.g. OCR layout for invoice-fields).
                raw_files.push((bytes.to_vec(), query_filename.clone()));
            }
        }
        "application/x-www-form-urlencoded" => {
            let form = form_urlencoded_parse(&bytes);
            for (k, v) in form {
                match k.as_str() {
                    "file" => raw_files.push((decode_file(&v)?, None)),
                    "file_url" => urls.push(v),
                    "options" => upload
                        .options
                        .extend(json_object(v.as_bytes(), "the options field")?),
                    "filename" => {}
                    _ => {
                        upload.options.insert(k, scalar(&v));
                    }
                }
            }
        }
        _ => {
            if !bytes.is_empty() {
                raw_files.push((bytes.to_vec(), query_filename.clone()));
            }
        }
    }
    check_client_options(&upload.options, limits)?;
    // Count before fetching: a request over the file limits downloads nothing.
    check_file_count(raw_files.len() + urls.len(), many, limits)?;
    // Everything fetched for one request shares the upload limit with its body.
    let mut budget = (limits.max_upload_bytes as usize).saturating_sub(body_len);
    for url in urls {
        let data = super::fetch::fetch_url(state, &url, budget).await?;
        budget = budget.saturating_sub(data.len());
        raw_files.push((data, url.rsplit('/').next().map(str::to_string)));
    }
    if raw_files.is_empty() {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "missing_file",
            "no file in the request: send a multipart \"file\" part, a raw body with its Content-Type, JSON {\"file\": \"<base64>\"} or a contract envelope",
        ));
    }
    for (data, filename) in raw_files {
        if data.is_empty() {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "missing_file",
                "the file is empty",
            ));
        }
        let media_type = crate::sniff::sniff_media_type(&data).to_string();
        check_content_limits(&data, &media_type, limits)?;
        upload.files.push(UploadFile {
            data,
            media_type,
            filename: filename.or_else(|| query_filename.clone()),
        });
    }
    Ok(upload)
}

/// One file for a single-document route, at most `limits.max_batch_files`.
fn check_file_count(count: usize, many: bool, limits: &UploadLimits) -> Result<(), ApiError> {
    if !many && count > 1 {
        return Err(ApiError::bad_request(format!(
            "this route takes one file, the request has {count}; use /api/ocr/process_batch for several"
        )));
    }
    if count > limits.max_batch_files {
        return Err(ApiError::too_large(
            "too_many_files",
            format!(
                "the request has {count} files; the limit is {} (limits.max_batch_files)",
                limits.max_batch_files
            ),
        ));
    }
    Ok(())
}

/// Options a client may not set: those reserved for the host's own calls
/// (the split protocol), and a `page_limit` above `limits.max_pages` (the
/// `pdf` module counts pages properly, so its limit is the real bound),
/// at the top level or under a module's name.
fn check_client_options(
    options: &Map<String, Value>,
    limits: &UploadLimits,
) -> Result<(), ApiError> {
    let reserved = crate::runtime::split::HOST_OPTIONS;
    let nested = options.values().filter_map(Value::as_object);
    for map in std::iter::once(options).chain(nested) {
        if let Some(key) = map.keys().find(|k| reserved.contains(&k.as_str())) {
            return Err(ApiError::bad_request(format!(
                "option {key:?} is reserved for the host ({}) and cannot be sent by a client",
                reserved.join(", ")
            )));
        }
        if let Some(asked) = map.get("page_limit").and_then(Value::as_u64) {
            if asked > u64::from(limits.max_pages) {
                return Err(ApiError::too_large(
                    "too_many_pages",
                    format!(
                        "page_limit {asked} is above this host's limit of {} pages (limits.max_pages)",
                        limits.max_pages
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn read_json_request(
    obj: &Map<String, Value>,
    files: &mut Vec<(Vec<u8>, Option<String>)>,
    urls: &mut Vec<String>,
    options: &mut Map<String, Value>,
) -> Result<(), ApiError> {
    let filename = obj
        .get("filename")
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(f) = obj.get("file") {
        let b64 = f
            .as_str()
            .ok_or_else(|| ApiError::bad_request("\"file\" must be a base64 string"))?;
        files.push((decode_file(b64)?, filename));
    }
    if let Some(list) = obj.get("files") {
        let list = list
            .as_array()
            .ok_or_else(|| ApiError::bad_request("\"files\" must be an array"))?;
        for (i, item) in list.iter().enumerate() {
            let (b64, name) = match item {
                Value::String(s) => (s.as_str(), None),
                Value::Object(o) => (
                    o.get("file").and_then(Value::as_str).ok_or_else(|| {
                        ApiError::bad_request(format!("files[{i}].file must be a base64 string"))
                    })?,
                    o.get("filename")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                ),
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "files[{i}] must be a string or an object"
                    )))
                }
            };
            files.push((decode_file(b64)?, name));
        }
    }
    if let Some(u) = obj.get("file_url") {
        urls.push(
            u.as_str()
                .ok_or_else(|| ApiError::bad_request("\"file_url\" must be a string"))?
                .to_string(),
        );
    }
    match obj.get("options") {
        None | Some(Value::Null) => {}
        Some(Value::Object(o)) => options.extend(o.clone()),
        Some(_) => return Err(ApiError::bad_request("\"options\" must be a JSON object")),
    }
    Ok(())
}

fn decode_file(b64: &str) -> Result<Vec<u8>, ApiError> {
    envelope::decode_base64(b64).map_err(|e| ApiError::bad_request(format!("\"file\": {e}")))
}

/// The media type without parameters, lowercased.
fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn too_large(limits: &UploadLimits) -> ApiError {
    ApiError::too_large(
        "payload_too_large",
        format!(
            "the upload is larger than {} bytes (limits.max_upload_bytes)",
            limits.max_upload_bytes
        ),
    )
}

/// 413 from the declared length, before a byte of the body is read.
fn check_declared_length(headers: &HeaderMap, limits: &UploadLimits) -> Result<(), ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > limits.max_upload_bytes => Err(ApiError::too_large(
            "payload_too_large",
            format!(
                "the upload is {n} bytes; the limit is {} bytes (limits.max_upload_bytes)",
                limits.max_upload_bytes
            ),
        )),
        _ => Ok(()),
    }
}

/// Pixel limit from the image header; page limit from the PDF's page objects.
fn check_content_limits(
    data: &[u8],
    media_type: &str,
    limits: &UploadLimits,
) -> Result<(), ApiError> {
    if media_type.starts_with("image/") {
        let dims = image::ImageReader::new(std::io::Cursor::new(data))
            .with_guessed_format()
            .ok()
            .and_then(|r| r.into_dimensions().ok());
        if let Some((w, h)) = dims {
            let pixels = u64::from(w) * u64::from(h);
            if pixels > limits.max_pixels {
                return Err(ApiError::too_large(
                    "too_many_pixels",
                    format!(
                        "the image is {w}×{h} = {pixels} pixels; the limit is {} pixels (limits.max_pixels)",
                        limits.max_pixels
                    ),
                ));
            }
        }
    }
    if media_type == crate::sniff::PDF {
        let pages = count_pdf_pages(data);
        if pages > limits.max_pages as usize {
            return Err(ApiError::too_large(
                "too_many_pages",
                format!(
                    "the PDF has {pages} pages; the limit is {} pages (limits.max_pages)",
                    limits.max_pages
                ),
            ));
        }
    }
    Ok(())
}

/// Counts `/Type /Page` objects (not `/Pages`): a cheap upper-bound check
/// before the `pdf` module parses the file properly.
pub fn count_pdf_pages(data: &[u8]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while let Some(pos) = find(&data[i..], b"/Type") {
        let mut j = i + pos + 5;
        while j < data.len() && data[j].is_ascii_whitespace() {
            j += 1;
        }
        if data[j..].starts_with(b"/Page") && !data[j + 5..].starts_with(b"s") {
            count += 1;
        }
        i = j;
    }
    count
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_pdf_pages_not_page_trees() {
        let pdf = b"%PDF-1.4\n1 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] >>\n2 0 obj << /Type /Page >>\n3 0 obj <</Type/Page/Parent 1 0 R>>";
        assert_eq!(count_pdf_pages(pdf), 2);
        assert_eq!(count_pdf_pages(b"/Type"), 0);
    }
}
