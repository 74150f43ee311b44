//! Media type sniffed from the bytes (never from file names).

/// PNG.
pub const PNG: &str = "image/png";
/// JPEG.
pub const JPEG: &str = "image/jpeg";
/// TIFF (classic and BigTIFF).
pub const TIFF: &str = "image/tiff";
/// WebP.
pub const WEBP: &str = "image/webp";
/// BMP.
pub const BMP: &str = "image/bmp";
/// GIF.
pub const GIF: &str = "image/gif";
/// PDF.
pub const PDF: &str = "application/pdf";
/// JSON.
pub const JSON: &str = "application/json";
/// UTF-8 text without control characters.
pub const TEXT: &str = "text/plain";
/// XML (an e-invoice: CII, UBL), when the text opens with a declaration or an element.
pub const XML: &str = "application/xml";
/// Anything else.
pub const OCTET_STREAM: &str = "application/octet-stream";

/// The media type of `data` from its magic number, or JSON/text by content,
/// else `application/octet-stream`.
pub fn sniff_media_type(data: &[u8]) -> &'static str {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        return PNG;
    }
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return JPEG;
    }
    if data.starts_with(b"II*\0")
        || data.starts_with(b"MM\0*")
        || data.starts_with(b"II+\0")
        || data.starts_with(b"MM\0+")
    {
        return TIFF;
    }
    if data.len() >= 12 && &data[0..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        return WEBP;
    }
    if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        return GIF;
    }
    if is_bmp(data) {
        return BMP;
    }
    // PDF readers accept the header anywhere in the first 1024 bytes.
    let head = &data[..data.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return PDF;
    }
    let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'{') | Some(b'['))
        && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
    {
        return JSON;
    }
    if !body.is_empty() && is_text(body) {
        return if looks_like_xml(&body[body.len() - body.trim_ascii_start().len()..]) {
            XML
        } else {
            TEXT
        };
    }
    OCTET_STREAM
}

/// `<?xml`, or `<` and a name (`<Invoice`, `<rsm:CrossIndustryInvoice`): a
/// document that is markup, not text that happens to hold a `<`.
fn looks_like_xml(text: &[u8]) -> bool {
    let html = text.len() >= 5 && text[..5].eq_ignore_ascii_case(b"<html");
    text.starts_with(b"<?xml")
        || (!html
            && text.first() == Some(&b'<')
            && text
                .get(1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_'))
}

/// "BM", then a DIB header size the BMP formats use.
fn is_bmp(data: &[u8]) -> bool {
    if data.len() < 18 || !data.starts_with(b"BM") {
        return false;
    }
    let dib = u32::from_le_bytes([data[14], data[15], data[16], data[17]]);
    matches!(dib, 12 | 16 | 40 | 52 | 56 | 64 | 108 | 124)
}

fn is_text(data: &[u8]) -> bool {
    match std::str::from_utf8(data) {
        Ok(s) => s
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\x0c')),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers() {
        assert_eq!(sniff_media_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), PNG);
        assert_eq!(sniff_media_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), JPEG);
        assert_eq!(sniff_media_type(b"II*\0\x08\0\0\0"), TIFF);
        assert_eq!(sniff_media_type(b"MM\0*\0\0\0\x08"), TIFF);
        assert_eq!(sniff_media_type(b"RIFF\x24\0\0\0WEBPVP8 "), WEBP);
        assert_eq!(sniff_media_type(b"RIFF\x24\0\0\0WAVEfmt "), OCTET_STREAM);
        assert_eq!(sniff_media_type(b"GIF89a\x01\0\x01\0"), GIF);
        let mut bmp = b"BM\x3a\0\0\0\0\0\0\0\x36\0\0\0".to_vec();
        bmp.extend_from_slice(&40u32.to_le_bytes());
        assert_eq!(sniff_media_type(&bmp), BMP);
        assert_eq!(sniff_media_type(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), PDF);
    }

    #[test]
    fn json_text_and_binary() {
        assert_eq!(sniff_media_type(b"\xEF\xBB\xBF  {\"a\": [1, 2]}\n"), JSON);
        assert_eq!(sniff_media_type(b"[1,2"), TEXT);
        assert_eq!(sniff_media_type(b"BMW invoice 42\n"), TEXT);
        assert_eq!(
            sniff_media_type(b"Factura n\xc2\xba 7 \xe2\x82\xac\n"),
            TEXT
        );
        assert_eq!(sniff_media_type(b"\0\x01\x02"), OCTET_STREAM);
        assert_eq!(sniff_media_type(b""), OCTET_STREAM);
        assert_eq!(
            sniff_media_type(b"\n<?xml version=\"1.0\"?>\n<Invoice/>"),
            XML
        );
        assert_eq!(sniff_media_type(b"<rsm:CrossIndustryInvoice/>"), XML);
        assert_eq!(sniff_media_type(b"< 3 items"), TEXT);
        assert_eq!(sniff_media_type(b"\xff\xfe"), OCTET_STREAM);
    }
}
