//! Glyphs the detector misses: a lone `1` in a quantity column, a colon set
//! apart from its label (`Discount   :`). DBNet's map barely fires on a glyph
//! that narrow and isolated, so they are looked for as ink that no detected
//! line covers, sitting on the row of a detected line and sized like one of
//! its glyphs. A glyph beside a line's end lengthens that line; one farther
//! off becomes a small line of its own.

use crate::detection::connected_components;
use crate::geometry::{quad_bounds, Point, Quad};
use grace_image::ops::{histogram, otsu_threshold};
use image::GrayImage;

/// More ink than this share of the page is a photo or a dark background, not paper.
const MAX_INK_SHARE: f32 = 0.25;

/// More uncovered ink components than this is noise, not a few stray glyphs.
const MAX_COMPONENTS: usize = 20_000;

/// At most this many glyphs are added to a page.
const MAX_GLYPHS: usize = 64;

/// Detected lines lower than this (pixels) are too small to size a glyph by.
const MIN_LINE_HEIGHT: f32 = 8.0;

/// How far along its row (in line heights) a glyph may sit from the line it is measured by.
const ROW_REACH: f32 = 8.0;

/// A frame along a detected line: origin at its top-left corner, `u` along
/// the text, `n` down across it.
struct LineFrame {
    origin: Point,
    u: (f32, f32),
    n: (f32, f32),
    len: f32,
    height: f32,
}

impl LineFrame {
    fn of(q: &Quad) -> Option<Self> {
        let len = q[0].dist(q[1]);
        let height = q[0].dist(q[3]);
        if len <= 0.0 || height < MIN_LINE_HEIGHT {
            return None;
        }
        Some(LineFrame {
            origin: q[0],
            u: ((q[1].x - q[0].x) / len, (q[1].y - q[0].y) / len),
            n: ((q[3].x - q[0].x) / height, (q[3].y - q[0].y) / height),
            len,
            height,
        })
    }

    /// Coordinates `(s, t)` of a page point: `s` along the line, `t` across it.
    fn local(&self, p: Point) -> (f32, f32) {
        let (dx, dy) = (p.x - self.origin.x, p.y - self.origin.y);
        (dx * self.u.0 + dy * self.u.1, dx * self.n.0 + dy * self.n.1)
    }

    /// The page point at `(s, t)`.
    fn page(&self, s: f32, t: f32) -> Point {
        Point::new(
            self.origin.x + s * self.u.0 + t * self.n.0,
            self.origin.y + s * self.u.1 + t * self.n.1,
        )
    }

    /// Distance along the row from the line's ends (0 inside its span).
    fn reach(&self, s: f32) -> f32 {
        (-s).max(s - self.len).max(0.0)
    }
}

/// Ink on the row of one line: its extent in that line's frame.
#[derive(Debug, Clone, Copy)]
struct Ink {
    line: usize,
    s0: f32,
    s1: f32,
    t0: f32,
    t1: f32,
    pixels: usize,
}

/// A glyph: the pieces of ink it joins (two for a colon) and their union.
#[derive(Debug, Clone)]
struct Glyph {
    ink: Ink,
    parts: Vec<Ink>,
}

/// The lines to read once missed glyphs are put back.
#[derive(Debug, Clone, PartialEq)]
pub struct WithMissedGlyphs {
    /// The detected lines, in their order, some lengthened over a glyph beside them.
    pub lines: Vec<Quad>,
    /// Glyphs standing alone, in page order (top to bottom, then left to right).
    pub alone: Vec<AloneGlyph>,
}

/// A missed glyph read on its own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AloneGlyph {
    /// As high as the line whose row it sits on, and along it.
    pub quad: Quad,
    /// Two dots stacked like a colon's. The recognizer reads a lone colon as
    /// `1`, `!` or nothing, so its shape decides.
    pub colon: bool,
}

