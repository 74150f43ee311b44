//! Multilingual invoices and till receipts (es, en, de, fr, nl, it, pt) in
//! two style families: [`Style::Tuning`] to develop the extractor on and
//! [`Style::HeldOut`] to measure it on blind (other layouts, fonts and label
//! wordings).
//!
//! A document is a function of (language, kind, style, seed, degradation):
//! [`generate`] gives its page images (with line, word and field boxes), its
//! text rows and its [`InvoiceTruth`]; [`MultiDoc::pdf`] writes it as a clean
//! PDF with a text layer. The
//! content (parties, items, amounts) depends on (language, kind, seed) only,
//! so the same seed reads the same in both styles.

pub mod content;
mod held_out;
pub mod pdf;
mod sheet;
mod tuning;

use std::io::Cursor;

use image::{ImageFormat, RgbImage};
use serde::{Deserialize, Serialize};

use crate::country::NARROW_NBSP;
use crate::degrade::Degradation;
use crate::font::{FontFamily, FontSet};
use crate::invoice::InvoiceTruth;
use crate::lang::{Labels, Language};
use crate::render::{DrawOp, FieldBox, Quad, RenderedPage, TextStyle, TruthLine};
use crate::rng::Rng;
use crate::{system_fonts, DocgenError};

pub use content::{Content, DocumentKind, LineItem, RateGroup, Settlement};
pub use pdf::PdfError;

use sheet::{Sheet, Words};

/// A style family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Style {
    /// Layouts, fonts and wordings the extractor is developed on.
    Tuning,
    /// Different layouts, fonts and wordings, only ever measured on.
    HeldOut,
}

impl Style {
    /// Both families.
    pub const ALL: [Style; 2] = [Style::Tuning, Style::HeldOut];

    /// A short name (`tuning`, `held-out`).
    pub fn name(self) -> &'static str {
        match self {
            Style::Tuning => "tuning",
            Style::HeldOut => "held-out",
        }
    }

    /// The family of a short name.
    pub fn from_name(name: &str) -> Option<Style> {
        Style::ALL.into_iter().find(|s| s.name() == name)
    }

    /// This family's label wordings in a language.
    pub fn labels(self, lang: Language) -> &'static Labels {
        let lex = lang.lexicon();
        match self {
            Style::Tuning => &lex.tuning,
            Style::HeldOut => &lex.held_out,
        }
    }

    /// Font families of this family's invoices (the two families share none).
    pub fn invoice_fonts(self) -> &'static [FontFamily] {
        match self {
            Style::Tuning => &[
                FontFamily::DejaVuSans,
                FontFamily::LiberationSans,
                FontFamily::LiberationSerif,
            ],
            Style::HeldOut => &[
                FontFamily::FreeSans,
                FontFamily::FreeSerif,
                FontFamily::DejaVuSerif,
            ],
        }
    }

    /// Font families of this family's receipts.
    pub fn receipt_fonts(self) -> &'static [FontFamily] {
        match self {
            Style::Tuning => &[FontFamily::DejaVuSansMono, FontFamily::LiberationMono],
            Style::HeldOut => &[FontFamily::FreeMono],
        }
    }
}

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocSpec {
    /// Language of the words.
    pub language: Language,
    /// Invoice or receipt.
    pub kind: DocumentKind,
    /// Style family.
    pub style: Style,
    /// Seed.
    pub seed: u64,
    /// Degradations of the page images (the PDF is always clean).
    pub degradation: Degradation,
}

/// One page of a generated document.
#[derive(Clone, Debug)]
pub struct DocPage {
    /// Final pixels (after degradations).
    pub image: RgbImage,
    /// JPEG file bytes when the degradation included a JPEG re-encode.
    pub jpeg: Option<Vec<u8>>,
    /// Every text run with its words, in drawing order.
    pub lines: Vec<TruthLine>,
    /// Where printed field values are.
    pub field_boxes: Vec<FieldBox>,
}

impl DocPage {
    /// The file to write: JPEG bytes and `"jpg"` when JPEG-degraded, else PNG and `"png"`.
    pub fn file_bytes(&self) -> Result<(Vec<u8>, &'static str), DocgenError> {
        match &self.jpeg {
            Some(j) => Ok((j.clone(), "jpg")),
            None => {
                let mut buf = Cursor::new(Vec::new());
                self.image.write_to(&mut buf, ImageFormat::Png)?;
                Ok((buf.into_inner(), "png"))
            }
        }
    }

    /// The page's text as rows: runs whose boxes share a row, left to right,
    /// joined by two spaces; rows top to bottom.
    pub fn text_rows(&self) -> Vec<String> {
        let centre = |q: &Quad| (q[0][1] + q[2][1]) / 2.0;
        let height = |q: &Quad| (q[2][1] - q[0][1]).abs();
        let mut runs: Vec<&TruthLine> = self.lines.iter().filter(|l| !l.text.is_empty()).collect();
        runs.sort_by(|a, b| centre(&a.quad).total_cmp(&centre(&b.quad)));
        let mut rows: Vec<Vec<&TruthLine>> = Vec::new();
        for run in runs {
            match rows.last_mut() {
                Some(row)
                    if (centre(&row[0].quad) - centre(&run.quad)).abs()
                        < height(&row[0].quad) * 0.5 =>
                {
                    row.push(run)
                }
                _ => rows.push(vec![run]),
            }
        }
        rows.into_iter()
            .map(|mut row| {
                row.sort_by(|a, b| a.quad[0][0].total_cmp(&b.quad[0][0]));
                row.iter()
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join("  ")
            })
            .collect()
    }
}

