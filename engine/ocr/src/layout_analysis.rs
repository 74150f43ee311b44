//! Reading order: top-to-bottom, left-to-right, with columns kept apart.
//!
//! Everything is measured in the frame of the page's own text direction (the
//! median angle of its lines), so a photographed or skewed receipt is ordered
//! like a straight one. Lines are grouped into rows by the distance of their
//! centres from each other's centre line. A page is split into
//! columns only where a vertical gutter runs through several consecutive rows
//! *and* the lines on its two sides do not pair up row by row — so a receipt's
//! "label ... amount" rows stay together while two address blocks side by side
//! are read one after the other.

use crate::geometry::{quad_size, Point, Quad};

/// Extent of a line in the deskewed page frame, used for ordering.
#[derive(Debug, Clone, Copy)]
struct Extent {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    /// Height of the text itself (the box's short side, not its slanted bounds).
    text_h: f32,
    /// Slope of the line relative to the page, for lines long enough to measure it.
    slope: f32,
}

impl Extent {
    fn deskewed(q: &Quad, skew: f32) -> Self {
        let (x0, y0, x1, y1) = bounds(&q.map(|p| rotate(p, -skew)));
        let (w, h) = quad_size(q);
        // A short box's angle is mostly noise; extrapolated across the page it
        // would pull the row off course.
        let slope = match line_angle(q) {
            Some(a) if w >= 5.0 * h => (a - skew).tan(),
            _ => 0.0,
        };
        Extent {
            x0,
            y0,
            x1,
            y1,
            text_h: h.min(w).max(1.0),
            slope,
        }
    }
    fn height(&self) -> f32 {
        self.y1 - self.y0
    }
    fn cx(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }
    fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
}

/// Angle of a quad's top edge folded into (-90°, 90°] in radians, `None` for
/// lines that run more vertical than horizontal.
fn line_angle(q: &Quad) -> Option<f32> {
    let mut a = (q[1].y - q[0].y).atan2(q[1].x - q[0].x);
    // Lines read upside down have their top edge reversed.
    if a > std::f32::consts::FRAC_PI_2 {
        a -= std::f32::consts::PI;
    } else if a <= -std::f32::consts::FRAC_PI_2 {
        a += std::f32::consts::PI;
    }
    (a.abs() <= std::f32::consts::FRAC_PI_4).then_some(a)
}

/// The page's text angle: the median angle of its clearly horizontal lines (0 without any).
fn page_skew(quads: &[Quad]) -> f32 {
    let mut angles: Vec<f32> = quads
        .iter()
        .filter(|q| {
            let (w, h) = quad_size(q);
            w >= 2.0 * h
        })
        .filter_map(line_angle)
        .collect();
    if angles.is_empty() {
        return 0.0;
    }
    angles.sort_by(f32::total_cmp);
    angles[angles.len() / 2]
}

fn rotate(p: Point, angle: f32) -> Point {
    let (s, c) = angle.sin_cos();
    Point::new(c * p.x - s * p.y, s * p.x + c * p.y)
}

fn bounds(q: &Quad) -> (f32, f32, f32, f32) {
    crate::geometry::quad_bounds(q)
}

fn deskewed_extents(quads: &[Quad]) -> Vec<Extent> {
    let skew = page_skew(quads);
    quads.iter().map(|q| Extent::deskewed(q, skew)).collect()
}

/// Returns the indices of `quads` in reading order.
pub fn reading_order(quads: &[Quad]) -> Vec<usize> {
    let extents = deskewed_extents(quads);
    let all: Vec<usize> = (0..quads.len()).collect();
    let mut out = Vec::with_capacity(quads.len());
    order_region(&extents, all, &mut out, 0);
    out
}

/// Groups boxes (already in reading order) that continue each other on the
/// same row with a gap under `max_gap` line heights: the detector sometimes
/// splits one text line at a wide space. Returns runs of indices into `quads`.
pub fn merge_row_neighbours(quads: &[Quad], max_gap: f32) -> Vec<Vec<usize>> {
    let ext = deskewed_extents(quads);
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, e) in ext.iter().enumerate() {
        let joins = groups.last().is_some_and(|g| {
            let p = &ext[*g.last().expect("groups are never empty")];
            let height = e.height().min(p.height()).max(1.0);
            let overlap = e.y1.min(p.y1) - e.y0.max(p.y0);
            let gap = e.x0 - p.x1;
            overlap > 0.6 * height && gap > -0.5 * height && gap < max_gap * height
        });
        match groups.last_mut() {
            Some(g) if joins => g.push(i),
            _ => groups.push(vec![i]),
        }
    }
    groups
}