/// The glyphs no line in `lines` covers put back: a glyph within
/// [`ATTACH_GAP`] line heights of the end of the line whose row it sits on
/// lengthens that line (so `Discount  :` is read as one line, the blank
/// before the colon as a space); a glyph farther off stands alone.
pub fn with_missed_glyphs(gray: &GrayImage, lines: &[Quad]) -> WithMissedGlyphs {
    let mut out = WithMissedGlyphs {
        lines: lines.to_vec(),
        alone: Vec::new(),
    };
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    if w == 0 || h == 0 || lines.is_empty() {
        return out;
    }
    let threshold = otsu_threshold(&histogram(gray));
    let mut mask: Vec<bool> = gray.as_raw().iter().map(|&p| p <= threshold).collect();
    let ink = mask.iter().filter(|&&m| m).count();
    if ink as f32 > MAX_INK_SHARE * (w * h) as f32 {
        return out;
    }
    // Ink inside (or just around) a detected line is already read.
    for q in lines {
        let (x0, y0, x1, y1) = quad_bounds(q);
        let clamp = |v: f32, max: usize| (v.max(0.0) as usize).min(max);
        let (x0, x1) = (clamp(x0 - 2.0, w), clamp(x1 + 2.0, w));
        let (y0, y1) = (clamp(y0 - 2.0, h), clamp(y1 + 2.0, h));
        for y in y0..y1 {
            mask[y * w + x0..y * w + x1].fill(false);
        }
    }
    let comps = connected_components(&mask, w, h);
    if comps.len() > MAX_COMPONENTS {
        return out;
    }
    let frames: Vec<Option<LineFrame>> = lines.iter().map(LineFrame::of).collect();
    let mut inks: Vec<Ink> = comps
        .iter()
        .filter_map(|c| {
            let (x0, y0, x1, y1) = c.bounds();
            on_row(&frames, x0, y0, x1, y1, c.pixels)
        })
        .collect();
    inks.sort_by(|a, b| (a.line, a.s0).partial_cmp(&(b.line, b.s0)).expect("finite"));
    let glyphs: Vec<Glyph> = join_pieces(&inks)
        .into_iter()
        .filter(|g| {
            frames[g.ink.line]
                .as_ref()
                .is_some_and(|f| glyph_sized(g, f.height))
        })
        .take(MAX_GLYPHS)
        .collect();
    let mut alone: Vec<(f32, f32, AloneGlyph)> = Vec::new();
    for (line, frame) in frames.iter().enumerate() {
        let Some(f) = frame else { continue };
        let lh = f.height;
        let pad = GLYPH_PAD * lh;
        let mine = glyphs.iter().filter(|g| g.ink.line == line);
        // Outward from each end, each glyph next to the (lengthened) end joins the line.
        let (mut start, mut end) = (0.0f32, f.len);
        let mut after: Vec<&Glyph> = mine.clone().filter(|g| g.ink.s0 >= f.len).collect();
        let mut before: Vec<&Glyph> = mine.filter(|g| g.ink.s1 <= 0.0).collect();
        after.sort_by(|a, b| a.ink.s0.total_cmp(&b.ink.s0));
        before.sort_by(|a, b| b.ink.s1.total_cmp(&a.ink.s1));
        for g in after {
            if g.ink.s0 - end <= ATTACH_GAP * lh {
                end = g.ink.s1 + pad;
            } else {
                alone.extend(glyph_line(f, g));
            }
        }
        for g in before {
            if start - g.ink.s1 <= ATTACH_GAP * lh {
                start = g.ink.s0 - pad;
            } else {
                alone.extend(glyph_line(f, g));
            }
        }
        if start < 0.0 || end > f.len {
            out.lines[line] = [
                f.page(start, 0.0),
                f.page(end, 0.0),
                f.page(end, lh),
                f.page(start, lh),
            ];
        }
    }
    alone.sort_by(|a, b| (a.0, a.1).partial_cmp(&(b.0, b.1)).expect("finite"));
    out.alone = alone.into_iter().map(|(_, _, g)| g).collect();
    out
}

