//! Text rasterization with ab_glyph onto an RGB canvas, recording ground-truth quads.

use ab_glyph::{point, Font, FontVec, GlyphId, PxScale, ScaleFont};
use image::{Rgb, RgbImage};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::font::{FontFamily, FontSet};

/// Four corners, clockwise from top-left, in pixel coordinates.
pub type Quad = [[f32; 2]; 4];

/// Errors while rendering text.
#[derive(Debug, Error)]
pub enum RenderError {
    /// The requested font family is not in the font set.
    #[error("font family {0:?} is not loaded")]
    FontNotLoaded(FontFamily),
    /// A character has no glyph in the chosen font.
    #[error("character {ch:?} has no glyph in {family:?}")]
    MissingGlyph {
        /// The character.
        ch: char,
        /// The font family.
        family: FontFamily,
    },
    /// The page would be empty or too large.
    #[error("invalid page size {0}x{1}")]
    PageSize(u32, u32),
}

/// How a run of text looks.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TextStyle {
    /// Font family.
    pub family: FontFamily,
    /// Bold face instead of regular.
    pub bold: bool,
    /// Pixel size (the font's ascent-to-descent height in pixels).
    pub size_px: f32,
    /// Text colour.
    pub color: [u8; 3],
}

impl TextStyle {
    /// Black regular text of a family and size.
    pub fn new(family: FontFamily, size_px: f32) -> Self {
        Self {
            family,
            bold: false,
            size_px,
            color: [0, 0, 0],
        }
    }

    /// The same style in bold.
    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }

    /// The same style in a regular weight.
    pub fn regular(mut self) -> Self {
        self.bold = false;
        self
    }

    /// The same style at another size.
    pub fn size(mut self, size_px: f32) -> Self {
        self.size_px = size_px;
        self
    }

    /// The same style in another colour.
    pub fn color(mut self, color: [u8; 3]) -> Self {
        self.color = color;
        self
    }
}

/// Ground truth of one word.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TruthWord {
    /// The word's text.
    pub text: String,
    /// Its box.
    pub quad: Quad,
}

/// Ground truth of one rendered text run (a line, or a cell of a table row).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TruthLine {
    /// The run's text, words separated by single spaces.
    pub text: String,
    /// Its box.
    pub quad: Quad,
    /// Its words.
    pub words: Vec<TruthWord>,
}

/// Where a field's value was printed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldBox {
    /// Field name (as in [`crate::InvoiceTruth`]).
    pub field: String,
    /// The text printed for it.
    pub text: String,
    /// Box of the printed text.
    pub quad: Quad,
}

/// A rendered image with its text ground truth.
#[derive(Clone, Debug)]
pub struct RenderedPage {
    /// The image.
    pub image: RgbImage,
    /// Every text run drawn, in drawing order.
    pub lines: Vec<TruthLine>,
    /// Boxes of tagged field values.
    pub fields: Vec<FieldBox>,
    /// What was drawn, in order, so the page can be written again as a PDF.
    pub ops: Vec<DrawOp>,
}

/// One drawing operation of a [`Canvas`], in pixel coordinates.
#[derive(Clone, Debug, PartialEq)]
pub enum DrawOp {
    /// A run of text with its left edge at `x` on `baseline`.
    Text {
        /// Its style.
        style: TextStyle,
        /// Left edge.
        x: f32,
        /// Baseline.
        baseline: f32,
        /// The text as drawn (with its original spaces).
        text: String,
    },
    /// A filled rectangle (rules and boxes are rectangles too).
    Rect {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// Fill colour.
        color: [u8; 3],
    },
}

/// Horizontal extent and vertical metrics of a text run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextExtent {
    /// Advance width in pixels.
    pub width: f32,
    /// Ascent above the baseline in pixels.
    pub ascent: f32,
    /// Descent below the baseline in pixels (positive).
    pub descent: f32,
}

/// One line of [`LinesSpec`].
#[derive(Clone, Debug, PartialEq)]
pub struct LineSpec {
    /// Text of the line.
    pub text: String,
    /// Its style.
    pub style: TextStyle,
}

/// A page of plain lines, for OCR round-trip tests.
#[derive(Clone, Debug, PartialEq)]
pub struct LinesSpec {
    /// Lines, top to bottom.
    pub lines: Vec<LineSpec>,
    /// Background colour.
    pub background: [u8; 3],
    /// Margin around the text in pixels.
    pub margin: u32,
    /// Distance between baselines, as a multiple of each line's pixel size.
    pub line_spacing: f32,
    /// Page width; `None` fits the widest line.
    pub width: Option<u32>,
}