/// Orders a region: split at a column gutter when there is one, else by rows.
fn order_region(ext: &[Extent], items: Vec<usize>, out: &mut Vec<usize>, depth: usize) {
    if items.len() > 3 && depth < 8 {
        if let Some((left, right)) = split_columns(ext, &items) {
            order_region(ext, left, out, depth + 1);
            order_region(ext, right, out, depth + 1);
            return;
        }
        // No gutter through the whole region: cut at the widest blank band
        // (XY-cut), so a full-width header does not hide columns below it.
        if let Some((top, bottom)) = split_rows(ext, &items) {
            order_region(ext, top, out, depth + 1);
            order_region(ext, bottom, out, depth + 1);
            return;
        }
    }
    for row in rows(ext, &items) {
        out.extend(row);
    }
}

/// Rows among which a line may still find its row: the rows of a page that
/// curves or tilts locally interleave by a little when sorted by centre.
const OPEN_ROWS: usize = 3;

/// Groups items into rows; rows top-to-bottom, items left-to-right. A line
/// joins the row holding the line whose centre line passes closest to its
/// centre, within half the smaller text height; the union of a row's bounds is
/// never used, so rows do not grow into their neighbours on a slanted page.
fn rows(ext: &[Extent], items: &[usize]) -> Vec<Vec<usize>> {
    let mut sorted = items.to_vec();
    sorted.sort_by(|&a, &b| {
        ext[a]
            .cy()
            .total_cmp(&ext[b].cy())
            .then(ext[a].x0.total_cmp(&ext[b].x0))
    });
    let mut rows: Vec<Vec<usize>> = Vec::new();
    for i in sorted {
        let e = &ext[i];
        let first_open = rows.len().saturating_sub(OPEN_ROWS);
        let mut best: Option<(f32, usize)> = None;
        for (r, members) in rows.iter().enumerate().skip(first_open) {
            for &j in members {
                let off = row_offset(&ext[j], e).abs();
                if off < 0.5 * e.text_h.min(ext[j].text_h) && best.is_none_or(|(b, _)| off < b) {
                    best = Some((off, r));
                }
            }
        }
        match best {
            Some((_, r)) => rows[r].push(i),
            None => rows.push(vec![i]),
        }
    }
    for m in &mut rows {
        m.sort_by(|&a, &b| ext[a].x0.total_cmp(&ext[b].x0));
    }
    rows
}

/// How far `b`'s centre lies below the centre line of `a`, the line's slope
/// taken from the longer of the two (its angle is the better measured).
fn row_offset(a: &Extent, b: &Extent) -> f32 {
    let slope = if a.x1 - a.x0 >= b.x1 - b.x0 {
        a.slope
    } else {
        b.slope
    };
    b.cy() - (a.cy() + (b.cx() - a.cx()) * slope)
}

/// Finds a vertical gutter that separates two text blocks which are not row-aligned.
fn split_columns(ext: &[Extent], items: &[usize]) -> Option<(Vec<usize>, Vec<usize>)> {
    let mut heights: Vec<f32> = items.iter().map(|&i| ext[i].text_h).collect();
    heights.sort_by(f32::total_cmp);
    let line_h = heights[heights.len() / 2].max(1.0);
    // Candidate gutters: gaps between the x-extents of all items, sorted by position.
    let mut spans: Vec<(f32, f32)> = items.iter().map(|&i| (ext[i].x0, ext[i].x1)).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut reach = spans[0].1;
    for &(x0, x1) in &spans[1..] {
        if x0 - reach >= 1.5 * line_h {
            let cut = (reach + x0) / 2.0;
            let (left, right): (Vec<usize>, Vec<usize>) =
                items.iter().partition(|&&i| ext[i].x1 <= cut);
            if left.len() >= 2 && right.len() >= 2 && !row_aligned(ext, &left, &right) {
                return Some((left, right));
            }
        }
        reach = reach.max(x1);
    }
    None
}

