//! DBNet text detection: probability map, connected components, minimum-area
//! rotated boxes, box score and unclip.

use crate::error::OcrError;
use crate::geometry::{min_area_rect, Point, Quad, RotatedRect};
use crate::inference::ShapedModel;
use crate::preprocess::{resize, to_tensor, white, PADDLE_HALF};
use image::RgbImage;

/// Post-processing parameters (RapidOCR/PaddleOCR defaults unless a profile changes them).
#[derive(Debug, Clone, Copy)]
pub struct DetectionParams {
    /// The image is scaled so its shorter side is at least this many pixels...
    pub min_side: u32,
    /// ...and its longer side at most this many...
    pub max_side: u32,
    /// ...and it is never enlarged more than this (DBNet splits words of very large text).
    pub max_upscale: f32,
    /// Probability above which a pixel counts as text.
    pub threshold: f32,
    /// Minimum mean probability inside a box for it to be kept.
    pub box_threshold: f32,
    /// DBNet's unclip ratio: how far a shrunk text kernel is grown back.
    pub unclip_ratio: f32,
    /// Boxes with a shorter side below this (in model pixels) are dropped.
    pub min_box_side: f32,
    /// Upper bound on boxes per page, so a noise image cannot explode the work.
    pub max_boxes: usize,
}

impl Default for DetectionParams {
    fn default() -> Self {
        DetectionParams {
            min_side: 736,
            max_side: 2048,
            max_upscale: 2.0,
            threshold: 0.3,
            box_threshold: 0.5,
            unclip_ratio: 1.5,
            min_box_side: 3.0,
            max_boxes: 2000,
        }
    }
}

/// One detected text region in original image coordinates.
#[derive(Debug, Clone)]
pub struct DetectedBox {
    /// Corners clockwise from the top-left of the text.
    pub quad: Quad,
    /// Mean text probability inside the box.
    pub score: f32,
}

/// Canvas side granularity: a few fixed shapes keep the optimized-plan cache small.
const CANVAS_STEP: u32 = 128;

/// The DBNet text detector.
pub struct TextDetector {
    model: ShapedModel,
}

/// Size of the model input for an image: the scaled image size (multiples of
/// 32) and the canvas it is padded into.
pub fn detection_size(
    width: u32,
    height: u32,
    params: &DetectionParams,
) -> ((u32, u32), (u32, u32)) {
    let (w, h) = (width as f32, height as f32);
    let mut scale = 1.0f32;
    if w.min(h) * scale < params.min_side as f32 {
        scale = (params.min_side as f32 / w.min(h)).min(params.max_upscale);
    }
    if w.max(h) * scale > params.max_side as f32 {
        scale = params.max_side as f32 / w.max(h);
    }
    let round32 = |v: f32| (((v / 32.0).round() as u32) * 32).max(32);
    let (sw, sh) = (round32(w * scale), round32(h * scale));
    let up = |v: u32| v.div_ceil(CANVAS_STEP) * CANVAS_STEP;
    ((sw, sh), (up(sw), up(sh)))
}

impl TextDetector {
    /// Parses the DBNet ONNX model.
    pub fn new(model_bytes: &[u8]) -> Result<Self, OcrError> {
        Ok(TextDetector {
            model: ShapedModel::parse("detection", model_bytes)?,
        })
    }

    /// Runs the network and returns the probability map over the scaled image
    /// together with the scale factors back to the original.
    pub fn probability_map(
        &mut self,
        image: &RgbImage,
        params: &DetectionParams,
    ) -> Result<ProbabilityMap, OcrError> {
        let ((sw, sh), (cw, ch)) = detection_size(image.width(), image.height(), params);
        let scaled = resize(image, sw, sh);
        let input = to_tensor(
            &scaled,
            cw as usize,
            ch as usize,
            PADDLE_HALF,
            white(PADDLE_HALF),
        );
        let output = self.model.run("detection", input)?;
        let view = output
            .to_plain_array_view::<f32>()
            .map_err(|e| OcrError::inference("detection", e))?;
        let shape = view.shape().to_vec();
        if shape.len() != 4 || shape[2] != ch as usize || shape[3] != cw as usize {
            return Err(OcrError::inference(
                "detection",
                format!("unexpected output shape {shape:?}"),
            ));
        }
        let mut data = Vec::with_capacity((sw * sh) as usize);
        for y in 0..sh as usize {
            for x in 0..sw as usize {
                data.push(view[[0, 0, y, x]]);
            }
        }
        Ok(ProbabilityMap {
            width: sw as usize,
            height: sh as usize,
            data,
            scale_x: image.width() as f32 / sw as f32,
            scale_y: image.height() as f32 / sh as f32,
        })
    }