/// A glyph farther than this many line heights from its row's line is read on its own.
const ATTACH_GAP: f32 = 1.5;

/// Blank kept around a glyph, in line heights.
const GLYPH_PAD: f32 = 0.2;

/// Whether ink on a row of height `lh` has the size of one of its glyphs.
fn glyph_sized(glyph: &Glyph, lh: f32) -> bool {
    let g = &glyph.ink;
    let (gw, gh) = (g.s1 - g.s0, g.t1 - g.t0);
    // One piece must hold enough ink not to be a speck. Two pieces are a
    // glyph only stacked like a colon's dots, at scan resolution a pixel or
    // two each: pairs of specks elsewhere in the band are common on thermal
    // paper. More pieces are a smudge or a stamp.
    let enough_ink = match glyph.parts.len() {
        1 => g.pixels as f32 >= (0.03 * lh * lh).max(6.0),
        2 => colon_shaped(glyph, lh),
        _ => false,
    };
    gh >= 0.3 * lh
        && gh <= 0.8 * lh
        && gw <= 0.6 * lh
        && enough_ink
        // Ink reaching the edge of the row band belongs to something taller:
        // a rule, a stamp, the next line's glyph.
        && g.t0 > 0.05 * lh
        && g.t1 < 0.95 * lh
}

/// A glyph alone, sort keys first (page y, then x); `None` for a colon too
/// faint to trust without text beside it.
fn glyph_line(f: &LineFrame, glyph: &Glyph) -> Option<(f32, f32, AloneGlyph)> {
    let (g, lh) = (&glyph.ink, f.height);
    let colon = glyph.parts.len() == 2;
    if colon && !solid_colon(glyph) {
        return None;
    }
    let (s0, s1) = (g.s0 - GLYPH_PAD * lh, g.s1 + GLYPH_PAD * lh);
    let c = f.page((g.s0 + g.s1) / 2.0, lh / 2.0);
    let quad = [
        f.page(s0, 0.0),
        f.page(s1, 0.0),
        f.page(s1, lh),
        f.page(s0, lh),
    ];
    Some((c.y, c.x, AloneGlyph { quad, colon }))
}