/// Splits at the widest horizontal blank band taller than a line, if any.
fn split_rows(ext: &[Extent], items: &[usize]) -> Option<(Vec<usize>, Vec<usize>)> {
    let mut heights: Vec<f32> = items.iter().map(|&i| ext[i].text_h).collect();
    heights.sort_by(f32::total_cmp);
    let line_h = heights[heights.len() / 2].max(1.0);
    let mut spans: Vec<(f32, f32)> = items.iter().map(|&i| (ext[i].y0, ext[i].y1)).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut reach = spans[0].1;
    let mut best: Option<(f32, f32)> = None;
    for &(y0, y1) in &spans[1..] {
        let gap = y0 - reach;
        if gap >= line_h && best.is_none_or(|(g, _)| gap > g) {
            best = Some((gap, (reach + y0) / 2.0));
        }
        reach = reach.max(y1);
    }
    let (_, cut) = best?;
    let (top, bottom): (Vec<usize>, Vec<usize>) = items.iter().partition(|&&i| ext[i].y1 <= cut);
    (!top.is_empty() && !bottom.is_empty()).then_some((top, bottom))
}

/// Whether most lines on one side have a partner on the same row on the other side.
fn row_aligned(ext: &[Extent], left: &[usize], right: &[usize]) -> bool {
    let paired = |a: &[usize], b: &[usize]| {
        a.iter()
            .filter(|&&i| {
                b.iter().any(|&j| {
                    let overlap = ext[i].y1.min(ext[j].y1) - ext[i].y0.max(ext[j].y0);
                    overlap > 0.5 * ext[i].height().min(ext[j].height())
                })
            })
            .count() as f32
            / a.len() as f32
    };
    paired(left, right) >= 0.5 || paired(right, left) >= 0.5
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Point;

    fn quad(x0: f32, y0: f32, x1: f32, y1: f32) -> Quad {
        [
            Point::new(x0, y0),
            Point::new(x1, y0),
            Point::new(x1, y1),
            Point::new(x0, y1),
        ]
    }

    #[test]
    fn receipt_rows_stay_together() {
        let q = vec![
            quad(10.0, 10.0, 100.0, 30.0),  // 0 TOTAL
            quad(300.0, 12.0, 360.0, 31.0), // 1 9.00
            quad(10.0, 40.0, 100.0, 60.0),  // 2 CASH
            quad(300.0, 41.0, 360.0, 60.0), // 3 10.00
            quad(10.0, 70.0, 100.0, 90.0),  // 4 CHANGE
            quad(300.0, 70.0, 360.0, 90.0), // 5 1.00
        ];
        assert_eq!(reading_order(&q), vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn close_boxes_on_a_row_merge_far_ones_do_not() {
        let q = vec![
            quad(10.0, 10.0, 100.0, 30.0),
            quad(110.0, 11.0, 200.0, 31.0), // 10 px gap at 20 px height: same line
            quad(400.0, 10.0, 460.0, 30.0), // far: a separate value
            quad(10.0, 40.0, 100.0, 60.0),  // next row
        ];
        assert_eq!(
            merge_row_neighbours(&q, 1.0),
            vec![vec![0, 1], vec![2], vec![3]]
        );
    }

    #[test]
    fn rows_of_a_skewed_page_stay_together() {
        // Label and amount rows 30 px apart, the page turned by 4°: the amount
        // at the right sits a whole row lower than its label's left end.
        let turn = |q: Quad| q.map(|p| rotate(p, 4f32.to_radians()));
        let mut q = Vec::new();
        for row in 0..5 {
            let y = 100.0 + 30.0 * row as f32;
            q.push(turn(quad(10.0, y, 300.0, y + 20.0)));
            q.push(turn(quad(500.0, y, 560.0, y + 20.0)));
        }
        assert_eq!(reading_order(&q), (0..10).collect::<Vec<_>>());
        let groups = merge_row_neighbours(&q, 1.2);
        assert_eq!(groups.len(), 10);
    }

    #[test]
    fn side_by_side_blocks_read_one_after_the_other() {
        let q = vec![
            quad(10.0, 10.0, 150.0, 30.0),   // 0 vendor line 1
            quad(400.0, 25.0, 550.0, 45.0),  // 1 customer line 1 (offset rows)
            quad(10.0, 40.0, 150.0, 60.0),   // 2 vendor line 2
            quad(400.0, 60.0, 550.0, 80.0),  // 3 customer line 2
            quad(10.0, 70.0, 150.0, 90.0),   // 4 vendor line 3
            quad(400.0, 95.0, 550.0, 115.0), // 5 customer line 3
        ];
        assert_eq!(reading_order(&q), vec![0, 2, 4, 1, 3, 5]);
    }
}