    /// Detects text boxes in `image`.
    pub fn detect(
        &mut self,
        image: &RgbImage,
        params: &DetectionParams,
    ) -> Result<(Vec<DetectedBox>, ProbabilityMap), OcrError> {
        let map = self.probability_map(image, params)?;
        let boxes = boxes_from_map(&map, params, image.width() as f32, image.height() as f32);
        Ok((boxes, map))
    }

    /// Number of input shapes optimized so far (for diagnostics).
    pub fn cached_shapes(&self) -> usize {
        self.model.cached_shapes()
    }
}

/// DBNet's per-pixel text probability over the scaled image.
pub struct ProbabilityMap {
    /// Map width in model pixels.
    pub width: usize,
    /// Map height in model pixels.
    pub height: usize,
    /// Row-major probabilities.
    pub data: Vec<f32>,
    /// Original pixels per map pixel, horizontally.
    pub scale_x: f32,
    /// Original pixels per map pixel, vertically.
    pub scale_y: f32,
}

impl ProbabilityMap {
    /// Probability at map pixel (`x`, `y`), 0 outside.
    pub fn at(&self, x: i64, y: i64) -> f32 {
        if x < 0 || y < 0 || x >= self.width as i64 || y >= self.height as i64 {
            return 0.0;
        }
        self.data[y as usize * self.width + x as usize]
    }
}

/// A connected component of above-threshold pixels, summarised by the leftmost
/// and rightmost pixel of each row (enough for its convex hull).
pub(crate) struct Component {
    pub(crate) extremes: Vec<Point>,
    pub(crate) pixels: usize,
}

impl Component {
    /// Axis-aligned bounds `(x0, y0, x1, y1)`, the far sides exclusive.
    pub(crate) fn bounds(&self) -> (f32, f32, f32, f32) {
        self.extremes.iter().fold(
            (f32::MAX, f32::MAX, f32::MIN, f32::MIN),
            |(x0, y0, x1, y1), p| (x0.min(p.x), y0.min(p.y), x1.max(p.x), y1.max(p.y)),
        )
    }
}

/// Labels 8-connected components of `mask` with a union-find over row runs.
pub(crate) fn connected_components(mask: &[bool], width: usize, height: usize) -> Vec<Component> {
    // Runs of set pixels per row: (row, start, end_exclusive).
    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    let mut row_start = vec![0usize; height + 1];
    for y in 0..height {
        row_start[y] = runs.len();
        let row = &mask[y * width..(y + 1) * width];
        let mut x = 0;
        while x < width {
            if row[x] {
                let s = x;
                while x < width && row[x] {
                    x += 1;
                }
                runs.push((y, s, x));
            } else {
                x += 1;
            }
        }
    }
    row_start[height] = runs.len();
    let mut parent: Vec<usize> = (0..runs.len()).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for y in 1..height {
        let (prev, cur) = (
            row_start[y - 1]..row_start[y],
            row_start[y]..row_start[y + 1],
        );
        let mut j = prev.start;
        for i in cur {
            let (_, s, e) = runs[i];
            // Skip previous-row runs that end before this one starts (8-connectivity).
            while j < prev.end && runs[j].2 < s {
                j += 1;
            }
            let mut k = j;
            while k < prev.end && runs[k].1 <= e {
                let (a, b) = (find(&mut parent, i), find(&mut parent, k));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
                k += 1;
            }
        }
    }
    let mut index_of_root = std::collections::BTreeMap::new();
    let mut comps: Vec<Component> = Vec::new();
    for (i, &(y, s, e)) in runs.iter().enumerate() {
        let root = find(&mut parent, i);
        let idx = *index_of_root.entry(root).or_insert_with(|| {
            comps.push(Component {
                extremes: Vec::new(),
                pixels: 0,
            });
            comps.len() - 1
        });
        let c = &mut comps[idx];
        c.pixels += e - s;
        // Pixel corners, so a one-pixel-high run still has an area.
        c.extremes.push(Point::new(s as f32, y as f32));
        c.extremes.push(Point::new(e as f32, y as f32));
        c.extremes.push(Point::new(s as f32, y as f32 + 1.0));
        c.extremes.push(Point::new(e as f32, y as f32 + 1.0));
    }
    comps
}

