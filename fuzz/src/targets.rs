//! The fuzz targets: each feeds the bytes to the real library entry points
//! and returns a short signature of what happened.
//!
//! Options are chosen from a hash of the input itself, so an input alone
//! reproduces its run (the crash files and regression tests need nothing else).

use crate::mutate::Rng;
use serde_json::{json, Map, Value};

/// One fuzz target.
///
/// `envelope` keeps mutants to 16 KiB: `grace_invoice_fields::run` takes
/// about a millisecond per word of text (10 s for 8,000 words), so larger
/// mutants would only measure that, and trip the hang budget.
#[derive(Debug)]
pub struct Target {
    /// Its name (`--target NAME`, corpus folder, crash file prefix).
    pub name: &'static str,
    /// Whether token-level (text) mutations apply.
    pub text: bool,
    /// Largest mutant, in bytes.
    pub max_len: usize,
    /// What it calls.
    pub about: &'static str,
    /// Runs the input; returns a signature of the result.
    pub run: fn(&[u8]) -> String,
}

/// Every target, in the order `--target all` runs them.
pub static TARGETS: &[Target] = &[
    Target {
        name: "image",
        max_len: 256 * 1024,
        text: false,
        about: "grace_image::decode_image_with, then grace_image::process on small images",
        run: image,
    },
    Target {
        name: "pdf",
        max_len: 256 * 1024,
        text: true,
        about: "grace_pdf::read_pdf, list_attachments, find_einvoice_xml",
        run: pdf,
    },
    Target {
        name: "einvoice",
        max_len: 256 * 1024,
        text: true,
        about: "grace_einvoice::detect, parse, parse_with_limits",
        run: einvoice,
    },
    Target {
        name: "envelope",
        max_len: 16 * 1024,
        text: true,
        about: "grace_translate::normalize_request (idempotent), decode_content, flatten/unflatten_response; grace_invoice_fields::run",
        run: envelope,
    },
    #[cfg(feature = "host")]
    Target {
        name: "upload",
        max_len: 64 * 1024,
        text: true,
        about: "grace::http::form (form bodies, queries, option values), axum Multipart over an in-memory request, grace::envelope::parse_request, sniffing",
        run: crate::targets::upload::upload,
    },
];

/// The target named `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// A selector from the input: the same bytes always pick the same options.
fn selector(data: &[u8]) -> u64 {
    Rng::new(Rng::hash(data)).next_u64()
}

/// A short summary of a message (up to its first `:`, `(` or quote, no
/// digits), so signatures group results by kind rather than by detail.
fn sig(prefix: &str, message: &str) -> String {
    let cut = message
        .char_indices()
        .skip(6)
        .find(|(_, c)| matches!(c, ':' | '(' | '"' | '{'))
        .map_or(message.len(), |(i, _)| i);
    let kind: String = message[..cut]
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .take(48)
        .collect();
    format!("{prefix}: {kind}")
}

fn image(data: &[u8]) -> String {
    use grace_image::{decode_image_with, process, DecodeLimits, ImageOptions, Resize};
    let s = selector(data);
    let limits = DecodeLimits::default();
    let decoded = match decode_image_with(data, &limits, s & 1 == 0) {
        Ok(d) => d,
        Err(e) => return sig("decode", &e.to_string()),
    };
    let (w, h) = decoded.image.dimensions();
    let shape = format!(
        "ok {}x{} exif {:?}",
        w.min(4),
        h.min(4),
        decoded.exif_orientation
    );
    // The clean-up pipeline on small images (options from the selector):
    // odd sizes (1×N, huge aspect ratios) are where its arithmetic breaks.
    if u64::from(w) * u64::from(h) > 400 * 400 {
        return shape;
    }
    let bit = |n: u32| s >> n & 1 == 1;
    let resize = match s >> 8 & 7 {
        0 => Some(Resize::MaxSide(1 + (s >> 12) as u32 % 64)),
        1 => Some(Resize::Width(1 + (s >> 12) as u32 % 64)),
        2 => Some(Resize::Height(1 + (s >> 12) as u32 % 64)),
        3 => Some(Resize::Scale([0.01, 0.5, 2.0, 4.0][(s >> 12) as usize % 4])),
        _ => None,
    };
    let options = ImageOptions {
        exif_orientation: bit(1),
        deskew: bit(2),
        max_skew_degrees: [1.0, 15.0, 45.0][(s >> 20) as usize % 3],
        crop: bit(3),
        grayscale: bit(4),
        contrast: bit(5),
        denoise: bit(6),
        binarize: bit(7),
        resize,
        include_image: bit(24),
    };
    match process(data, &options, &limits) {
        Ok(p) => format!("{shape} processed gray={}", p.gray),
        Err(e) => sig("process", &e.to_string()),
    }
}

