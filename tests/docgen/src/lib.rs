//! Deterministic generator of rendered test documents with ground truth.
//!
//! * [`render_lines`] renders plain lines of text (OCR round-trip tests).
//! * [`generate`] renders a Spanish factura, ticket or factura rectificativa with
//!   normalized field truth ([`InvoiceTruth`]), text-line and word quads, and
//!   optional [`Degradation`]s. The same `(kind, seed, degradation)` and font set
//!   always give the same bytes.
//! * [`multilang`] renders invoices and till receipts in es, en, de, fr, nl,
//!   it and pt, in a tuning and a held-out style family, with PDFs and text.

pub mod country;
pub mod degrade;
pub mod font;
pub mod ids;
pub mod intl_ids;
pub mod invoice;
pub mod lang;
pub mod layout;
pub mod multilang;
pub mod render;
pub mod rng;

use std::io::Cursor;
use std::sync::OnceLock;

use image::{ImageFormat, RgbImage};
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use country::Country;
pub use degrade::{Degradation, DegradeError};
pub use font::{FontError, FontFamily, FontSet, DEBIAN_FONT_PACKAGES};
pub use invoice::{DocKind, Invoice, InvoiceTruth, LineItemTruth, TaxLineTruth};
pub use lang::Language;
pub use layout::Layout;
pub use multilang::{DocSpec, DocumentKind, MultiDoc, Style};
pub use render::{
    render_lines, Canvas, DrawOp, FieldBox, LineSpec, LinesSpec, Quad, RenderError, RenderedPage,
    TextStyle, TruthLine, TruthWord,
};
pub use rng::Rng;

/// Errors of the generator.
#[derive(Debug, Error)]
pub enum DocgenError {
    /// Fonts could not be loaded.
    #[error(transparent)]
    Font(#[from] FontError),
    /// The system font set failed to load earlier.
    #[error("system fonts unavailable: {0}")]
    SystemFonts(String),
    /// Drawing failed.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// A degradation failed.
    #[error(transparent)]
    Degrade(#[from] DegradeError),
    /// Encoding the image failed.
    #[error("image encoding failed: {0}")]
    Encode(#[from] image::ImageError),
    /// Writing the PDF failed.
    #[error(transparent)]
    Pdf(#[from] multilang::PdfError),
}

/// A generated document: image, text truth and field truth.
#[derive(Clone, Debug)]
pub struct GeneratedDoc {
    /// Document kind.
    pub kind: DocKind,
    /// Seed it was generated from.
    pub seed: u64,
    /// Layout used.
    pub layout: Layout,
    /// Degradations applied.
    pub degradation: Degradation,
    /// Final pixels (after degradations).
    pub image: RgbImage,
    /// JPEG file bytes when the degradation included a JPEG re-encode.
    pub jpeg: Option<Vec<u8>>,
    /// Every text run with its words, in drawing order.
    pub lines: Vec<TruthLine>,
    /// Where each printed field value is (a field may appear more than once).
    pub field_boxes: Vec<FieldBox>,
    /// Normalized field truth.
    pub fields: InvoiceTruth,
    /// The underlying content with exact amounts.
    pub invoice: Invoice,
}

/// The JSON ground truth written next to each generated image.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocTruth {
    /// Document kind.
    pub kind: DocKind,
    /// Seed.
    pub seed: u64,
    /// Layout.
    pub layout: Layout,
    /// Degradations applied.
    pub degradation: Degradation,
    /// Image width in pixels.
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// Normalized fields.
    pub fields: InvoiceTruth,
    /// Field value boxes.
    pub field_boxes: Vec<FieldBox>,
    /// Text runs with words.
    pub lines: Vec<TruthLine>,
}

impl GeneratedDoc {
    /// PNG encoding of [`GeneratedDoc::image`].
    pub fn png_bytes(&self) -> Result<Vec<u8>, DocgenError> {
        let mut buf = Cursor::new(Vec::new());
        self.image.write_to(&mut buf, ImageFormat::Png)?;
        Ok(buf.into_inner())
    }

    /// The file to write: JPEG bytes and `"jpg"` when JPEG-degraded, else PNG and `"png"`.
    pub fn file_bytes(&self) -> Result<(Vec<u8>, &'static str), DocgenError> {
        match &self.jpeg {
            Some(j) => Ok((j.clone(), "jpg")),
            None => Ok((self.png_bytes()?, "png")),
        }
    }

    /// The serializable ground truth.
    pub fn truth(&self) -> DocTruth {
        DocTruth {
            kind: self.kind,
            seed: self.seed,
            layout: self.layout,
            degradation: self.degradation,
            width: self.image.width(),
            height: self.image.height(),
            fields: self.fields.clone(),
            field_boxes: self.field_boxes.clone(),
            lines: self.lines.clone(),
        }
    }

    /// The ground truth as pretty-printed JSON.
    pub fn truth_json(&self) -> String {
        serde_json::to_string_pretty(&self.truth()).expect("truth serializes")
    }
}

/// The system font set (see [`FontSet::system`]), loaded once per process.
pub fn system_fonts() -> Result<&'static FontSet, DocgenError> {
    static FONTS: OnceLock<Result<FontSet, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| FontSet::system().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| DocgenError::SystemFonts(e.clone()))
}

/// Generates a document with the system fonts; the layout is chosen from the seed.
pub fn generate(
    kind: DocKind,
    seed: u64,
    degrade: Degradation,
) -> Result<GeneratedDoc, DocgenError> {
    generate_with(system_fonts()?, kind, seed, None, degrade)
}

/// Generates a document with a given font set and, optionally, a forced layout.
pub fn generate_with(
    fonts: &FontSet,
    kind: DocKind,
    seed: u64,
    layout: Option<Layout>,
    degrade: Degradation,
) -> Result<GeneratedDoc, DocgenError> {
    let mut root = Rng::new(seed);
    let mut content_rng = root.fork(0xC0);
    let mut layout_rng = root.fork(0x1A);
    let invoice = Invoice::random(kind, &mut content_rng);
    let layout = layout.unwrap_or_else(|| *layout_rng.pick(Layout::for_kind(kind)));
    let page = layout::draw(fonts, &invoice, layout, &mut layout_rng)?;
    let RenderedPage {
        image,
        mut lines,
        fields: mut field_boxes,
        ..
    } = page;
    let (image, jpeg) = if degrade.is_none() {
        (image, None)
    } else {
        let d = degrade.apply(&image, &mut lines, &mut field_boxes, seed)?;
        (d.image, d.jpeg)
    };
    Ok(GeneratedDoc {
        kind,
        seed,
        layout,
        degradation: degrade,
        image,
        jpeg,
        lines,
        field_boxes,
        fields: invoice.truth(),
        invoice,
    })
}

#[cfg(test)]
mod tests;