/// Mean probability inside a convex quad (PaddleOCR's box score).
fn box_score(map: &ProbabilityMap, quad: &Quad) -> f32 {
    let (min_x, min_y, max_x, max_y) = crate::geometry::quad_bounds(quad);
    let inside = |px: f32, py: f32| {
        (0..4).all(|i| {
            let a = quad[i];
            let b = quad[(i + 1) % 4];
            (b.x - a.x) * (py - a.y) - (b.y - a.y) * (px - a.x) >= 0.0
        })
    };
    let (mut sum, mut n) = (0f64, 0usize);
    for y in min_y.floor() as i64..max_y.ceil() as i64 {
        for x in min_x.floor() as i64..max_x.ceil() as i64 {
            if inside(x as f32 + 0.5, y as f32 + 0.5) {
                sum += f64::from(map.at(x, y));
                n += 1;
            }
        }
    }
    if n == 0 {
        0.0
    } else {
        (sum / n as f64) as f32
    }
}

/// Turns a probability map into text boxes in original image coordinates.
pub fn boxes_from_map(
    map: &ProbabilityMap,
    params: &DetectionParams,
    image_w: f32,
    image_h: f32,
) -> Vec<DetectedBox> {
    let mask: Vec<bool> = map.data.iter().map(|&p| p > params.threshold).collect();
    let mut comps = connected_components(&mask, map.width, map.height);
    // Biggest first, so the box cap drops specks rather than text.
    comps.sort_by_key(|c| std::cmp::Reverse(c.pixels));
    let mut boxes = Vec::new();
    for comp in comps.iter().take(params.max_boxes) {
        let Some(rect) = min_area_rect(&comp.extremes) else {
            continue;
        };
        if rect.width.min(rect.height) < params.min_box_side {
            continue;
        }
        let score = box_score(map, &rect.to_quad());
        if score < params.box_threshold {
            continue;
        }
        let expanded = unclip(rect, params.unclip_ratio);
        if expanded.width.min(expanded.height) < params.min_box_side + 2.0 {
            continue;
        }
        let quad = expanded.to_quad().map(|p| {
            Point::new(
                (p.x * map.scale_x).clamp(0.0, image_w),
                (p.y * map.scale_y).clamp(0.0, image_h),
            )
        });
        boxes.push(DetectedBox { quad, score });
    }
    boxes
}

/// DBNet's unclip: offset by `area × ratio / perimeter`.
pub fn unclip(rect: RotatedRect, ratio: f32) -> RotatedRect {
    let area = rect.width * rect.height;
    let perimeter = 2.0 * (rect.width + rect.height);
    if perimeter <= 0.0 {
        return rect;
    }
    rect.expanded(area * ratio / perimeter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_multiples_of_32_within_bucketed_canvas() {
        let p = DetectionParams::default();
        let ((w, h), (cw, ch)) = detection_size(463, 1013, &p);
        assert_eq!(w % 32, 0);
        assert_eq!(h % 32, 0);
        assert!(w >= 736 - 16);
        assert!(cw >= w && ch >= h && cw % CANVAS_STEP == 0 && ch % CANVAS_STEP == 0);
        let ((w, h), _) = detection_size(2481, 3508, &p);
        assert!(h <= 2048 + 16 && w < h);
    }

    #[test]
    fn finds_two_separate_blobs() {
        let (w, h) = (40, 20);
        let mut data = vec![0.0f32; w * h];
        for y in 5..10 {
            for x in 2..15 {
                data[y * w + x] = 0.9;
            }
            for x in 22..38 {
                data[y * w + x] = 0.8;
            }
        }
        let map = ProbabilityMap {
            width: w,
            height: h,
            data,
            scale_x: 2.0,
            scale_y: 2.0,
        };
        let boxes = boxes_from_map(&map, &DetectionParams::default(), 80.0, 40.0);
        assert_eq!(boxes.len(), 2);
        for b in &boxes {
            assert!(b.score > 0.7);
            // Unclip grew the box beyond the 5-pixel-high kernel (×2 scale).
            let (_, bh) = crate::geometry::quad_size(&b.quad);
            assert!(bh > 10.0, "{bh}");
        }
    }
}