impl LinesSpec {
    /// Lines sharing one style, on white with a margin of one text size and 1.5 line spacing.
    pub fn uniform<S: AsRef<str>>(lines: &[S], style: TextStyle) -> Self {
        Self {
            lines: lines
                .iter()
                .map(|t| LineSpec {
                    text: t.as_ref().to_string(),
                    style,
                })
                .collect(),
            background: [255, 255, 255],
            margin: style.size_px.ceil() as u32,
            line_spacing: 1.5,
            width: None,
        }
    }
}

/// Renders plain lines of text onto a new page.
pub fn render_lines(fonts: &FontSet, spec: &LinesSpec) -> Result<RenderedPage, RenderError> {
    let probe = Canvas::new(fonts, 1, 1, spec.background)?;
    let mut widest = 0f32;
    let mut height = spec.margin as f32;
    let mut baselines = Vec::with_capacity(spec.lines.len());
    for (i, line) in spec.lines.iter().enumerate() {
        let ext = probe.measure(&line.style, &line.text)?;
        widest = widest.max(ext.width);
        let baseline = if i == 0 {
            height + ext.ascent
        } else {
            baselines[i - 1] + line.style.size_px * spec.line_spacing
        };
        baselines.push(baseline);
        height = baseline + ext.descent;
    }
    let width = spec
        .width
        .unwrap_or((widest.ceil() as u32 + 2 * spec.margin).max(1));
    let height = (height.ceil() as u32 + spec.margin).max(1);
    let mut canvas = Canvas::new(fonts, width, height, spec.background)?;
    for (line, baseline) in spec.lines.iter().zip(baselines) {
        if !line.text.trim().is_empty() {
            canvas.text(&line.style, spec.margin as f32, baseline, &line.text)?;
        }
    }
    Ok(canvas.finish(None))
}

/// A drawing surface that records every text run it draws.
pub struct Canvas<'f> {
    fonts: &'f FontSet,
    image: RgbImage,
    lines: Vec<TruthLine>,
    fields: Vec<FieldBox>,
    ops: Vec<DrawOp>,
    bottom: f32,
}

impl<'f> Canvas<'f> {
    /// A blank canvas filled with `background`.
    pub fn new(
        fonts: &'f FontSet,
        width: u32,
        height: u32,
        background: [u8; 3],
    ) -> Result<Self, RenderError> {
        if width == 0 || height == 0 || width > 20_000 || height > 40_000 {
            return Err(RenderError::PageSize(width, height));
        }
        Ok(Self {
            fonts,
            image: RgbImage::from_pixel(width, height, Rgb(background)),
            lines: Vec::new(),
            fields: Vec::new(),
            ops: Vec::new(),
            bottom: 0.0,
        })
    }

    /// Canvas width in pixels.
    pub fn width(&self) -> u32 {
        self.image.width()
    }

    /// Lowest y coordinate reached by anything drawn so far.
    pub fn bottom(&self) -> f32 {
        self.bottom
    }