/// A generated multilingual document.
#[derive(Clone, Debug)]
pub struct MultiDoc {
    /// What was asked for.
    pub spec: DocSpec,
    /// The layout drawn (style family, kind and switches).
    pub layout: String,
    /// The body font.
    pub font: FontFamily,
    /// Pages, first to last.
    pub pages: Vec<DocPage>,
    /// What was drawn on each page, for [`MultiDoc::pdf`].
    pub drawings: Vec<PageDrawing>,
    /// Normalized truth of what is printed.
    pub fields: InvoiceTruth,
    /// The content with exact amounts.
    pub content: Content,
}

/// The drawing operations of one clean page and its size in pixels.
#[derive(Clone, Debug)]
pub struct PageDrawing {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// What was drawn, in order.
    pub ops: Vec<DrawOp>,
}

/// One page of the JSON truth.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageTruth {
    /// Image width in pixels.
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// Text rows (see [`DocPage::text_rows`]).
    pub text: Vec<String>,
    /// Field value boxes.
    pub field_boxes: Vec<FieldBox>,
    /// Text runs with words.
    pub lines: Vec<TruthLine>,
}

/// The JSON ground truth of a multilingual document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MultiTruth {
    /// What was asked for.
    pub spec: DocSpec,
    /// The layout drawn.
    pub layout: String,
    /// The body font.
    pub font: FontFamily,
    /// Normalized fields.
    pub fields: InvoiceTruth,
    /// Pages.
    pub pages: Vec<PageTruth>,
}

impl MultiDoc {
    /// The clean document as a PDF with a text layer (system fonts embedded).
    pub fn pdf(&self) -> Result<Vec<u8>, DocgenError> {
        self.pdf_with(system_fonts()?)
    }

    /// The clean document as a PDF, with the font set it was drawn with.
    pub fn pdf_with(&self, fonts: &FontSet) -> Result<Vec<u8>, DocgenError> {
        Ok(pdf::write_pdf(fonts, &self.drawings)?)
    }

    /// Text rows of every page, pages separated by a form feed line.
    pub fn text(&self) -> String {
        self.pages
            .iter()
            .map(|p| p.text_rows().join("\n"))
            .collect::<Vec<_>>()
            .join("\n\u{c}\n")
    }

    /// The serializable ground truth.
    pub fn truth(&self) -> MultiTruth {
        MultiTruth {
            spec: self.spec,
            layout: self.layout.clone(),
            font: self.font,
            fields: self.fields.clone(),
            pages: self
                .pages
                .iter()
                .map(|p| PageTruth {
                    width: p.image.width(),
                    height: p.image.height(),
                    text: p.text_rows(),
                    field_boxes: p.field_boxes.clone(),
                    lines: p.lines.clone(),
                })
                .collect(),
        }
    }

    /// The ground truth as pretty-printed JSON.
    pub fn truth_json(&self) -> String {
        serde_json::to_string_pretty(&self.truth()).expect("truth serializes")
    }
}

/// Generates a document with the system fonts.
pub fn generate(spec: DocSpec) -> Result<MultiDoc, DocgenError> {
    generate_with(system_fonts()?, spec)
}

/// Keys a sub-stream by language and kind, so content is the same in both styles.
fn content_key(spec: &DocSpec) -> u64 {
    let lang = Language::ALL
        .iter()
        .position(|l| *l == spec.language)
        .unwrap_or(0) as u64;
    let kind = DocumentKind::ALL
        .iter()
        .position(|k| *k == spec.kind)
        .unwrap_or(0) as u64;
    0x4D4C_0000 + lang * 16 + kind
}

