//! Reading order: top-to-bottom, left-to-right, with columns kept apart.
//!
//! Lines are first grouped into rows (vertical overlap). A page is split into
//! columns only where a vertical gutter runs through several consecutive rows
//! *and* the lines on its two sides do not pair up row by row — so a receipt's
//! "label ... amount" rows stay together while two address blocks side by side
//! are read one after the other.

use crate::geometry::{quad_bounds, Quad};

/// Axis-aligned extent of a line used for ordering.
#[derive(Debug, Clone, Copy)]
struct Extent {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl Extent {
    fn height(&self) -> f32 {
        self.y1 - self.y0
    }
    fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
}

/// Returns the indices of `quads` in reading order.
pub fn reading_order(quads: &[Quad]) -> Vec<usize> {
    let extents: Vec<Extent> = quads
        .iter()
        .map(|q| {
            let (x0, y0, x1, y1) = quad_bounds(q);
            Extent { x0, y0, x1, y1 }
        })
        .collect();
    let all: Vec<usize> = (0..quads.len()).collect();
    let mut out = Vec::with_capacity(quads.len());
    order_region(&extents, all, &mut out, 0);
    out
}

/// Groups boxes (already in reading order) that continue each other on the
/// same row with a gap under `max_gap` line heights: the detector sometimes
/// splits one text line at a wide space. Returns runs of indices into `quads`.
pub fn merge_row_neighbours(quads: &[Quad], max_gap: f32) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, q) in quads.iter().enumerate() {
        let (x0, y0, _, y1) = quad_bounds(q);
        let joins = groups.last().is_some_and(|g| {
            let (_, py0, px1, py1) =
                quad_bounds(&quads[*g.last().expect("groups are never empty")]);
            let height = (y1 - y0).min(py1 - py0).max(1.0);
            let overlap = y1.min(py1) - y0.max(py0);
            let gap = x0 - px1;
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

/// Groups items into rows by vertical overlap; rows top-to-bottom, items left-to-right.
fn rows(ext: &[Extent], items: &[usize]) -> Vec<Vec<usize>> {
    let mut sorted = items.to_vec();
    sorted.sort_by(|&a, &b| {
        ext[a]
            .cy()
            .total_cmp(&ext[b].cy())
            .then(ext[a].x0.total_cmp(&ext[b].x0))
    });
    let mut rows: Vec<(Extent, Vec<usize>)> = Vec::new();
    for i in sorted {
        let e = ext[i];
        let joined = rows.last_mut().filter(|(r, _)| {
            let overlap = r.y1.min(e.y1) - r.y0.max(e.y0);
            overlap > 0.5 * e.height().min(r.height())
        });
        match joined {
            Some((r, members)) => {
                members.push(i);
                r.y0 = r.y0.min(e.y0);
                r.y1 = r.y1.max(e.y1);
            }
            None => rows.push((e, vec![i])),
        }
    }
    rows.into_iter()
        .map(|(_, mut m)| {
            m.sort_by(|&a, &b| ext[a].x0.total_cmp(&ext[b].x0));
            m
        })
        .collect()
}

/// Finds a vertical gutter that separates two text blocks which are not row-aligned.
fn split_columns(ext: &[Extent], items: &[usize]) -> Option<(Vec<usize>, Vec<usize>)> {
    let mut heights: Vec<f32> = items.iter().map(|&i| ext[i].height()).collect();
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
    let mut heights: Vec<f32> = items.iter().map(|&i| ext[i].height()).collect();
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
