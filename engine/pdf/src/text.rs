//! The text layer: glyphs collected from the page's content stream with
//! their positions, then grouped into rows, lines and words.

use crate::output::{Line, Word};
use hayro::hayro_interpret::font::GlyphRun;
use hayro::hayro_interpret::{
    BlendMode, ClipPath, Device, DrawMode, DrawProps, Image, ImageDrawProps, SoftMask,
};
use hayro::kurbo::{Affine, BezPath, Point, Rect};

/// One glyph in pixel space (y down).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glyph {
    /// Its Unicode text; `None` when the font gives no mapping.
    pub text: Option<String>,
    /// Left edge at the baseline.
    pub x0: f64,
    /// Right edge (origin plus advance).
    pub x1: f64,
    /// Baseline.
    pub baseline: f64,
    /// Em size in pixels (the font size on the page).
    pub size: f64,
}

impl Glyph {
    fn is_blank(&self) -> bool {
        self.text.as_deref().is_some_and(|t| t.trim().is_empty())
    }
}

/// A [`Device`] that keeps glyphs and ignores everything else.
pub(crate) struct GlyphCollector {
    /// The page area in pixels; glyphs wholly outside it are dropped.
    bounds: Rect,
    /// Glyphs in content-stream order.
    pub glyphs: Vec<Glyph>,
    /// Area in square pixels of the largest image on the page (within it).
    largest_image: f64,
}

impl GlyphCollector {
    /// A collector for a page of `width` x `height` pixels.
    pub fn new(width: f64, height: f64) -> Self {
        GlyphCollector {
            bounds: Rect::new(0.0, 0.0, width, height),
            glyphs: Vec::new(),
            largest_image: 0.0,
        }
    }

    /// Whether the page's own text is worth returning instead of OCR: enough
    /// mapped text ([`Coverage::usable`]), and not just a few characters
    /// stamped on a page-sized image (a scan with a page number or a date).
    pub fn has_text_layer(&self) -> bool {
        let coverage = Coverage::of(&self.glyphs);
        let scan = self.largest_image >= SCAN_COVER * self.bounds.area();
        coverage.usable() && !(scan && coverage.mapped < STAMP_GLYPHS)
    }
}

/// Fraction of the page one image must cover for the page to count as a scan.
const SCAN_COVER: f64 = 0.5;
/// Fewer mapped characters than this over a scan are a stamp, not a text layer.
const STAMP_GLYPHS: usize = 20;

/// Glyph advance used when a font gives none (half an em, in 1/1000 em).
const DEFAULT_ADVANCE: f64 = 500.0;

impl<'a> Device<'a> for GlyphCollector {
    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, 'a>, props: DrawProps<'a>, _: &DrawMode) {
        // Invisible text (render mode 3) is kept on purpose: it is the text
        // layer OCR tools put over scanned pages.
        for g in run.glyphs() {
            let advance = match &**g {
                hayro::hayro_interpret::font::Glyph::Outline(o) => o.advance_width(),
                hayro::hayro_interpret::font::Glyph::Type3(t) => t.advance_width(),
            }
            .map(f64::from)
            .filter(|a| a.is_finite() && *a > 0.0)
            .unwrap_or(DEFAULT_ADVANCE);
            // Glyph space is 1000 units per em, y up; props maps to pixels.
            let t: Affine = props.transform * g.transform();
            let origin = t * Point::ORIGIN;
            let end = t * Point::new(advance, 0.0);
            let top = t * Point::new(0.0, 1000.0);
            let size = (top - origin).hypot();
            if !size.is_finite() || size <= 0.0 || !origin.x.is_finite() || !origin.y.is_finite() {
                continue;
            }
            let (x0, x1) = (origin.x.min(end.x), origin.x.max(end.x));
            let glyph_box = Rect::new(x0, origin.y - size, x1, origin.y + size * 0.25);
            if !glyph_box.overlaps(self.bounds) {
                continue;
            }
            let text = g.as_unicode().map(|u| match u {
                hayro::hayro_interpret::hayro_cmap::BfString::Char(c) => c.to_string(),
                hayro::hayro_interpret::hayro_cmap::BfString::String(s) => s,
            });
            self.glyphs.push(Glyph {
                text,
                x0,
                x1,
                baseline: origin.y,
                size,
            });
        }
    }

    fn draw_path(&mut self, _: &BezPath, _: DrawProps<'a>, _: &DrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_image(&mut self, image: Image<'a, '_>, props: ImageDrawProps<'a>) {
        // The transform maps the image's pixel grid to the page's pixels.
        let local = Rect::new(0.0, 0.0, image.width() as f64, image.height() as f64);
        let area = props
            .transform
            .transform_rect_bbox(local)
            .intersect(self.bounds)
            .area();
        if area.is_finite() {
            self.largest_image = self.largest_image.max(area);
        }
    }
    fn pop_clip(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

/// How much of a page's text the fonts could map to Unicode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Coverage {
    /// Non-blank glyphs with a Unicode mapping.
    pub mapped: usize,
    /// Glyphs without one.
    pub unmapped: usize,
}

