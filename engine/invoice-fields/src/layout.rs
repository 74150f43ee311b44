//! The page as the extractor sees it: lines of words with boxes, grouped
//! into rows, in a deskewed frame so "same row" and "below" mean what a
//! reader means even on a photo taken at an angle.
//!
//! Plain text gets the same structure with pseudo-boxes (one unit per
//! character, one per line) and no output boxes, so every positional rule
//! also works, more weakly, on text without layout.

use serde::{Deserialize, Serialize};

/// Four corners `[x, y]`, clockwise from the top-left, in page pixels.
pub type Quad = [[f32; 2]; 4];

/// An axis-aligned rectangle in the deskewed frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left.
    pub x0: f32,
    /// Top.
    pub y0: f32,
    /// Right.
    pub x1: f32,
    /// Bottom.
    pub y1: f32,
}

impl Rect {
    /// The empty rectangle at the origin (filled in once the frame is known).
    pub const ZERO: Rect = Rect {
        x0: 0.0,
        y0: 0.0,
        x1: 0.0,
        y1: 0.0,
    };

    /// Height.
    pub fn h(&self) -> f32 {
        self.y1 - self.y0
    }

    /// Vertical centre.
    pub fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }

    /// Horizontal centre.
    pub fn cx(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }

    /// Smallest rectangle holding both.
    pub fn union(&self, o: &Rect) -> Rect {
        Rect {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }

    /// Length of the overlap of the horizontal extents (negative when apart).
    pub fn x_overlap(&self, o: &Rect) -> f32 {
        self.x1.min(o.x1) - self.x0.max(o.x0)
    }

    /// Length of the overlap of the vertical extents (negative when apart).
    pub fn y_overlap(&self, o: &Rect) -> f32 {
        self.y1.min(o.y1) - self.y0.max(o.y0)
    }

    /// Horizontal distance between the two (0 when they overlap).
    pub fn x_gap(&self, o: &Rect) -> f32 {
        (-self.x_overlap(o)).max(0.0)
    }
}

/// One OCR word (or whitespace-separated token of plain text).
#[derive(Debug, Clone)]
pub struct Word {
    /// Text as read.
    pub text: String,
    /// Recognizer confidence, 0..1 (1 for plain text).
    pub confidence: f32,
    /// Box on the page, when the input had boxes.
    pub quad: Option<Quad>,
    /// Position in the deskewed frame (pseudo-position for plain text).
    pub rect: Rect,
    /// Second-best readings `(char index, alternative)` offered by OCR.
    pub alternatives: Vec<(usize, String)>,
}

/// One text line: words left to right.
#[derive(Debug, Clone)]
pub struct Line {
    /// Words joined by single spaces (so byte offsets map back to words).
    pub text: String,
    /// Byte offset of each word in [`Line::text`].
    pub offsets: Vec<usize>,
    /// The words.
    pub words: Vec<Word>,
    /// Union of the word rectangles.
    pub rect: Rect,
    /// Index of the row this line belongs to.
    pub row: usize,
}

/// A run of consecutive words of one line: where a value or label was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// Line index.
    pub line: usize,
    /// First word.
    pub start: usize,
    /// One past the last word.
    pub end: usize,
}

/// The page: lines in reading order and rows top to bottom.
#[derive(Debug, Clone)]
pub struct Page {
    /// Lines in input order.
    pub lines: Vec<Line>,
    /// Rows top to bottom, each a list of line indices left to right.
    pub rows: Vec<Vec<usize>>,
    /// Whether positions are real (from OCR boxes) or pseudo (plain text).
    pub has_boxes: bool,
    /// Median line height in the deskewed frame: the unit for distances.
    pub line_height: f32,
    /// Bottom of the lowest line.
    pub bottom: f32,
    /// Where each input page starts (empty for a single-page input).
    pub bands: Vec<PageBand>,
    /// The labels the page is read with (its languages' packs).
    pub lexicon: std::sync::Arc<crate::labels::Lexicon>,
}

/// Where one input page sits in the stacked page frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageBand {
    /// 1-based page number as the input numbered it.
    pub number: u32,
    /// Offset of the page's top in the stacked frame.
    pub top: f32,
}

/// A page of a multi-page input (the `pdf` module's `pages` entries).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InputPage {
    /// 1-based page number (defaults to the position in the list).
    #[serde(default)]
    pub number: Option<u32>,
    /// Page size in the lines' pixel units.
    #[serde(default)]
    pub page: Option<InputPageSize>,
    /// The page's lines.
    #[serde(default)]
    pub lines: Vec<InputLine>,
}

