//! The JSON document the `pdf` module returns: one entry per page, either
//! the text layer in the `ocr` module's layout shape or a rendered image.

use serde::{Deserialize, Serialize};

/// Result of reading a PDF.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PdfOutput {
    /// Pages in the whole document (not only the selected ones).
    pub page_count: usize,
    /// Resolution of every pixel coordinate and image in this document.
    pub dpi: u32,
    /// The selected pages, in document order.
    pub pages: Vec<PageOutput>,
    /// The pages' text joined with a blank line between pages.
    pub text: String,
    /// The structured invoice XML embedded in the PDF (Factur-X, ZUGFeRD,
    /// XRechnung), when there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub e_invoice: Option<EInvoiceXml>,
}

/// An e-invoice XML attached to the PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EInvoiceXml {
    /// The attachment's file name, e.g. `factur-x.xml`.
    pub filename: String,
    /// `cii`, `zugferd1` or `ubl`.
    pub format: grace_einvoice::Format,
    /// The XML document, UTF-8.
    pub xml: String,
}

/// Where a page's content comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// The PDF's own text: `lines` and `text` are exact, no OCR needed.
    TextLayer,
    /// No usable text: `image` holds the rendered page for the `ocr` module.
    Image,
}

/// One page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageOutput {
    /// 1-based page number in the document.
    pub number: usize,
    /// Where `lines` and `text` come from.
    pub source: Source,
    /// Page size in pixels at `dpi` (after the page's /Rotate).
    pub page: PageSize,
    /// Text lines in reading order (empty for `image` pages).
    pub lines: Vec<Line>,
    /// Lines joined by newlines.
    pub text: String,
    /// The rendered page: always for `image` pages, for text pages only when
    /// the `render` option is `always`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub image: Option<PageImage>,
}

/// Page size in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageSize {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// A text line, in the same shape as the `ocr` module's lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// The line's text (words joined by single spaces).
    pub text: String,
    /// Always 1: the text layer is the document's own text.
    pub confidence: f32,
    /// Four corners `[x, y]` in pixels, clockwise from the top-left.
    #[serde(rename = "box")]
    pub bbox: [[f32; 2]; 4],
    /// Always 0 for text-layer lines.
    pub angle: u16,
    /// Words with their own boxes.
    pub words: Vec<Word>,
}

/// A word of a text-layer line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    /// The word's text.
    pub text: String,
    /// Always 1.
    pub confidence: f32,
    /// Four corners `[x, y]` in pixels, clockwise from the top-left.
    #[serde(rename = "box")]
    pub bbox: [[f32; 2]; 4],
}

/// A rendered page image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageImage {
    /// Always `image/png` (8-bit RGB, white background).
    pub media_type: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The PNG file, standard base64 with padding.
    pub base64: String,
}