    fn face(&self, style: &TextStyle) -> Result<&'f FontVec, RenderError> {
        self.fonts
            .face(style.family, style.bold)
            .ok_or(RenderError::FontNotLoaded(style.family))
    }

    /// Measures a run of text without drawing it.
    pub fn measure(&self, style: &TextStyle, text: &str) -> Result<TextExtent, RenderError> {
        let font = self.face(style)?;
        let scaled = font.as_scaled(PxScale::from(style.size_px));
        let mut width = 0f32;
        let mut prev: Option<GlyphId> = None;
        for ch in text.chars() {
            let id = glyph_id(font, ch, style.family)?;
            if let Some(p) = prev {
                width += scaled.kern(p, id);
            }
            width += scaled.h_advance(id);
            prev = Some(id);
        }
        Ok(TextExtent {
            width,
            ascent: scaled.ascent(),
            descent: -scaled.descent(),
        })
    }

    /// Draws a run with its left edge at `x` on `baseline`; returns its box.
    pub fn text(
        &mut self,
        style: &TextStyle,
        x: f32,
        baseline: f32,
        text: &str,
    ) -> Result<Quad, RenderError> {
        let font = self.face(style)?;
        let scaled = font.as_scaled(PxScale::from(style.size_px));
        let (ascent, descent) = (scaled.ascent(), -scaled.descent());
        self.ops.push(DrawOp::Text {
            style: *style,
            x,
            baseline,
            text: text.to_string(),
        });
        let mut caret = x;
        let mut prev: Option<GlyphId> = None;
        // Per-word horizontal extents: (text, x0, x1, ink_top, ink_bottom).
        let mut words: Vec<(String, f32, f32, f32, f32)> = Vec::new();
        let mut in_word = false;
        for ch in text.chars() {
            let id = glyph_id(font, ch, style.family)?;
            if let Some(p) = prev {
                caret += scaled.kern(p, id);
            }
            let advance = scaled.h_advance(id);
            if ch.is_whitespace() {
                in_word = false;
            } else {
                if !in_word {
                    words.push((
                        String::new(),
                        caret,
                        caret,
                        baseline - ascent,
                        baseline + descent,
                    ));
                    in_word = true;
                }
                let w = words.last_mut().expect("word started");
                w.0.push(ch);
                w.2 = w.2.max(caret + advance);
                let glyph = id.with_scale_and_position(style.size_px, point(caret, baseline));
                if let Some(outlined) = font.outline_glyph(glyph) {
                    let b = outlined.px_bounds();
                    w.1 = w.1.min(b.min.x);
                    w.2 = w.2.max(b.max.x);
                    w.3 = w.3.min(b.min.y);
                    w.4 = w.4.max(b.max.y);
                    let (ox, oy) = (b.min.x as i32, b.min.y as i32);
                    let color = style.color;
                    let img = &mut self.image;
                    outlined.draw(|gx, gy, cov| {
                        blend(img, ox + gx as i32, oy + gy as i32, color, cov);
                    });
                }
            }
            caret += advance;
            prev = Some(id);
        }
        let (w, h) = (self.image.width() as f32, self.image.height() as f32);
        let clamp = |x0: f32, y0: f32, x1: f32, y1: f32| -> Quad {
            let (x0, x1) = (x0.clamp(0.0, w), x1.clamp(0.0, w));
            let (y0, y1) = (y0.clamp(0.0, h), y1.clamp(0.0, h));
            [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
        };
        if words.is_empty() {
            return Ok(clamp(x, baseline - ascent, x, baseline + descent));
        }
        let top = words.iter().map(|w| w.3).fold(f32::MAX, f32::min);
        let bot = words.iter().map(|w| w.4).fold(f32::MIN, f32::max);
        let x0 = words.first().map(|w| w.1).unwrap_or(x);
        let x1 = words.iter().map(|w| w.2).fold(f32::MIN, f32::max);
        let line_quad = clamp(x0, top, x1, bot);
        let truth_words = words
            .iter()
            .map(|(t, a, b, _, _)| TruthWord {
                text: t.clone(),
                quad: clamp(*a, top, *b, bot),
            })
            .collect::<Vec<_>>();
        let joined = truth_words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        self.lines.push(TruthLine {
            text: joined,
            quad: line_quad,
            words: truth_words,
        });
        self.bottom = self.bottom.max(bot);
        Ok(line_quad)
    }

    /// Draws a run whose right edge is at `right`.
    pub fn text_right(
        &mut self,
        style: &TextStyle,
        right: f32,
        baseline: f32,
        text: &str,
    ) -> Result<Quad, RenderError> {
        let width = self.measure(style, text)?.width;
        self.text(style, right - width, baseline, text)
    }

    /// Draws a run centred on `center`.
    pub fn text_center(
        &mut self,
        style: &TextStyle,
        center: f32,
        baseline: f32,
        text: &str,
    ) -> Result<Quad, RenderError> {
        let width = self.measure(style, text)?.width;
        self.text(style, center - width / 2.0, baseline, text)
    }

    /// Box covering the last `n` words of the most recently drawn run.
    pub fn last_words_quad(&self, n: usize) -> Option<Quad> {
        let line = self.lines.last()?;
        if n == 0 || n > line.words.len() {
            return None;
        }
        let words = &line.words[line.words.len() - n..];
        Some(union_quad(words.iter().map(|w| &w.quad)))
    }

    /// Tags the trailing words of the last drawn run as the value of `field`
    /// (a run printed as `label value`).
    pub fn tag_tail(&mut self, field: &str, value: &str) {
        let n = value.split_whitespace().count();
        if let Some(quad) = self.last_words_quad(n) {
            self.tag(field, value, quad);
        }
    }

    /// Splits `text` into lines no wider than `max_w` at word boundaries (a
    /// single word wider than `max_w` stays on its own line).
    pub fn wrap(
        &self,
        style: &TextStyle,
        text: &str,
        max_w: f32,
    ) -> Result<Vec<String>, RenderError> {
        let mut lines: Vec<String> = Vec::new();
        let mut cur = String::new();
        for word in text.split_whitespace() {
            let candidate = if cur.is_empty() {
                word.to_string()
            } else {
                format!("{cur} {word}")
            };
            if !cur.is_empty() && self.measure(style, &candidate)?.width > max_w {
                lines.push(std::mem::take(&mut cur));
                cur = word.to_string();
            } else {
                cur = candidate;
            }
        }
        if !cur.is_empty() {
            lines.push(cur);
        }
        Ok(lines)
    }

    /// Records that `text`, drawn at `quad`, is the value of `field`.
    pub fn tag(&mut self, field: &str, text: &str, quad: Quad) {
        self.fields.push(FieldBox {
            field: field.to_string(),
            text: text.to_string(),
            quad,
        });
    }

    /// Fills an axis-aligned rectangle.
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: [u8; 3]) {
        self.ops.push(DrawOp::Rect { x, y, w, h, color });
        let (iw, ih) = (self.image.width() as i64, self.image.height() as i64);
        let x0 = (x.round() as i64).clamp(0, iw);
        let y0 = (y.round() as i64).clamp(0, ih);
        let x1 = ((x + w).round() as i64).clamp(0, iw);
        let y1 = ((y + h).round() as i64).clamp(0, ih);
        for yy in y0..y1 {
            for xx in x0..x1 {
                self.image.put_pixel(xx as u32, yy as u32, Rgb(color));
            }
        }
        self.bottom = self.bottom.max(y + h);
    }

    /// Draws a horizontal rule from `x0` to `x1`.
    pub fn hline(&mut self, x0: f32, x1: f32, y: f32, thickness: f32, color: [u8; 3]) {
        self.fill_rect(x0, y, x1 - x0, thickness, color);
    }

    /// Draws a vertical rule from `y0` to `y1`.
    pub fn vline(&mut self, x: f32, y0: f32, y1: f32, thickness: f32, color: [u8; 3]) {
        self.fill_rect(x, y0, thickness, y1 - y0, color);
    }

    /// Draws a dashed horizontal rule.
    pub fn dashed_hline(&mut self, x0: f32, x1: f32, y: f32, dash: f32, color: [u8; 3]) {
        let mut x = x0;
        while x < x1 {
            self.hline(x, (x + dash).min(x1), y, 1.0, color);
            x += dash * 2.0;
        }
    }

    /// Draws the outline of a rectangle.
    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32, color: [u8; 3]) {
        self.hline(x, x + w, y, thickness, color);
        self.hline(x, x + w, y + h - thickness, thickness, color);
        self.vline(x, y, y + h, thickness, color);
        self.vline(x + w - thickness, y, y + h, thickness, color);
    }

    /// Finishes the page, cropping it to `height` pixels when given.
    pub fn finish(self, height: Option<u32>) -> RenderedPage {
        let mut image = self.image;
        if let Some(h) = height {
            let h = h.clamp(1, image.height());
            if h < image.height() {
                image = image::imageops::crop_imm(&image, 0, 0, image.width(), h).to_image();
            }
        }
        RenderedPage {
            image,
            lines: self.lines,
            fields: self.fields,
            ops: self.ops,
        }
    }
}

fn glyph_id(font: &FontVec, ch: char, family: FontFamily) -> Result<GlyphId, RenderError> {
    let id = font.glyph_id(ch);
    if id.0 == 0 && !ch.is_whitespace() {
        return Err(RenderError::MissingGlyph { ch, family });
    }
    Ok(id)
}

fn blend(img: &mut RgbImage, x: i32, y: i32, color: [u8; 3], coverage: f32) {
    if x < 0 || y < 0 || x as u32 >= img.width() || y as u32 >= img.height() {
        return;
    }
    let a = coverage.clamp(0.0, 1.0);
    let p = img.get_pixel_mut(x as u32, y as u32);
    for (dst, &src) in p.0.iter_mut().zip(color.iter()) {
        let v = *dst as f32 + (src as f32 - *dst as f32) * a;
        *dst = v.round().clamp(0.0, 255.0) as u8;
    }
}

/// Axis-aligned box covering several quads.
pub fn union_quad<'a>(quads: impl IntoIterator<Item = &'a Quad>) -> Quad {
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for q in quads {
        for p in q {
            x0 = x0.min(p[0]);
            y0 = y0.min(p[1]);
            x1 = x1.max(p[0]);
            y1 = y1.max(p[1]);
        }
    }
    [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
}