/// Size of an input page.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct InputPageSize {
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// A line of the input before layout: text, optional box and words.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InputLine {
    /// The line's text.
    #[serde(default)]
    pub text: String,
    /// The line's box.
    #[serde(rename = "box", default)]
    pub quad: Option<Quad>,
    /// Mean confidence.
    #[serde(default)]
    pub confidence: Option<f32>,
    /// Words with boxes.
    #[serde(default)]
    pub words: Vec<InputWord>,
}

/// A word of the input.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InputWord {
    /// The word's text.
    pub text: String,
    /// The word's box.
    #[serde(rename = "box", default)]
    pub quad: Option<Quad>,
    /// Confidence.
    #[serde(default)]
    pub confidence: Option<f32>,
    /// OCR alternatives `(char index, alternative)`.
    #[serde(default)]
    pub alternatives: Vec<(usize, String)>,
}

impl Page {
    /// Builds the page from OCR lines (boxes used when every line has one).
    pub fn from_lines(input: &[InputLine]) -> Page {
        let has_boxes = !input.is_empty() && input.iter().all(|l| l.quad.is_some());
        if !has_boxes {
            let text: Vec<&str> = input.iter().map(|l| l.text.as_str()).collect();
            return Page::from_text(&text.join("\n"));
        }
        let angle = skew_angle(input);
        let (sin, cos) = (-angle).sin_cos();
        let rot = |q: &Quad| -> Rect {
            let pts = q.map(|[x, y]| (x * cos - y * sin, x * sin + y * cos));
            Rect {
                x0: pts.iter().map(|p| p.0).fold(f32::INFINITY, f32::min),
                y0: pts.iter().map(|p| p.1).fold(f32::INFINITY, f32::min),
                x1: pts.iter().map(|p| p.0).fold(f32::NEG_INFINITY, f32::max),
                y1: pts.iter().map(|p| p.1).fold(f32::NEG_INFINITY, f32::max),
            }
        };
        let mut lines = Vec::new();
        for l in input {
            let line_quad = l.quad.expect("checked above");
            let words: Vec<Word> = if l.words.is_empty() {
                // A line without words: split its text, sharing the box out
                // by character count so a value still gets a fair box.
                split_quad_words(&l.text, &line_quad, l.confidence.unwrap_or(1.0))
            } else {
                l.words
                    .iter()
                    .filter(|w| !w.text.trim().is_empty())
                    .map(|w| {
                        let quad = w.quad.unwrap_or(line_quad);
                        Word {
                            text: w.text.trim().to_string(),
                            confidence: w.confidence.or(l.confidence).unwrap_or(1.0),
                            quad: Some(quad),
                            rect: Rect::ZERO,
                            alternatives: w.alternatives.clone(),
                        }
                    })
                    .collect()
            };
            let words: Vec<Word> = words
                .into_iter()
                .map(|mut w| {
                    w.rect = rot(&w.quad.expect("boxed input"));
                    if let Some(t) = grace_invoice_rules::euro_sign_lookalike(&w.text) {
                        w.text = t;
                    }
                    w
                })
                .collect();
            if let Some(line) = Line::new(words) {
                lines.push(line);
            }
        }
        Page::assemble(lines, true)
    }

    /// Builds one tall page from several: each page's boxes move down below
    /// the previous page (by its height, or its lowest box when the size is
    /// unknown), so "top of the document", "below" and "bottom-most total"
    /// keep their meaning across pages. Without boxes the pages' texts are
    /// joined.
    pub fn from_pages(pages: &[InputPage]) -> Page {
        let mut lines = Vec::new();
        let mut bands = Vec::with_capacity(pages.len());
        let mut top = 0.0f32;
        for (i, p) in pages.iter().enumerate() {
            let number = p.number.unwrap_or(i as u32 + 1);
            bands.push(PageBand { number, top });
            let shift = |q: Quad| q.map(|[x, y]| [x, y + top]);
            let mut lowest = 0.0f32;
            for l in &p.lines {
                if let Some(q) = l.quad {
                    lowest = q.iter().fold(lowest, |m, pt| m.max(pt[1]));
                }
                lines.push(InputLine {
                    quad: l.quad.map(shift),
                    words: l
                        .words
                        .iter()
                        .map(|w| InputWord {
                            quad: w.quad.map(shift),
                            ..w.clone()
                        })
                        .collect(),
                    ..l.clone()
                });
            }
            top += p.page.map_or(lowest, |s| s.height.max(lowest));
        }
        let mut page = Page::from_lines(&lines);
        if page.has_boxes {
            page.bands = bands;
        }
        page
    }