fn pdf(data: &[u8]) -> String {
    use grace_pdf::{
        find_einvoice_xml, list_attachments, read_pdf, PageSelection, PdfOptions, RenderMode,
    };
    let s = selector(data);
    let opts = PdfOptions {
        pages: match s & 3 {
            0 => PageSelection::parse("1").expect("valid"),
            1 => PageSelection::parse("2-").expect("valid"),
            _ => PageSelection::all(),
        },
        page_limit: if s >> 2 & 1 == 1 { 1 } else { 50 },
        // Low resolutions: rendering at 150 DPI and up costs far more time
        // per input than it adds paths.
        dpi: [36, 50, 72][(s >> 3) as usize % 3],
        password: (s >> 5 & 3 == 0).then(|| "secret".to_string()),
        render: [RenderMode::Auto, RenderMode::Never, RenderMode::Always][(s >> 7) as usize % 3],
    };
    let mut out = match read_pdf(data, &opts) {
        Ok(o) => format!("read ok pages={}", o.pages.len().min(3)),
        Err(e) => sig("read", &format!("{e:?}")),
    };
    match list_attachments(data) {
        Ok(list) => {
            out.push_str(&format!(" attachments={}", list.len().min(3)));
            for a in list.iter().take(2) {
                out.push_str(if a.content.is_ok() { " ok" } else { " err" });
            }
        }
        Err(_) => out.push_str(" attachments=err"),
    }
    match find_einvoice_xml(data) {
        Ok(Some(x)) => out.push_str(&format!(" einvoice={:?}", x.format)),
        Ok(None) => out.push_str(" einvoice=none"),
        Err(_) => out.push_str(" einvoice=err"),
    }
    out
}

fn einvoice(data: &[u8]) -> String {
    let detected = grace_einvoice::detect(data);
    let out = match grace_einvoice::parse(data) {
        Ok(inv) => {
            // Serializing walks every value (decimals, dates) as the host does.
            let json = serde_json::to_value(&inv).expect("an EInvoice serializes");
            // Which parts were read: the behaviour signal for new inputs.
            let mut read: Vec<&str> = json
                .as_object()
                .map(|o| {
                    o.iter()
                        .filter(|(_, v)| match v {
                            Value::Null => false,
                            Value::Array(a) => !a.is_empty(),
                            Value::Object(m) => !m.is_empty(),
                            Value::String(s) => !s.is_empty(),
                            _ => true,
                        })
                        .map(|(k, _)| k.as_str())
                        .collect()
                })
                .unwrap_or_default();
            read.sort_unstable();
            format!("ok {:?} {}", inv.format, read.join(","))
        }
        Err(e) => sig("parse", &e.to_string()),
    };
    // Tight limits: the depth and node counters on the same input.
    let tight = grace_einvoice::Limits {
        max_bytes: 1 << 20,
        max_depth: 8,
        max_nodes: 64,
    };
    let limited = grace_einvoice::parse_with_limits(data, &tight).is_ok();
    format!("{out} detected={} tight={limited}", detected.is_some())
}

fn envelope(data: &[u8]) -> String {
    use grace_translate::{
        decode_content, flatten_response, normalize_request, unflatten_response,
    };
    let s = selector(data);
    let mut out = String::new();
    if let Ok(text) = std::str::from_utf8(data) {
        out.push_str(match decode_content(text) {
            Ok(_) => "b64 ok",
            Err(_) => "b64 err",
        });
    }
    if let Ok(value) = serde_json::from_slice::<Value>(data) {
        let module = [None, Some("ocr"), Some("invoice-fields")][(s % 3) as usize];
        match normalize_request(&value, module) {
            Ok(env) => {
                // An envelope normalizes to itself.
                let again = normalize_request(&env, module)
                    .unwrap_or_else(|e| panic!("a normalized envelope is refused: {e}"));
                assert_eq!(again, env, "normalizing twice changed the envelope");
                out.push_str(" normalized");
            }
            Err(e) => out.push_str(&sig(" normalize", &e.to_string())),
        }
        let module = ["ocr", "invoice-fields", "hash", "image"][(s >> 2 & 3) as usize];
        let opts = grace_translate::FlatOptions::default();
        match flatten_response(&value, module, &opts) {
            Ok(flat) => {
                let back = unflatten_response(&flat, module, &opts);
                out.push_str(if back.is_ok() { " flat+back" } else { " flat" });
            }
            Err(_) => out.push_str(" flat err"),
        }
    }
    // The invoice-fields module on the same bytes: mostly as the host would
    // sniff them (JSON, XML or text), sometimes as another type.
    let sniffed = match data.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => "application/json",
        Some(b'<') => "application/xml",
        _ => "text/plain",
    };
    let media = if s >> 4 & 3 == 0 {
        [
            "application/json",
            "text/plain",
            "application/xml",
            "text/xml",
        ][(s >> 13 & 3) as usize]
    } else {
        sniffed
    };
    let mut options = Map::new();
    if s >> 6 & 1 == 1 {
        // Mostly valid values; an invalid one now and then.
        let locales = [
            "es-ES", "en-US", "auto", "es-ES", "en-US", "auto", "auto", "fr-FR",
        ];
        options.insert("locale".into(), json!(locales[(s >> 7 & 7) as usize]));
    }
    if s >> 15 & 1 == 1 {
        options.insert(
            "date_order".into(),
            json!(["day_first", "month_first"][(s >> 10 & 1) as usize]),
        );
    }
    if s >> 11 & 1 == 1 {
        options.insert(
            "einvoice".into(),
            json!(["auto", "ignore", "only"][((s >> 16) % 3) as usize]),
        );
    }
    match grace_invoice_fields::run(data, media, &options) {
        Ok(o) => {
            let _ = serde_json::to_value(&o).expect("the output serializes");
            out.push_str(&format!(" fields ok {media}"));
        }
        Err(e) => out.push_str(&sig(" fields", &e.to_string())),
    }
    out
}

