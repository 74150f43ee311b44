//! Structured e-invoices read from their XML: Factur-X / ZUGFeRD 2.x /
//! XRechnung in UN/CEFACT CII, ZUGFeRD 1.0, and UBL 2.1 invoices and credit
//! notes. When a document carries one of these, its fields are exact and
//! need no OCR or layout guessing; this crate turns any of them into one
//! [`EInvoice`] shape.
//!
//! The input is untrusted: size, nesting depth and node count are bounded
//! before or while parsing, DTDs (and with them entity expansion and
//! external entities) are refused, and every failure is a typed
//! [`EInvoiceError`], never a panic.

mod cii;
mod dom;
mod model;
mod scan;
mod ubl;
pub mod values;

pub use model::{Amount, Decimal, EInvoice, Format, LineItem, Party, Payment, TaxLine, Totals};

/// Largest accepted XML, in bytes.
pub const MAX_XML_BYTES: usize = 20 << 20;
/// Deepest accepted element nesting (real invoices stay under 15).
pub const MAX_DEPTH: usize = 128;
/// Most XML nodes (elements, text, comments) the tree may hold.
pub const MAX_NODES: u32 = 4_000_000;
/// How far into the input [`detect`] looks for the root element.
pub const DETECT_WINDOW: usize = 64 << 10;

/// Bounds on what [`parse_with_limits`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input in bytes.
    pub max_bytes: usize,
    /// Deepest element nesting.
    pub max_depth: usize,
    /// Most XML nodes.
    pub max_nodes: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: MAX_XML_BYTES,
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
        }
    }
}

/// Why an XML could not be read as an e-invoice.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EInvoiceError {
    /// Zero bytes, or only whitespace.
    #[error("the XML is empty")]
    Empty,
    /// Over [`Limits::max_bytes`].
    #[error("the XML is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// Input size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Not valid UTF-8 (e-invoices are UTF-8).
    #[error("the XML is not valid UTF-8 (first bad byte at offset {offset})")]
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// A document type declaration: refused, since entity definitions are
    /// how entity-expansion bombs and external-entity reads work.
    #[error("the XML has a DTD (<!DOCTYPE>), which e-invoices never need and which is refused")]
    Dtd,
    /// Elements nested deeper than [`Limits::max_depth`].
    #[error("the XML nests elements deeper than the limit of {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// More nodes than [`Limits::max_nodes`].
    #[error("the XML has more than the limit of {limit} nodes")]
    TooManyNodes {
        /// The limit.
        limit: u32,
    },
    /// Not well-formed XML.
    #[error("the XML is malformed: {0}")]
    Malformed(String),
    /// Well-formed, but the root is not an invoice format this crate reads.
    #[error("not an e-invoice: the root element is {root}, not a CII CrossIndustryInvoice, ZUGFeRD 1 CrossIndustryDocument or UBL Invoice/CreditNote")]
    NotAnInvoice {
        /// The root element as `{namespace}local` or `local`.
        root: String,
    },
    /// A field every invoice must have is absent.
    #[error("the invoice has no {field}")]
    Missing {
        /// Which field.
        field: &'static str,
    },
}

/// The format of an e-invoice XML, judged from its root element's name and
/// namespace in the first [`DETECT_WINDOW`] bytes without building a tree.
/// `None` for anything else. A `Some` does not promise [`parse`] succeeds.
pub fn detect(xml: &[u8]) -> Option<Format> {
    let (local, ns) = scan::root_name(xml, DETECT_WINDOW)?;
    classify(&local, ns.as_deref())
}

/// Which format a root element `{ns}local` denotes.
fn classify(local: &str, ns: Option<&str>) -> Option<Format> {
    let ns = ns?;
    match local {
        "CrossIndustryInvoice"
            if ns.starts_with("urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:") =>
        {
            Some(Format::Cii)
        }
        "CrossIndustryDocument" if ns.starts_with("urn:ferd:CrossIndustryDocument:invoice:") => {
            Some(Format::Zugferd1)
        }
        "Invoice" if ns == "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" => {
            Some(Format::Ubl)
        }
        "CreditNote" if ns == "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2" => {
            Some(Format::Ubl)
        }
        _ => None,
    }
}

/// Parses an e-invoice with the default [`Limits`].
pub fn parse(xml: &[u8]) -> Result<EInvoice, EInvoiceError> {
    parse_with_limits(xml, &Limits::default())
}

/// Parses an e-invoice: CII (Factur-X, ZUGFeRD 2.x, XRechnung), ZUGFeRD 1.0
/// or UBL 2.1, whichever the root element names.
pub fn parse_with_limits(xml: &[u8], limits: &Limits) -> Result<EInvoice, EInvoiceError> {
    if xml.len() > limits.max_bytes {
        return Err(EInvoiceError::TooLarge {
            size: xml.len(),
            limit: limits.max_bytes,
        });
    }
    let xml = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml);
    if xml.iter().all(u8::is_ascii_whitespace) {
        return Err(EInvoiceError::Empty);
    }
    let text = std::str::from_utf8(xml).map_err(|e| EInvoiceError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    match scan::check_structure(xml, limits.max_depth) {
        scan::Structure::Ok => {}
        scan::Structure::Dtd => return Err(EInvoiceError::Dtd),
        scan::Structure::TooDeep => {
            return Err(EInvoiceError::TooDeep {
                limit: limits.max_depth,
            })
        }
    }
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: limits.max_nodes,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => EInvoiceError::Dtd,
        roxmltree::Error::NodesLimitReached => EInvoiceError::TooManyNodes {
            limit: limits.max_nodes,
        },
        other => EInvoiceError::Malformed(other.to_string()),
    })?;
    let root = doc.root_element();
    let local = root.tag_name().name();
    let ns = root.tag_name().namespace();
    let format = classify(local, ns).ok_or_else(|| EInvoiceError::NotAnInvoice {
        root: match ns {
            Some(ns) => format!("{{{ns}}}{local}"),
            None => local.to_string(),
        },
    })?;
    let invoice = match format {
        Format::Cii | Format::Zugferd1 => cii::read(root, format),
        Format::Ubl => ubl::read(root),
    };
    if invoice.invoice_number.is_empty() {
        return Err(EInvoiceError::Missing {
            field: "invoice number (BT-1)",
        });
    }
    Ok(invoice)
}