    /// Builds the page from plain text: one line per text line, words at
    /// their character columns.
    pub fn from_text(text: &str) -> Page {
        let mut lines = Vec::new();
        for (row, raw) in text.lines().enumerate() {
            let mut words = Vec::new();
            let mut col = 0usize;
            for piece in raw.split_inclusive(char::is_whitespace) {
                let trimmed = piece.trim();
                let n = trimmed.chars().count();
                if n > 0 {
                    let lead = piece.chars().take_while(|c| c.is_whitespace()).count();
                    let x0 = (col + lead) as f32;
                    words.push(Word {
                        text: trimmed.to_string(),
                        confidence: 1.0,
                        quad: None,
                        rect: Rect {
                            x0,
                            y0: row as f32 * 1.2,
                            x1: x0 + n as f32,
                            y1: row as f32 * 1.2 + 1.0,
                        },
                        alternatives: Vec::new(),
                    });
                }
                col += piece.chars().count();
            }
            if let Some(line) = Line::new(words) {
                lines.push(line);
            }
        }
        Page::assemble(lines, false)
    }

    fn assemble(mut lines: Vec<Line>, has_boxes: bool) -> Page {
        let mut heights: Vec<f32> = lines.iter().map(|l| l.rect.h()).collect();
        heights.sort_by(f32::total_cmp);
        let line_height = heights
            .get(heights.len() / 2)
            .copied()
            .unwrap_or(1.0)
            .max(1e-3);
        // Rows: lines sorted by centre; a line joins the open row when it
        // overlaps the row's first line by half the smaller height (the
        // first line anchors the row so a slope cannot chain rows together),
        // or overlaps so the member nearest it across the page (on a photo
        // taken at an angle the far end of a row drifts from its anchor).
        let mut order: Vec<usize> = (0..lines.len()).collect();
        order.sort_by(|&a, &b| {
            lines[a]
                .rect
                .cy()
                .total_cmp(&lines[b].rect.cy())
                .then(a.cmp(&b))
        });
        let mut rows: Vec<Vec<usize>> = Vec::new();
        for i in order {
            let r = lines[i].rect;
            let joined = rows.last_mut().is_some_and(|row| {
                let anchor = lines[row[0]].rect;
                let overlaps = |o: &Rect| r.y_overlap(o) >= 0.5 * r.h().min(o.h());
                let nearest = row
                    .iter()
                    .map(|&j| lines[j].rect)
                    .min_by(|a, b| a.x_gap(&r).total_cmp(&b.x_gap(&r)));
                let fits = overlaps(&anchor) || nearest.is_some_and(|n| overlaps(&n));
                let clear = row.iter().all(|&j| lines[j].rect.x_overlap(&r) <= 0.0);
                if fits && clear {
                    row.push(i);
                }
                fits && clear
            });
            if !joined {
                rows.push(vec![i]);
            }
        }
        for (ri, row) in rows.iter_mut().enumerate() {
            row.sort_by(|&a, &b| lines[a].rect.x0.total_cmp(&lines[b].rect.x0));
            for &i in row.iter() {
                lines[i].row = ri;
            }
        }
        let bottom = lines.iter().map(|l| l.rect.y1).fold(0.0, f32::max);
        Page {
            lines,
            rows,
            has_boxes,
            line_height,
            bottom,
            bands: Vec::new(),
            lexicon: Default::default(),
        }
    }

    /// Text of a span.
    pub fn span_text(&self, s: Span) -> String {
        let l = &self.lines[s.line];
        let words: Vec<&str> = l.words[s.start..s.end]
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        words.join(" ")
    }

    /// Deskewed rectangle of a span.
    pub fn span_rect(&self, s: Span) -> Rect {
        let w = &self.lines[s.line].words;
        w[s.start..s.end]
            .iter()
            .skip(1)
            .fold(w[s.start].rect, |r, w| r.union(&w.rect))
    }

    /// Page box of a span: the left corners of its first word and the right
    /// corners of its last, so a span on a tilted line stays tight.
    pub fn span_quad(&self, s: Span) -> Option<Quad> {
        let w = &self.lines[s.line].words;
        let first = w[s.start].quad?;
        let last = w[s.end - 1].quad?;
        Some(round_quad([first[0], last[1], last[2], first[3]]))
    }

    /// Mean word confidence of a span.
    pub fn span_confidence(&self, s: Span) -> f32 {
        let w = &self.lines[s.line].words[s.start..s.end];
        w.iter().map(|w| w.confidence).sum::<f32>() / w.len().max(1) as f32
    }