#[cfg(feature = "host")]
pub(crate) mod upload {
    //! The host's request decoding, without the HTTP stack.

    use super::sig;
    use axum::body::Body;
    use axum::extract::{FromRequest, Multipart, Request};
    use grace::http::form::{form_urlencoded_parse, json_object, query_options, scalar, text};
    use serde_json::Value;

    thread_local! {
        static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime");
    }

    /// Form body and query decoding, multipart over axum, JSON envelopes.
    pub fn upload(data: &[u8]) -> String {
        let mut out = String::new();
        // A form body, and the same bytes as a query string.
        for (k, v) in form_urlencoded_parse(data) {
            if k == "options" {
                let _ = json_object(v.as_bytes(), "the options field");
            } else {
                let _ = scalar(&v);
            }
            if k == "file" {
                let _ = grace::envelope::decode_base64(&v);
            }
        }
        let query = String::from_utf8_lossy(data);
        out.push_str(match query_options(Some(&query)) {
            Ok(_) => "query ok",
            Err(_) => "query err",
        });
        // Multipart: the first line is the Content-Type, the rest the body.
        let (head, body) = match data.iter().position(|&b| b == b'\n') {
            Some(i) => (&data[..i], &data[i + 1..]),
            None => (&b"multipart/form-data; boundary=X"[..], data),
        };
        out.push(' ');
        out.push_str(&RUNTIME.with(|rt| rt.block_on(multipart(head, body))));
        // A JSON body: an envelope or a request wrapper.
        if let Ok(v) = serde_json::from_slice::<Value>(data) {
            if grace::envelope::is_envelope(&v) {
                out.push_str(match grace::envelope::parse_request(&v) {
                    Ok(_) => " envelope ok",
                    Err(_) => " envelope err",
                });
            }
        }
        out
    }

    async fn multipart(content_type: &[u8], body: &[u8]) -> String {
        let Ok(req) = Request::builder()
            .method("POST")
            .uri("/v1/run/hash")
            .header("content-type", content_type.trim_ascii())
            .body(Body::from(body.to_vec()))
        else {
            return "bad header".into();
        };
        let mut mp = match Multipart::from_request(req, &()).await {
            Ok(mp) => mp,
            Err(e) => return sig("multipart", &e.to_string()),
        };
        let mut parts = 0;
        loop {
            match mp.next_field().await {
                Ok(Some(field)) => {
                    parts += 1;
                    let name = field.name().unwrap_or("").to_string();
                    let filename = field.file_name().map(str::to_string);
                    let _ = field.content_type().map(str::to_string);
                    let Ok(data) = field.bytes().await else {
                        return format!("multipart {} part err", parts.min(3));
                    };
                    // What upload.rs does with each part.
                    match name.as_str() {
                        "options" => {
                            let _ = json_object(&data, "the options part");
                        }
                        "file_url" => {
                            let _ = text(&data, "file_url");
                        }
                        _ if filename.is_some() || name == "file" => {
                            let media = grace::sniff::sniff_media_type(&data);
                            if media == grace::sniff::PDF {
                                let _ = grace::http::upload::count_pdf_pages(&data);
                            }
                        }
                        _ => {
                            if let Ok(t) = text(&data, "option") {
                                let _ = scalar(&t);
                            }
                        }
                    }
                }
                Ok(None) => return format!("multipart {} parts", parts.min(3)),
                Err(e) => return sig("multipart next", &e.to_string()),
            }
        }
    }
}