impl Coverage {
    /// Counts the glyphs.
    pub fn of(glyphs: &[Glyph]) -> Self {
        let mapped = glyphs
            .iter()
            .filter(|g| g.text.is_some() && !g.is_blank())
            .count();
        let unmapped = glyphs.iter().filter(|g| g.text.is_none()).count();
        Coverage { mapped, unmapped }
    }

    /// A text layer worth returning: some text, and at most as many
    /// unmappable glyphs as mapped ones (otherwise the text is mostly
    /// garbage and OCR of the rendered page reads better).
    pub fn usable(&self) -> bool {
        self.mapped > 0 && self.unmapped <= self.mapped
    }
}

/// Baselines closer than this fraction of the em size share a row.
const SAME_ROW: f64 = 0.35;
/// A gap wider than this fraction of the em size separates words (a space
/// is about 0.25 em; kerning and tracking stay well under this).
const WORD_GAP: f64 = 0.15;
/// A gap wider than this many ems splits a row into separate lines, as the
/// `ocr` module's detector does for columns and label/value pairs.
const LINE_GAP: f64 = 2.0;
/// Ascent and descent of a line box, as fractions of the em size.
const ASCENT: f64 = 0.8;
const DESCENT: f64 = 0.2;

/// Groups glyphs into lines in reading order (rows top to bottom, then left to right).
pub(crate) fn layout(glyphs: &[Glyph]) -> Vec<Line> {
    // Blanks only separate words; the gaps they leave are measured instead.
    let mut glyphs: Vec<&Glyph> = glyphs.iter().filter(|g| !g.is_blank()).collect();
    glyphs.sort_by(|a, b| {
        a.baseline
            .total_cmp(&b.baseline)
            .then(a.x0.total_cmp(&b.x0))
    });
    let mut rows: Vec<Vec<&Glyph>> = Vec::new();
    for g in glyphs {
        match rows.last_mut() {
            Some(row)
                if (g.baseline - row[0].baseline).abs() <= SAME_ROW * g.size.min(row[0].size) =>
            {
                row.push(g)
            }
            _ => rows.push(vec![g]),
        }
    }
    let mut lines = Vec::new();
    for mut row in merge_scripts(rows) {
        row.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        dedup_overprint(&mut row);
        let mut segment: Vec<&Glyph> = Vec::new();
        for g in row {
            if let Some(prev) = segment.last() {
                if g.x0 - prev.x1 > LINE_GAP * g.size.max(prev.size) {
                    lines.push(line(&segment));
                    segment.clear();
                }
            }
            segment.push(g);
        }
        if !segment.is_empty() {
            lines.push(line(&segment));
        }
    }
    lines
}

/// A row of glyphs this much smaller than a neighbouring row's may be its
/// superscripts or subscripts.
const SCRIPT_SIZE: f64 = 0.85;

/// Folds rows of small glyphs riding on a neighbouring row of larger text
/// (footnote marks, superscripts, subscripts) into that row, so they stay
/// on its line instead of becoming lines of their own.
fn merge_scripts(rows: Vec<Vec<&Glyph>>) -> Vec<Vec<&Glyph>> {
    let info: Vec<(f64, f64)> = rows
        .iter()
        .map(|r| (r[0].baseline, r.iter().map(|g| g.size).fold(0.0, f64::max)))
        .collect();
    let rides_on = |i: usize, j: usize| {
        let ((b, s), (bj, sj)) = (info[i], info[j]);
        s < SCRIPT_SIZE * sj && b >= bj - ASCENT * sj && b <= bj + DESCENT * sj * 1.5
    };
    let host: Vec<usize> = (0..rows.len())
        .map(|i| {
            [i.wrapping_sub(1), i + 1]
                .into_iter()
                .find(|&j| j < rows.len() && rides_on(i, j))
                .unwrap_or(i)
        })
        .collect();
    let mut merged: Vec<Vec<&Glyph>> = vec![Vec::new(); rows.len()];
    for (i, row) in rows.into_iter().enumerate() {
        // A host is always larger than its script, so one step up is its own host.
        let target = if host[host[i]] == host[i] { host[i] } else { i };
        merged[target].extend(row);
    }
    merged.retain(|r| !r.is_empty());
    merged
}

