//! Skew estimation by projection profiles: text lines turned by the right
//! angle project onto a few sharp rows, which maximizes the sum of squared
//! differences between neighbouring row counts.

use crate::geometry::to_gray;
use crate::ops::{histogram, otsu_threshold};
use image::RgbImage;

/// At most this many ink pixels vote; more are sampled with a fixed stride,
/// so the cost is bounded and the answer still deterministic.
const MAX_POINTS: usize = 250_000;
/// Coarse search step in degrees (a page-wide line drifts ~4 px per 0.25° at 1000 px).
const COARSE_STEP: f64 = 0.5;
/// Fine search step in degrees around the coarse optimum.
const FINE_STEP: f64 = 0.05;
/// Below this share of ink pixels there is no text to align with.
const MIN_INK_FRACTION: f64 = 0.0005;

/// The angle estimate of one page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SkewEstimate {
    /// Counter-clockwise rotation of the content on screen, in degrees
    /// (rounded to 0.01°); turning the image by minus this straightens it.
    pub angle_degrees: f64,
    /// Ink pixels that voted.
    pub points: usize,
}

/// Estimates the skew of the text in `image` within ±`max_degrees`; `None`
/// when there is too little ink to tell.
pub fn estimate_skew(image: &RgbImage, max_degrees: f64) -> Option<SkewEstimate> {
    let gray = to_gray(image);
    let t = otsu_threshold(&histogram(&gray));
    let is_ink = |p: &image::Luma<u8>| p[0] <= t;
    let count = gray.pixels().filter(|p| is_ink(p)).count();
    let total = u64::from(gray.width()) * u64::from(gray.height());
    if (count as f64) < MIN_INK_FRACTION * total as f64 || count < 50 {
        return None;
    }
    // Counted first so a huge page never holds every ink pixel at once.
    let stride = count.div_ceil(MAX_POINTS);
    let points: Vec<(f64, f64)> = gray
        .enumerate_pixels()
        .filter(|(_, _, p)| is_ink(p))
        .step_by(stride)
        .map(|(x, y, _)| (f64::from(x), f64::from(y)))
        .collect();
    // x·sin lies within ±width and y·cos within [0, height]: room for both signs.
    let offset = f64::from(gray.width());
    let bins = 2 * gray.width() as usize + gray.height() as usize + 3;
    let mut profile = vec![0f64; bins];
    let mut score = |degrees: f64| -> f64 {
        let (s, c) = degrees.to_radians().sin_cos();
        profile.iter_mut().for_each(|b| *b = 0.0);
        for &(x, y) in &points {
            // Constant along a line turned counter-clockwise by `degrees` (y down).
            let v = x * s + y * c + offset;
            // Split each vote between the two nearest rows: whole-row votes
            // alias with the pixel grid and make moiré peaks at some angles.
            let i = v.floor();
            let f = v - i;
            profile[i as usize] += 1.0 - f;
            profile[i as usize + 1] += f;
        }
        // Squared steps between neighbouring rows: sharp line edges score,
        // the smooth profiles of grid-like diagonals (tables, columns) do not.
        profile.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum()
    };
    let best_of = |candidates: &mut dyn Iterator<Item = f64>, score: &mut dyn FnMut(f64) -> f64| {
        let mut best = (0.0, f64::MIN);
        for a in candidates {
            let v = score(a);
            if v > best.1 {
                best = (a, v);
            }
        }
        best
    };
    let steps = (max_degrees / COARSE_STEP).floor() as i64;
    let (coarse, _) = best_of(
        &mut (-steps..=steps).map(|i| i as f64 * COARSE_STEP),
        &mut score,
    );
    let fine_steps = (COARSE_STEP / FINE_STEP).round() as i64;
    let (fine, best) = best_of(
        &mut (-fine_steps..=fine_steps)
            .map(|i| coarse + i as f64 * FINE_STEP)
            .filter(|a| a.abs() <= max_degrees),
        &mut score,
    );
    // A parabola through the best fine step and its neighbours places the peak between steps.
    let (left, right) = (score(fine - FINE_STEP), score(fine + FINE_STEP));
    let curvature = left - 2.0 * best + right;
    let shift = if curvature < 0.0 {
        (0.5 * (left - right) / curvature).clamp(-0.5, 0.5) * FINE_STEP
    } else {
        0.0
    };
    let angle = ((fine + shift).clamp(-max_degrees, max_degrees) * 100.0).round() / 100.0;
    Some(SkewEstimate {
        angle_degrees: if angle == 0.0 { 0.0 } else { angle },
        points: points.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::rotate;
    use image::Rgb;

    /// "Text lines": runs of dark bars of uneven lengths on white.
    pub(super) fn striped_page() -> RgbImage {
        RgbImage::from_fn(800, 600, |x, y| {
            let in_line = (60..540).contains(&y) && y % 40 < 12;
            // Word lengths vary by line and position, as in real text.
            let cell = (x + 37 * (y / 40)) % (50 + 13 * (y / 40) % 40);
            let in_word = (50..750).contains(&x) && cell > 9;
            if in_line && in_word {
                Rgb([10, 10, 10])
            } else {
                Rgb([255, 255, 255])
            }
        })
    }

    #[test]
    fn finds_known_rotations() {
        let page = striped_page();
        for angle in [-7.3, -2.0, 0.0, 1.4, 6.0] {
            let turned = rotate(&page, angle, [255; 3]);
            let est = estimate_skew(&turned, 15.0).unwrap();
            assert!(
                (est.angle_degrees - angle).abs() <= 0.2,
                "turned {angle}°, estimated {}°",
                est.angle_degrees
            );
        }
    }

    #[test]
    fn blank_page_has_no_estimate() {
        assert_eq!(
            estimate_skew(&RgbImage::from_pixel(100, 100, Rgb([255; 3])), 15.0),
            None
        );
    }
}
