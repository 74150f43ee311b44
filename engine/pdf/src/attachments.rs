//! Files embedded in a PDF, and among them the structured invoice XML that
//! Factur-X / ZUGFeRD / XRechnung PDFs carry: when present, its fields are
//! exact and beat anything read from the rendered pages.
//!
//! Attachments are found in the catalog's /Names /EmbeddedFiles name tree
//! (walked through /Kids) and in the catalog's /AF array (PDF/A-3). Their
//! bytes are decompressed with a size cap so a deflate bomb cannot exhaust
//! memory.

use crate::PdfError;
use grace_einvoice::Format;
use hayro::hayro_interpret::hayro_syntax::object::{Array, Dict, Name, Object, Stream};
use hayro::hayro_interpret::hayro_syntax::{Filter, Pdf};
use std::collections::HashSet;
use std::io::Read;

/// Largest decoded attachment kept, in bytes.
pub const MAX_ATTACHMENT_BYTES: usize = 20 << 20;
/// Most attachments listed (a name tree can be made arbitrarily large).
pub const MAX_ATTACHMENTS: usize = 256;
/// Deepest name-tree /Kids nesting followed (real trees are 1 to 3 deep).
const MAX_TREE_DEPTH: usize = 32;
/// Most name-tree nodes visited, against cycles and fan-out bombs.
const MAX_TREE_NODES: usize = 4096;

/// File names that Factur-X, ZUGFeRD 1/2 and XRechnung prescribe, compared
/// case-insensitively, tried before any other `.xml`.
pub const EINVOICE_FILE_NAMES: [&str; 3] = ["factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml"];

/// Why an attachment's bytes are not available.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    /// Decoded, it would be over [`MAX_ATTACHMENT_BYTES`].
    #[error("the attachment is over the limit of {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// The file specification has no embedded stream (an external file).
    #[error("the attachment is a reference to an external file, not embedded")]
    NotEmbedded,
    /// Its filters failed.
    #[error("the attachment's stream cannot be decoded")]
    Undecodable,
}

/// One embedded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name: /UF, else /F, else the name tree key.
    pub name: String,
    /// The embedded stream's /Subtype, e.g. `text/xml` (declared, unchecked).
    pub media_type: Option<String>,
    /// /AFRelationship, e.g. `Alternative`, `Data`, `Source`.
    pub relationship: Option<String>,
    /// /Desc.
    pub description: Option<String>,
    /// Decoded bytes, or why not.
    pub content: Result<Vec<u8>, AttachmentError>,
}

/// The invoice XML found in a PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedInvoice {
    /// The attachment's file name.
    pub filename: String,
    /// Its format, from the root element.
    pub format: Format,
    /// The XML, UTF-8.
    pub xml: String,
}

/// Lists a PDF's embedded files.
pub fn list_attachments(data: &[u8]) -> Result<Vec<Attachment>, PdfError> {
    crate::guarded(data, None, |pdf| Ok(attachments(pdf)))
}

/// The e-invoice XML embedded in a PDF, if any: attachments named like
/// [`EINVOICE_FILE_NAMES`] first, then any other `.xml` or XML-typed one,
/// each accepted only when its root element is an e-invoice
/// ([`grace_einvoice::detect`]).
pub fn find_einvoice_xml(data: &[u8]) -> Result<Option<EmbeddedInvoice>, PdfError> {
    crate::guarded(data, None, |pdf| Ok(pick_einvoice(attachments(pdf))))
}