/// Drops a glyph drawn again at (nearly) the same place, as "fake bold" and
/// shadowed text do, so its letters are not doubled.
fn dedup_overprint(row: &mut Vec<&Glyph>) {
    row.dedup_by(|b, a| {
        a.text == b.text
            && (a.x0 - b.x0).abs() < 0.1 * a.size
            && (a.baseline - b.baseline).abs() < 0.1 * a.size
    });
}

fn line(glyphs: &[&Glyph]) -> Line {
    let mut words: Vec<Vec<&Glyph>> = Vec::new();
    for g in glyphs {
        match words.last_mut() {
            Some(word) if g.x0 - word.last().map_or(g.x0, |p| p.x1) <= WORD_GAP * g.size => {
                word.push(g)
            }
            _ => words.push(vec![g]),
        }
    }
    let words: Vec<Word> = words
        .iter()
        .map(|w| Word {
            text: w.iter().map(|g| glyph_text(g)).collect(),
            confidence: 1.0,
            bbox: quad(bounds(w)),
        })
        .collect();
    Line {
        text: words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        confidence: 1.0,
        bbox: quad(bounds(glyphs)),
        angle: 0,
        words,
    }
}

/// A glyph's text, with U+FFFD where the font maps it to nothing.
fn glyph_text(g: &Glyph) -> &str {
    g.text.as_deref().unwrap_or("\u{FFFD}")
}

fn bounds(glyphs: &[&Glyph]) -> Rect {
    glyphs
        .iter()
        .map(|g| {
            Rect::new(
                g.x0,
                g.baseline - ASCENT * g.size,
                g.x1,
                g.baseline + DESCENT * g.size,
            )
        })
        .reduce(|a, b| a.union(b))
        .unwrap_or(Rect::ZERO)
}

/// A rectangle as four corners clockwise from the top-left, rounded to 1/100 pixel.
fn quad(r: Rect) -> [[f32; 2]; 4] {
    let p = |x: f64, y: f64| [round2(x), round2(y)];
    [p(r.x0, r.y0), p(r.x1, r.y0), p(r.x1, r.y1), p(r.x0, r.y1)]
}

/// Rounds to 1/100 so the JSON stays short and stable.
fn round2(v: f64) -> f32 {
    ((v * 100.0).round() / 100.0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(text: &str, x: f64, baseline: f64, size: f64) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                text: Some(c.to_string()),
                x0: x + i as f64 * size * 0.5,
                x1: x + (i + 1) as f64 * size * 0.5,
                baseline,
                size,
            })
            .collect()
    }

    #[test]
    fn rows_lines_and_words() {
        let mut all = glyphs("Total: 12,50", 10.0, 100.0, 20.0);
        // A value far to the right on the same row is its own line.
        all.extend(glyphs("EUR", 400.0, 101.0, 20.0));
        // Drawn before, but lower on the page.
        all.splice(0..0, glyphs("Gracias", 10.0, 140.0, 20.0));
        let lines = layout(&all);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Total: 12,50", "EUR", "Gracias"]);
        assert_eq!(lines[0].words.len(), 2);
        assert_eq!(lines[0].words[1].text, "12,50");
        assert_eq!(lines[0].bbox[0], [10.0, 84.0]);
        assert_eq!(lines[0].bbox[2], [130.0, 104.0]);
    }

    #[test]
    fn gaps_without_space_glyphs_split_words_and_overprint_is_dropped() {
        let mut all = glyphs("ab", 0.0, 50.0, 10.0);
        all.extend(glyphs("cd", 13.0, 50.0, 10.0));
        all.extend(glyphs("d", 18.2, 50.2, 10.0));
        let lines = layout(&all);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text, "ab cd");
    }

    #[test]
    fn footnote_marks_stay_on_their_line() {
        let mut all = glyphs("Gal", 0.0, 100.0, 10.0);
        all.extend(glyphs("*", 15.0, 96.5, 7.0));
        all.extend(glyphs("Eich", 30.0, 100.0, 10.0));
        all.extend(glyphs("Mozilla", 0.0, 114.0, 10.0));
        let texts: Vec<String> = layout(&all).into_iter().map(|l| l.text).collect();
        assert_eq!(texts, ["Gal* Eich", "Mozilla"]);
    }

    #[test]
    fn coverage_rejects_mostly_unmapped_text() {
        let mut all = glyphs("ab", 0.0, 50.0, 10.0);
        assert!(Coverage::of(&all).usable());
        for g in &mut all {
            g.text = None;
        }
        assert!(!Coverage::of(&all).usable());
        assert!(!Coverage::of(&glyphs("  ", 0.0, 50.0, 10.0)).usable());
    }
}