    /// The whole line as a span.
    pub fn line_span(&self, line: usize) -> Span {
        Span {
            line,
            start: 0,
            end: self.lines[line].words.len(),
        }
    }

    /// The span of the words covering byte range `start..end` of a line's text.
    pub fn span_of_bytes(&self, line: usize, start: usize, end: usize) -> Span {
        let l = &self.lines[line];
        let first = l.offsets.iter().rposition(|&o| o <= start).unwrap_or(0);
        let last = l
            .offsets
            .iter()
            .rposition(|&o| o < end.max(start + 1))
            .unwrap_or(first)
            .max(first);
        Span {
            line,
            start: first,
            end: last + 1,
        }
    }

    /// Axis-aligned page box around several spans (multi-line values).
    pub fn spans_quad(&self, spans: &[Span]) -> Option<Quad> {
        let mut pts = Vec::new();
        for s in spans {
            pts.extend(self.span_quad(*s)?);
        }
        let x0 = pts.iter().map(|p| p[0]).fold(f32::INFINITY, f32::min);
        let y0 = pts.iter().map(|p| p[1]).fold(f32::INFINITY, f32::min);
        let x1 = pts.iter().map(|p| p[0]).fold(f32::NEG_INFINITY, f32::max);
        let y1 = pts.iter().map(|p| p[1]).fold(f32::NEG_INFINITY, f32::max);
        (!pts.is_empty()).then(|| round_quad([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]))
    }

    /// Lines of the same row to the right of `line`, nearest first.
    pub fn right_of(&self, line: usize) -> Vec<usize> {
        let l = &self.lines[line];
        self.rows[l.row]
            .iter()
            .copied()
            .filter(|&j| j != line && self.lines[j].rect.x0 >= l.rect.x1 - self.line_height * 0.3)
            .collect()
    }

    /// Lines of the same row to the left of `line`, nearest first.
    pub fn left_of(&self, line: usize) -> Vec<usize> {
        let l = &self.lines[line];
        let mut v: Vec<usize> = self.rows[l.row]
            .iter()
            .copied()
            .filter(|&j| j != line && self.lines[j].rect.x1 <= l.rect.x0 + self.line_height * 0.3)
            .collect();
        v.reverse();
        v
    }

    /// The nearest line below `rect` that overlaps it horizontally, within
    /// `max_rows` line heights.
    pub fn below(&self, rect: Rect, max_rows: f32) -> Option<usize> {
        let limit = rect.y1 + self.line_height * max_rows;
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                l.rect.cy() > rect.y1 - self.line_height * 0.2
                    && l.rect.y0 <= limit
                    && l.rect.x_overlap(&rect) > 0.0
            })
            .min_by(|a, b| a.1.rect.y0.total_cmp(&b.1.rect.y0).then(a.0.cmp(&b.0)))
            .map(|(i, _)| i)
    }

    /// Relative vertical position of a line, 0 at the top and 1 at the bottom.
    pub fn depth(&self, line: usize) -> f32 {
        let top = self
            .lines
            .iter()
            .map(|l| l.rect.y0)
            .fold(f32::INFINITY, f32::min);
        let span = (self.bottom - top).max(1e-3);
        (self.lines[line].rect.cy() - top) / span
    }
}

impl Line {
    fn new(words: Vec<Word>) -> Option<Line> {
        let first = words.first()?;
        let rect = words
            .iter()
            .skip(1)
            .fold(first.rect, |r, w| r.union(&w.rect));
        let mut text = String::new();
        let mut offsets = Vec::with_capacity(words.len());
        for w in &words {
            if !text.is_empty() {
                text.push(' ');
            }
            offsets.push(text.len());
            text.push_str(&w.text);
        }
        Some(Line {
            text,
            offsets,
            words,
            rect,
            row: 0,
        })
    }
}

/// The page's skew: the median angle of the top edges of wide lines.
fn skew_angle(input: &[InputLine]) -> f32 {
    let mut angles: Vec<f32> = input
        .iter()
        .filter_map(|l| {
            let q = l.quad?;
            let (dx, dy) = (q[1][0] - q[0][0], q[1][1] - q[0][1]);
            let h = ((q[3][0] - q[0][0]).powi(2) + (q[3][1] - q[0][1]).powi(2)).sqrt();
            let w = (dx * dx + dy * dy).sqrt();
            (w > 2.0 * h && dx > 0.0).then(|| dy.atan2(dx))
        })
        .collect();
    if angles.is_empty() {
        return 0.0;
    }
    angles.sort_by(f32::total_cmp);
    angles[angles.len() / 2]
}