/// Chooses the invoice XML among `files`.
pub(crate) fn pick_einvoice(files: Vec<Attachment>) -> Option<EmbeddedInvoice> {
    let rank = |a: &Attachment| {
        let lower = a.name.to_ascii_lowercase();
        let base = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
        if EINVOICE_FILE_NAMES.contains(&base) {
            0
        } else if base.ends_with(".xml") {
            1
        } else if a.media_type.as_deref().is_some_and(|m| m.contains("xml")) {
            2
        } else {
            3
        }
    };
    let mut candidates: Vec<(usize, Attachment)> = files
        .into_iter()
        .map(|a| (rank(&a), a))
        .filter(|(r, _)| *r < 3)
        .collect();
    candidates.sort_by_key(|(r, _)| *r);
    candidates.into_iter().find_map(|(_, a)| {
        let bytes = a.content.ok()?;
        let format = grace_einvoice::detect(&bytes)?;
        let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => rest.to_vec(),
            None => bytes,
        };
        Some(EmbeddedInvoice {
            filename: a.name,
            format,
            xml: String::from_utf8(bytes).ok()?,
        })
    })
}

/// Every embedded file of an opened PDF, in name-tree order then /AF order,
/// each file specification once.
pub(crate) fn attachments(pdf: &Pdf) -> Vec<Attachment> {
    let xref = pdf.xref();
    let Some(catalog) = xref.get::<Dict<'_>>(xref.root_id()) else {
        return Vec::new();
    };
    let mut specs: Vec<(Option<String>, Dict<'_>)> = Vec::new();
    if let Some(tree) = catalog
        .get::<Dict<'_>>(b"Names")
        .and_then(|n| n.get::<Dict<'_>>(b"EmbeddedFiles"))
    {
        let mut visited = 0usize;
        walk_name_tree(&tree, 0, &mut visited, &mut specs);
    }
    if let Some(af) = catalog.get::<Array<'_>>(b"AF") {
        for spec in af.iter::<Dict<'_>>().take(MAX_ATTACHMENTS) {
            specs.push((None, spec));
        }
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (key, spec) in specs {
        if out.len() >= MAX_ATTACHMENTS {
            break;
        }
        // The same file specification is usually in both the tree and /AF.
        if let Some(id) = spec.obj_id() {
            if !seen.insert(id) {
                continue;
            }
        }
        let a = attachment(&spec, key);
        if spec.obj_id().is_none()
            && out
                .iter()
                .any(|o: &Attachment| o.name == a.name && o.content == a.content)
        {
            continue;
        }
        out.push(a);
    }
    out
}

fn walk_name_tree<'a>(
    node: &Dict<'a>,
    depth: usize,
    visited: &mut usize,
    out: &mut Vec<(Option<String>, Dict<'a>)>,
) {
    *visited += 1;
    if depth > MAX_TREE_DEPTH || *visited > MAX_TREE_NODES || out.len() >= MAX_ATTACHMENTS {
        return;
    }
    if let Some(names) = node.get::<Array<'_>>(b"Names") {
        let mut key = None;
        for item in names.iter::<Object<'_>>() {
            match item {
                Object::String(s) => key = Some(text_string(s.as_bytes())),
                Object::Dict(spec) => {
                    out.push((key.take(), spec));
                    if out.len() >= MAX_ATTACHMENTS {
                        return;
                    }
                }
                _ => key = None,
            }
        }
    }
    if let Some(kids) = node.get::<Array<'_>>(b"Kids") {
        for kid in kids.iter::<Dict<'_>>() {
            walk_name_tree(&kid, depth + 1, visited, out);
        }
    }
}

