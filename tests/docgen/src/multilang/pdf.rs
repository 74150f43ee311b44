//! Writes a generated document again as a clean PDF with a text layer: the
//! same runs in the same fonts (embedded) at the same places, and the same
//! rules and boxes, at 150 pixels per inch.

use ab_glyph::Font as _;
use thiserror::Error;

use grace_pdfgen::{Document, FilledRect, Font, Page, PageSize, TextRun};

use crate::font::{FontFamily, FontSet, SYSTEM_FONT_DIR};
use crate::render::{DrawOp, TextStyle};

use super::PageDrawing;

/// Errors while writing the PDF.
#[derive(Debug, Error)]
pub enum PdfError {
    /// A font file could not be read for embedding.
    #[error("cannot read font file {path}: {source}")]
    FontFile {
        /// Path of the file.
        path: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// A character has no WinAnsiEncoding byte.
    #[error("character {0:?} cannot be written in WinAnsiEncoding")]
    Unencodable(char),
    /// A face the page uses is not in the font set.
    #[error("font family {0:?} is not loaded")]
    FontNotLoaded(FontFamily),
}

/// Points per pixel: pages are rendered at 150 pixels per inch.
const PT_PER_PX: f32 = 72.0 / 150.0;

/// The PDF of drawn pages.
pub fn write_pdf(fonts: &FontSet, pages: &[PageDrawing]) -> Result<Vec<u8>, PdfError> {
    let mut embedded: Vec<((FontFamily, bool), Font)> = Vec::new();
    let mut out = Vec::with_capacity(pages.len());
    for page in pages {
        let mut p = Page::new(PageSize {
            width: page.width as f32 * PT_PER_PX,
            height: page.height as f32 * PT_PER_PX,
        });
        for op in &page.ops {
            match op {
                DrawOp::Rect { x, y, w, h, color } => p.rects.push(FilledRect {
                    x: x * PT_PER_PX,
                    y: y * PT_PER_PX,
                    width: w * PT_PER_PX,
                    height: h * PT_PER_PX,
                    color: *color,
                }),
                DrawOp::Text {
                    style,
                    x,
                    baseline,
                    text,
                } => {
                    let font = font_of(&mut embedded, style)?;
                    p.runs.push(TextRun {
                        font,
                        size: em_px(fonts, style)? * PT_PER_PX,
                        x: x * PT_PER_PX,
                        baseline: baseline * PT_PER_PX,
                        text: encodable(text)?,
                        color: style.color,
                    });
                }
            }
        }
        out.push(p);
    }
    Ok(Document::new(out).to_bytes())
}

/// The em size in pixels of a style whose `size_px` is ascent-to-descent (ab_glyph's scale).
fn em_px(fonts: &FontSet, style: &TextStyle) -> Result<f32, PdfError> {
    let face = fonts
        .face(style.family, style.bold)
        .ok_or(PdfError::FontNotLoaded(style.family))?;
    let upem = face.units_per_em().unwrap_or(1000.0);
    Ok(style.size_px * upem / face.height_unscaled())
}

/// The text with narrow no-break spaces written as no-break spaces (WinAnsi has no
/// narrow one); any other character outside WinAnsi is an error.
fn encodable(text: &str) -> Result<String, PdfError> {
    text.chars()
        .map(|c| {
            let c = if c == '\u{202F}' { '\u{A0}' } else { c };
            grace_pdfgen::try_win_ansi(c)
                .map(|_| c)
                .ok_or(PdfError::Unencodable(c))
        })
        .collect()
}

fn font_of(
    embedded: &mut Vec<((FontFamily, bool), Font)>,
    style: &TextStyle,
) -> Result<Font, PdfError> {
    let key = (style.family, style.bold);
    if let Some((_, f)) = embedded.iter().find(|(k, _)| *k == key) {
        return Ok(f.clone());
    }
    let path = format!(
        "{SYSTEM_FONT_DIR}/{}",
        style.family.relative_path(style.bold)
    );
    let data = std::fs::read(&path).map_err(|source| PdfError::FontFile { path, source })?;
    let name = format!(
        "{}{}",
        style.family.name().replace(' ', ""),
        if style.bold { "-Bold" } else { "" }
    );
    let font = Font::TrueType { name, data };
    embedded.push((key, font.clone()));
    Ok(font)
}