/// Splits a line's text into words with boxes cut from the line's quad in
/// proportion to character positions.
fn split_quad_words(text: &str, q: &Quad, confidence: f32) -> Vec<Word> {
    let total = text.chars().count().max(1) as f32;
    let lerp =
        |a: [f32; 2], b: [f32; 2], t: f32| [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
    let mut out = Vec::new();
    let mut col = 0usize;
    for piece in text.split_inclusive(char::is_whitespace) {
        let trimmed = piece.trim();
        let n = trimmed.chars().count();
        if n > 0 {
            let lead = piece.chars().take_while(|c| c.is_whitespace()).count();
            let t0 = (col + lead) as f32 / total;
            let t1 = (col + lead + n) as f32 / total;
            out.push(Word {
                text: trimmed.to_string(),
                confidence,
                quad: Some([
                    lerp(q[0], q[1], t0),
                    lerp(q[0], q[1], t1),
                    lerp(q[3], q[2], t1),
                    lerp(q[3], q[2], t0),
                ]),
                rect: Rect::ZERO,
                alternatives: Vec::new(),
            });
        }
        col += piece.chars().count();
    }
    out
}

/// Rounds coordinates to 1/100 pixel, as the OCR output does.
fn round_quad(q: Quad) -> Quad {
    q.map(|p| p.map(|v| (v * 100.0).round() / 100.0))
}

/// True when two page boxes overlap (axis-aligned test on their corners).
pub fn quads_overlap(a: &Quad, b: &Quad) -> bool {
    let bounds = |q: &Quad| {
        (
            q.iter().map(|p| p[0]).fold(f32::INFINITY, f32::min),
            q.iter().map(|p| p[1]).fold(f32::INFINITY, f32::min),
            q.iter().map(|p| p[0]).fold(f32::NEG_INFINITY, f32::max),
            q.iter().map(|p| p[1]).fold(f32::NEG_INFINITY, f32::max),
        )
    };
    let (ax0, ay0, ax1, ay1) = bounds(a);
    let (bx0, by0, bx1, by1) = bounds(b);
    ax0 < bx1 && bx0 < ax1 && ay0 < by1 && by0 < ay1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, x: f32, y: f32) -> InputLine {
        let w = text.chars().count() as f32 * 10.0;
        InputLine {
            text: text.into(),
            quad: Some([[x, y], [x + w, y], [x + w, y + 20.0], [x, y + 20.0]]),
            confidence: Some(0.9),
            words: Vec::new(),
        }
    }

    #[test]
    fn rows_group_lines_side_by_side() {
        let page = Page::from_lines(&[
            line("TOTAL", 10.0, 100.0),
            line("12,50", 300.0, 102.0),
            line("Gracias", 10.0, 140.0),
        ]);
        assert_eq!(page.rows.len(), 2);
        assert_eq!(page.right_of(0), vec![1]);
        assert_eq!(page.below(page.lines[0].rect, 3.0), Some(2));
    }

    #[test]
    fn words_split_from_line_boxes_keep_byte_offsets() {
        let page = Page::from_lines(&[line("Fecha: 14/03/2024", 0.0, 0.0)]);
        let l = &page.lines[0];
        assert_eq!(l.words.len(), 2);
        let span = page.span_of_bytes(0, 7, 17);
        assert_eq!(page.span_text(span), "14/03/2024");
        let q = page.span_quad(span).unwrap();
        assert!(
            q[0][0] > 60.0,
            "the value box starts after the label: {q:?}"
        );
    }

    #[test]
    fn plain_text_has_rows_and_no_boxes() {
        let page = Page::from_text("TOTAL      12,50\nGracias");
        assert!(!page.has_boxes);
        assert_eq!(page.rows.len(), 2);
        assert_eq!(page.lines[0].words.len(), 2);
        assert!(page.span_quad(page.line_span(0)).is_none());
    }

    #[test]
    fn skewed_rows_still_group() {
        // 5 degrees: the right line sits 26 px lower than the left one.
        let t = 5f32.to_radians().tan();
        let mk = |text: &str, x: f32, y: f32| {
            let w = text.chars().count() as f32 * 10.0;
            InputLine {
                text: text.into(),
                quad: Some([
                    [x, y + x * t],
                    [x + w, y + (x + w) * t],
                    [x + w, y + 20.0 + (x + w) * t],
                    [x, y + 20.0 + x * t],
                ]),
                confidence: None,
                words: Vec::new(),
            }
        };
        let page = Page::from_lines(&[
            mk("Subtotal del documento", 0.0, 100.0),
            mk("100,00", 300.0, 100.0),
        ]);
        assert_eq!(page.rows.len(), 1);
    }
}