fn attachment(spec: &Dict<'_>, key: Option<String>) -> Attachment {
    let string = |k: &[u8]| {
        spec.get::<hayro::hayro_interpret::hayro_syntax::object::String<'_>>(k)
            .map(|s| text_string(s.as_bytes()))
            .filter(|s| !s.is_empty())
    };
    let name = string(b"UF")
        .or_else(|| string(b"F"))
        .or(key)
        .unwrap_or_default();
    let ef = spec.get::<Dict<'_>>(b"EF");
    let stream = ef.and_then(|ef| {
        ef.get::<Stream<'_>>(b"UF")
            .or_else(|| ef.get::<Stream<'_>>(b"F"))
    });
    Attachment {
        name,
        media_type: stream
            .as_ref()
            .and_then(|s| s.dict().get::<Name<'_>>(b"Subtype"))
            .map(|n| n.as_str().to_string()),
        relationship: spec
            .get::<Name<'_>>(b"AFRelationship")
            .map(|n| n.as_str().to_string()),
        description: string(b"Desc"),
        content: match stream {
            Some(s) => decode_capped(&s, MAX_ATTACHMENT_BYTES),
            None => Err(AttachmentError::NotEmbedded),
        },
    }
}

/// The stream's decoded bytes, refused past `cap`. Plain and Flate streams
/// (all attachments in practice) are inflated incrementally and stop at the
/// cap; other filter chains are decoded by hayro and checked afterwards.
fn decode_capped(stream: &Stream<'_>, cap: usize) -> Result<Vec<u8>, AttachmentError> {
    let too_large = AttachmentError::TooLarge { limit: cap };
    let declared = stream
        .dict()
        .get::<Dict<'_>>(b"Params")
        .and_then(|p| p.get::<Object<'_>>(b"Size"))
        .and_then(|s| s.into_f32());
    if declared.is_some_and(|s| s > cap as f32) {
        return Err(too_large);
    }
    let filters = stream.filters();
    let has_params =
        stream.dict().contains_key(b"DecodeParms") || stream.dict().contains_key(b"DP");
    if filters.is_empty() {
        let raw = stream.raw_data();
        return if raw.len() > cap {
            Err(too_large)
        } else {
            Ok(raw.into_owned())
        };
    }
    if filters.as_slice() == [Filter::FlateDecode] && !has_params {
        let raw = stream.raw_data();
        let mut out = Vec::new();
        let inflated = flate2::read::ZlibDecoder::new(&raw[..])
            .take(cap as u64 + 1)
            .read_to_end(&mut out);
        if inflated.is_ok() {
            return if out.len() > cap {
                Err(too_large)
            } else {
                Ok(out)
            };
        }
        // A damaged zlib wrapper: hayro's decoder is more forgiving.
    }
    match stream.decoded_data() {
        Ok(d) if d.len() > cap => Err(too_large),
        Ok(d) => Ok(d.into_owned()),
        Err(_) => Err(AttachmentError::Undecodable),
    }
}

/// A PDF text string: UTF-16BE or UTF-8 with a byte-order mark, else
/// PDFDocEncoding (read as Latin-1, which agrees for file names).
fn text_string(b: &[u8]) -> String {
    if let Some(rest) = b.strip_prefix(b"\xFE\xFF") {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Some(rest) = b.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        b.iter().map(|&c| c as char).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, content: &[u8]) -> Attachment {
        Attachment {
            name: name.into(),
            media_type: None,
            relationship: None,
            description: None,
            content: Ok(content.to_vec()),
        }
    }

    const CII: &[u8] = b"<rsm:CrossIndustryInvoice xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\"/>";
    const UBL: &[u8] =
        b"<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"/>";

    #[test]
    fn prefers_standard_names_and_checks_the_root() {
        let picked = pick_einvoice(vec![
            file("other.xml", UBL),
            file("ZUGFeRD-invoice.xml", CII),
        ])
        .unwrap();
        assert_eq!(picked.filename, "ZUGFeRD-invoice.xml");
        assert_eq!(picked.format, Format::Cii);
        // A standard name with a non-invoice root loses to a real one.
        let picked = pick_einvoice(vec![
            file(
                "factur-x.xml",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
            file("rechnung.XML", UBL),
        ])
        .unwrap();
        assert_eq!(picked.filename, "rechnung.XML");
        assert_eq!(picked.format, Format::Ubl);
        assert_eq!(pick_einvoice(vec![file("photo.jpg", CII)]), None);
        assert_eq!(pick_einvoice(Vec::new()), None);
    }

    #[test]
    fn text_strings() {
        assert_eq!(text_string(b"\xFE\xFF\x00f\x00\xFC"), "fü");
        assert_eq!(text_string(b"factur-x.xml"), "factur-x.xml");
        assert_eq!(text_string(b"\xEF\xBB\xBFa"), "a");
    }
}