/// The ink of a component in the frame of the nearest line whose row it sits
/// on (its centre within the middle of the line's height), if any.
fn on_row(
    frames: &[Option<LineFrame>],
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    pixels: usize,
) -> Option<Ink> {
    let centre = Point::new((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let mut best: Option<(f32, usize)> = None;
    for (i, f) in frames.iter().enumerate() {
        let Some(f) = f else { continue };
        let (s, t) = f.local(centre);
        let reach = f.reach(s);
        if t < 0.0 || t > f.height || reach > ROW_REACH * f.height {
            continue;
        }
        if best.is_none_or(|(r, _)| reach < r) {
            best = Some((reach, i));
        }
    }
    let (_, line) = best?;
    let f = frames[line].as_ref()?;
    let corners = [
        Point::new(x0, y0),
        Point::new(x1, y0),
        Point::new(x1, y1),
        Point::new(x0, y1),
    ];
    let local: Vec<(f32, f32)> = corners.iter().map(|&p| f.local(p)).collect();
    let fold = |pick: fn(&(f32, f32)) -> f32, min: bool| {
        local.iter().map(pick).fold(
            if min { f32::MAX } else { f32::MIN },
            if min { f32::min } else { f32::max },
        )
    };
    Some(Ink {
        line,
        s0: fold(|p| p.0, true),
        s1: fold(|p| p.0, false),
        t0: fold(|p| p.1, true),
        t1: fold(|p| p.1, false),
        pixels,
    })
}

/// Joins pieces of one glyph: the two dots of a colon, the dot and stem of an
/// `i` (pieces on the same row that overlap along it). `inks` is sorted by
/// line, then position.
fn join_pieces(inks: &[Ink]) -> Vec<Glyph> {
    let mut out: Vec<Glyph> = Vec::new();
    for ink in inks {
        match out.last_mut() {
            Some(g) if g.ink.line == ink.line && ink.s0 < g.ink.s1 => {
                g.ink.s0 = g.ink.s0.min(ink.s0);
                g.ink.s1 = g.ink.s1.max(ink.s1);
                g.ink.t0 = g.ink.t0.min(ink.t0);
                g.ink.t1 = g.ink.t1.max(ink.t1);
                g.ink.pixels += ink.pixels;
                g.parts.push(*ink);
            }
            _ => out.push(Glyph {
                ink: *ink,
                parts: vec![*ink],
            }),
        }
    }
    out
}

/// Whether a glyph on a row `lh` high is a colon: two small dots of like
/// size, one above the other, apart by at least half the height of the
/// larger (bold print sets big dots close), both within the band a line's
/// letters fill (the detected box adds a margin above and below them; the
/// lower dot sits on the baseline, near the bottom of that band).
fn colon_shaped(g: &Glyph, lh: f32) -> bool {
    let [a, b] = g.parts.as_slice() else {
        return false;
    };
    let (upper, lower) = if a.t0 <= b.t0 { (a, b) } else { (b, a) };
    let size = |d: &Ink| (d.s1 - d.s0, d.t1 - d.t0);
    let dot = |d: &Ink| {
        let (w, h) = size(d);
        w <= 0.3 * lh && h <= 0.3 * lh && w <= 2.5 * h + 1.0 && h <= 2.5 * w + 1.0
    };
    let centre = |d: &Ink| (d.s0 + d.s1) / 2.0;
    let (hu, hl) = (size(upper).1, size(lower).1);
    let (pu, pl) = (upper.pixels.max(1) as f32, lower.pixels.max(1) as f32);
    dot(upper)
        && dot(lower)
        && (centre(upper) - centre(lower)).abs() <= 0.15 * lh + 1.0
        && lower.t0 - upper.t1 >= 0.5 * hu.max(hl)
        && hu.max(hl) <= 2.5 * hu.min(hl) + 1.0
        && pu.max(pl) <= 3.0 * pu.min(pl)
        && upper.t0 >= 0.2 * lh
        && lower.t1 <= 0.85 * lh
}

/// Whether a colon standing alone has dots of more than one pixel each: far
/// from any text, a pair of single-pixel specks is more often noise.
fn solid_colon(g: &Glyph) -> bool {
    g.parts.iter().all(|d| d.pixels >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// A white page with black rectangles `(x0, y0, x1, y1)`.
    fn page(w: u32, h: u32, rects: &[(u32, u32, u32, u32)]) -> GrayImage {
        GrayImage::from_fn(w, h, |x, y| {
            let ink = rects
                .iter()
                .any(|&(x0, y0, x1, y1)| x >= x0 && x < x1 && y >= y0 && y < y1);
            Luma([if ink { 0 } else { 255 }])
        })
    }

    fn quad(x0: f32, y0: f32, x1: f32, y1: f32) -> Quad {
        [
            Point::new(x0, y0),
            Point::new(x1, y0),
            Point::new(x1, y1),
            Point::new(x0, y1),
        ]
    }

    /// A detected word spanning x 100..200 on a 30-pixel-high row at y 100..130,
    /// drawn as ink bars so the page has text inside the line.
    fn word() -> Vec<(u32, u32, u32, u32)> {
        (0..10)
            .map(|i| (105 + i * 9, 106, 110 + i * 9, 124))
            .collect()
    }

    const LINE: (f32, f32, f32, f32) = (100.0, 100.0, 200.0, 130.0);

    fn found(ink: &[(u32, u32, u32, u32)]) -> WithMissedGlyphs {
        let (x0, y0, x1, y1) = LINE;
        with_missed_glyphs(&page(400, 300, ink), &[quad(x0, y0, x1, y1)])
    }

    #[test]
    fn a_lone_digit_far_along_the_row_becomes_a_line() {
        let mut ink = word();
        ink.push((260, 106, 264, 124)); // a `1`, two line heights past the word
        let found = found(&ink);
        assert_eq!(found.lines.len(), 1);
        assert_eq!(quad_bounds(&found.lines[0]), LINE);
        assert_eq!(found.alone.len(), 1);
        assert!(!found.alone[0].colon);
        let (x0, y0, x1, y1) = quad_bounds(&found.alone[0].quad);
        assert!(x0 < 260.0 && x1 > 264.0 && x0 > 200.0, "{x0}..{x1}");
        assert_eq!((y0, y1), (100.0, 130.0));
    }

    #[test]
    fn a_colon_far_from_its_label_is_read_by_its_shape() {
        let mut ink = word();
        ink.push((300, 110, 304, 114));
        ink.push((300, 119, 304, 123));
        let found = found(&ink);
        assert_eq!(found.alone.len(), 1);
        assert!(found.alone[0].colon);
    }

    #[test]
    fn speck_pairs_are_no_colon() {
        let mut ink = word();
        // Beside the word, but the upper speck sits in the box's top margin.
        ink.push((210, 102, 212, 104));
        ink.push((210, 116, 212, 118));
        // Far off, stacked in the band, but a single pixel each.
        ink.push((300, 110, 301, 111));
        ink.push((300, 119, 301, 120));
        let found = found(&ink);
        assert!(found.alone.is_empty(), "{found:?}");
        assert_eq!(quad_bounds(&found.lines[0]), LINE);
    }

    #[test]
    fn a_colon_beside_its_label_lengthens_the_line() {
        let mut ink = word();
        // Scanned small, each dot is a pixel or two.
        ink.push((210, 110, 212, 111));
        ink.push((210, 119, 211, 120));
        let found = found(&ink);
        assert!(found.alone.is_empty(), "{found:?}");
        let (x0, _, x1, _) = quad_bounds(&found.lines[0]);
        assert_eq!(x0, 100.0);
        assert!(x1 > 212.0 && x1 < 225.0, "{x1}");
    }

    #[test]
    fn a_quantity_before_its_item_lengthens_the_line_backwards() {
        let mut ink = word();
        ink.push((80, 106, 83, 124));
        let found = found(&ink);
        assert!(found.alone.is_empty(), "{found:?}");
        let (x0, _, x1, _) = quad_bounds(&found.lines[0]);
        assert!(x0 < 80.0 && x0 > 70.0 && x1 == 200.0, "{x0}..{x1}");
    }

    #[test]
    fn specks_rules_and_other_rows_are_left_alone() {
        let mut ink = word();
        ink.push((230, 114, 232, 116)); // a speck
        ink.push((260, 20, 262, 280)); // a vertical rule through the row
        ink.push((300, 200, 304, 218)); // a glyph on no detected row
        ink.push((320, 106, 380, 124)); // a blot far wider than a glyph
        let found = found(&ink);
        assert!(found.alone.is_empty(), "{found:?}");
        assert_eq!(quad_bounds(&found.lines[0]), LINE);
    }

    #[test]
    fn ink_inside_a_detected_line_is_not_found_again() {
        let found = found(&word());
        assert!(found.alone.is_empty());
        assert_eq!(quad_bounds(&found.lines[0]), LINE);
    }

    #[test]
    fn a_dark_page_is_not_searched() {
        let line = quad(10.0, 10.0, 50.0, 30.0);
        let found = with_missed_glyphs(&page(100, 100, &[(0, 0, 60, 100)]), &[line]);
        assert_eq!(found.lines, vec![line]);
        assert!(found.alone.is_empty());
    }
}