/// Generates a document with a given font set.
pub fn generate_with(fonts: &FontSet, spec: DocSpec) -> Result<MultiDoc, DocgenError> {
    let mut content_rng = Rng::new(spec.seed).fork(content_key(&spec));
    let style_key = match spec.style {
        Style::Tuning => 0x7475,
        Style::HeldOut => 0x686F,
    };
    let mut layout_rng = Rng::new(spec.seed).fork(content_key(&spec) ^ style_key);
    let long = spec.kind == DocumentKind::Invoice && content_rng.chance(0.2);
    let content = Content::random(spec.kind, spec.language, long, &mut content_rng);
    let country = content.country;
    let (tuning_ids, held_out_ids) = country.vat_id_labels(spec.language);
    let vat_ids = match spec.style {
        Style::Tuning => tuning_ids,
        Style::HeldOut => held_out_ids,
    };
    let receipt = spec.kind == DocumentKind::Receipt;
    let words = Words::pick(
        spec.style.labels(spec.language),
        vat_ids,
        receipt,
        &content.tax_name,
        &mut layout_rng,
    );
    let (font, pages, layout) = if receipt {
        draw_receipt(fonts, &content, &words, spec.style, &mut layout_rng)?
    } else {
        draw_invoice(fonts, &content, &words, spec.style, &mut layout_rng)?
    };
    let mut out = Vec::with_capacity(pages.len());
    let mut drawings = Vec::with_capacity(pages.len());
    for (i, page) in pages.into_iter().enumerate() {
        let RenderedPage {
            image,
            mut lines,
            fields: mut field_boxes,
            ops,
        } = page;
        drawings.push(PageDrawing {
            width: image.width(),
            height: image.height(),
            ops,
        });
        let (image, jpeg) = if spec.degradation.is_none() {
            (image, None)
        } else {
            let seed = spec.seed.wrapping_add(i as u64);
            let d = spec
                .degradation
                .apply(&image, &mut lines, &mut field_boxes, seed)?;
            (d.image, d.jpeg)
        };
        out.push(DocPage {
            image,
            jpeg,
            lines,
            field_boxes,
        });
    }
    Ok(MultiDoc {
        spec,
        layout,
        font,
        pages: out,
        drawings,
        fields: content.truth(),
        content,
    })
}

/// A family of `choices` that the font set has, drawn with `rng`.
fn pick_font(fonts: &FontSet, choices: &[FontFamily], rng: &mut Rng) -> FontFamily {
    let loaded = fonts.families();
    let usable: Vec<FontFamily> = choices
        .iter()
        .copied()
        .filter(|f| loaded.contains(f))
        .collect();
    if usable.is_empty() {
        *rng.pick(&loaded)
    } else {
        *rng.pick(&usable)
    }
}

type Drawn = (FontFamily, Vec<RenderedPage>, String);

fn draw_invoice(
    fonts: &FontSet,
    doc: &Content,
    words: &Words,
    style: Style,
    rng: &mut Rng,
) -> Result<Drawn, DocgenError> {
    let family = pick_font(fonts, style.invoice_fonts(), rng);
    let width = rng.range(1000, 1240) as f32;
    let size = (width / rng.uniform(58.0, 66.0)).round();
    let ink = *rng.pick(&[[0, 0, 0], [25, 25, 35], [40, 40, 40]]);
    let accent = *rng.pick(&[
        [31, 58, 105],
        [20, 90, 70],
        [130, 30, 40],
        [60, 60, 60],
        [0, 95, 140],
    ]);
    let body = TextStyle::new(family, size).color(ink);
    let lh = (size * rng.uniform(1.35, 1.55)).round();
    let margin = (width * rng.uniform(0.06, 0.08)).round();
    let mut sheet = Sheet::page(fonts, width, body, lh, margin, accent)?;
    let layout = match style {
        Style::Tuning => tuning::invoice(&mut sheet, doc, words, rng)?,
        Style::HeldOut => held_out::invoice(&mut sheet, doc, words, rng)?,
    };
    Ok((family, sheet.finish(), layout))
}

fn draw_receipt(
    fonts: &FontSet,
    doc: &Content,
    words: &Words,
    style: Style,
    rng: &mut Rng,
) -> Result<Drawn, DocgenError> {
    // Liberation Mono has no narrow no-break space: not for French amounts.
    let choices: Vec<FontFamily> = style
        .receipt_fonts()
        .iter()
        .copied()
        .filter(|f| doc.money.group != NARROW_NBSP || *f != FontFamily::LiberationMono)
        .collect();
    let family = pick_font(fonts, &choices, rng);
    let (width, cols) = if rng.chance(0.5) {
        (384.0f32, 32.0f32)
    } else {
        (576.0, 44.0)
    };
    let margin = (width * 0.04).round();
    let probe = crate::render::Canvas::new(fonts, 1, 1, [255, 255, 255])?;
    let advance = probe
        .measure(&TextStyle::new(family, 100.0), "0000000000")?
        .width
        / 1000.0;
    let size = ((width - 2.0 * margin) / (cols * advance)).floor();
    let ink = *rng.pick(&[[0, 0, 0], [30, 30, 45], [50, 50, 60]]);
    let body = TextStyle::new(family, size).color(ink);
    let lh = (size * rng.uniform(1.3, 1.5)).round();
    let mut sheet = Sheet::strip(fonts, width, body, lh, margin)?;
    let layout = match style {
        Style::Tuning => tuning::receipt(&mut sheet, doc, words, rng)?,
        Style::HeldOut => held_out::receipt(&mut sheet, doc, words, rng)?,
    };
    Ok((family, sheet.finish(), layout))
}

/// `count` clean documents of a language and style from seeds `first_seed..`:
/// two invoices for every receipt.
pub fn set(
    language: Language,
    style: Style,
    count: usize,
    first_seed: u64,
) -> Result<Vec<MultiDoc>, DocgenError> {
    (0..count as u64)
        .map(|i| {
            let seed = first_seed + i;
            let kind = if seed % 3 == 2 {
                DocumentKind::Receipt
            } else {
                DocumentKind::Invoice
            };
            generate(DocSpec {
                language,
                kind,
                style,
                seed,
                degradation: Degradation::none(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
