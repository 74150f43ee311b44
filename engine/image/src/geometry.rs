//! Plane geometry for text boxes and pages: convex hulls, minimum-area
//! rotated rectangles, perspective crops that follow a rotated box, and
//! rotations of whole pages.

use image::{GrayImage, Luma, RgbImage};
use serde::{Deserialize, Serialize};

/// A point in image pixel coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Horizontal coordinate, growing to the right.
    pub x: f32,
    /// Vertical coordinate, growing downwards.
    pub y: f32,
}

impl Point {
    /// A point at (`x`, `y`).
    pub fn new(x: f32, y: f32) -> Self {
        Point { x, y }
    }

    /// Euclidean distance to `other`.
    pub fn dist(self, other: Point) -> f32 {
        ((self.x - other.x).powi(2) + (self.y - other.y).powi(2)).sqrt()
    }
}

/// A quadrilateral, clockwise from the top-left corner of the text.
pub type Quad = [Point; 4];

/// Width (top edge) and height (left edge) of a quad, as the longer of each pair of sides.
pub fn quad_size(q: &Quad) -> (f32, f32) {
    let w = q[0].dist(q[1]).max(q[3].dist(q[2]));
    let h = q[0].dist(q[3]).max(q[1].dist(q[2]));
    (w, h)
}

/// Axis-aligned bounds `(min_x, min_y, max_x, max_y)` of a quad.
pub fn quad_bounds(q: &Quad) -> (f32, f32, f32, f32) {
    let mut b = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for p in q {
        b.0 = b.0.min(p.x);
        b.1 = b.1.min(p.y);
        b.2 = b.2.max(p.x);
        b.3 = b.3.max(p.y);
    }
    b
}

/// The quad lengthened by `d` pixels at each end along its text direction,
/// each end stopping at the image border (`width`×`height`) so a crop never
/// repeats edge pixels into fake ink.
pub fn extend_along_text(q: &Quad, d: f32, width: f32, height: f32) -> Quad {
    let top = q[0].dist(q[1]);
    if top <= 0.0 || d <= 0.0 {
        return *q;
    }
    let (ux, uy) = ((q[1].x - q[0].x) / top, (q[1].y - q[0].y) / top);
    // Largest step t <= d along (sx, sy) that keeps point p inside the image.
    let room = |p: Point, sx: f32, sy: f32| -> f32 {
        let mut t = d;
        for (v, s, max) in [(p.x, sx, width), (p.y, sy, height)] {
            if s > 1e-6 {
                t = t.min(((max - v) / s).max(0.0));
            } else if s < -1e-6 {
                t = t.min((v / -s).max(0.0));
            }
        }
        t
    };
    let back = room(q[0], -ux, -uy).min(room(q[3], -ux, -uy));
    let ahead = room(q[1], ux, uy).min(room(q[2], ux, uy));
    let shift = |p: Point, t: f32| Point::new(p.x + ux * t, p.y + uy * t);
    [
        shift(q[0], -back),
        shift(q[1], ahead),
        shift(q[2], ahead),
        shift(q[3], -back),
    ]
}

/// Centre of a quad.
pub fn quad_center(q: &Quad) -> Point {
    Point::new(
        q.iter().map(|p| p.x).sum::<f32>() / 4.0,
        q.iter().map(|p| p.y).sum::<f32>() / 4.0,
    )
}

fn cross(o: Point, a: Point, b: Point) -> f32 {
    (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
}

/// Convex hull (Andrew's monotone chain), counter-clockwise in y-down coordinates.
pub fn convex_hull(points: &[Point]) -> Vec<Point> {
    let mut pts: Vec<Point> = points.to_vec();
    pts.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    let mut hull: Vec<Point> = Vec::with_capacity(pts.len() * 2);
    // Lower hull left to right.
    for &p in &pts {
        while hull.len() >= 2 && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0 {
            hull.pop();
        }
        hull.push(p);
    }
    // Upper hull right to left, never popping into the lower hull.
    let lower_len = hull.len() + 1;
    for &p in pts.iter().rev().skip(1) {
        while hull.len() >= lower_len && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0
        {
            hull.pop();
        }
        hull.push(p);
    }
    hull.pop();
    hull
}

/// How many times longer than wide a box must be along the vertical to be
/// read as a vertical line of text rather than as upright glyphs.
pub const VERTICAL_LINE_RATIO: f32 = 3.0;

/// A rotated rectangle: centre, side lengths and the unit vector of its first side.
#[derive(Debug, Clone, Copy)]
pub struct RotatedRect {
    /// Centre of the rectangle.
    pub center: Point,
    /// Length along `axis`.
    pub width: f32,
    /// Length across `axis`.
    pub height: f32,
    /// Unit direction of the `width` side.
    pub axis: Point,
}

impl RotatedRect {
    /// Grows each side by `2 * d` (the rectangle case of DBNet's polygon offset).
    pub fn expanded(self, d: f32) -> Self {
        RotatedRect {
            width: self.width + 2.0 * d,
            height: self.height + 2.0 * d,
            ..self
        }
    }

    /// Corners ordered clockwise from the top-left of the text. The reading
    /// direction is the side nearer horizontal, unless the box is clearly
    /// a vertical line of text ([`VERTICAL_LINE_RATIO`] times taller than
    /// wide): a lone `1` or `:` is taller than wide and must not be read
    /// lying on its side.
    pub fn to_quad(self) -> Quad {
        let (mut ux, mut uy) = (self.axis.x, self.axis.y);
        let (mut w, mut h) = (self.width, self.height);
        let swap = if ux.abs() >= uy.abs() {
            h >= VERTICAL_LINE_RATIO * w
        } else {
            w < VERTICAL_LINE_RATIO * h
        };
        if swap {
            (ux, uy) = (-uy, ux);
            (w, h) = (h, w);
        }
        // Point the reading axis rightwards (or downwards when vertical).
        if ux < 0.0 || (ux == 0.0 && uy < 0.0) {
            ux = -ux;
            uy = -uy;
        }
        // Normal pointing down in image coordinates.
        let (vx, vy) = (-uy, ux);
        let c = self.center;
        let hw = w / 2.0;
        let hh = h / 2.0;
        let corner = |sx: f32, sy: f32| {
            Point::new(
                c.x + sx * hw * ux + sy * hh * vx,
                c.y + sx * hw * uy + sy * hh * vy,
            )
        };
        [
            corner(-1.0, -1.0),
            corner(1.0, -1.0),
            corner(1.0, 1.0),
            corner(-1.0, 1.0),
        ]
    }
}

/// Minimum-area enclosing rectangle of a point set (rotating calipers on the hull).
pub fn min_area_rect(points: &[Point]) -> Option<RotatedRect> {
    let hull = convex_hull(points);
    if hull.is_empty() {
        return None;
    }
    if hull.len() < 3 {
        let a = hull[0];
        let b = *hull.last().unwrap();
        let len = a.dist(b);
        let axis = if len > 0.0 {
            Point::new((b.x - a.x) / len, (b.y - a.y) / len)
        } else {
            Point::new(1.0, 0.0)
        };
        return Some(RotatedRect {
            center: Point::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0),
            width: len,
            height: 0.0,
            axis,
        });
    }
    let mut best: Option<(f32, RotatedRect)> = None;
    for i in 0..hull.len() {
        let a = hull[i];
        let b = hull[(i + 1) % hull.len()];
        let len = a.dist(b);
        if len == 0.0 {
            continue;
        }
        let (ux, uy) = ((b.x - a.x) / len, (b.y - a.y) / len);
        let (mut min_u, mut max_u, mut min_v, mut max_v) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for p in &hull {
            let u = p.x * ux + p.y * uy;
            let v = -p.x * uy + p.y * ux;
            min_u = min_u.min(u);
            max_u = max_u.max(u);
            min_v = min_v.min(v);
            max_v = max_v.max(v);
        }
        let area = (max_u - min_u) * (max_v - min_v);
        if best.as_ref().is_none_or(|(a, _)| area < *a - 1e-3) {
            let cu = (min_u + max_u) / 2.0;
            let cv = (min_v + max_v) / 2.0;
            let center = Point::new(cu * ux - cv * uy, cu * uy + cv * ux);
            best = Some((
                area,
                RotatedRect {
                    center,
                    width: max_u - min_u,
                    height: max_v - min_v,
                    axis: Point::new(ux, uy),
                },
            ));
        }
    }
    best.map(|(_, r)| r)
}

/// Solves the 3×3 homography mapping `src[i]` to `dst[i]` (8 unknowns, h33 = 1).
fn homography(src: &[Point; 4], dst: &[Point; 4]) -> Option<[f64; 9]> {
    let mut m = [[0f64; 9]; 8];
    for i in 0..4 {
        let (x, y) = (f64::from(src[i].x), f64::from(src[i].y));
        let (u, v) = (f64::from(dst[i].x), f64::from(dst[i].y));
        m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    // Gaussian elimination with partial pivoting.
    for col in 0..8 {
        let pivot = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        let pivot_row = m[col];
        for (r, row) in m.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (value, p) in row.iter_mut().zip(pivot_row.iter()).skip(col) {
                    *value -= f * p;
                }
            }
        }
    }
    let mut h = [0f64; 9];
    for (i, (value, row)) in h.iter_mut().zip(m.iter()).enumerate() {
        *value = row[8] / row[i];
    }
    h[8] = 1.0;
    Some(h)
}

/// Crops the quad out of `image` into an upright `out_w`×`out_h` image,
/// following its rotation and perspective (bilinear sampling, edge pixels
/// repeated outside the source).
pub fn warp_quad(image: &RgbImage, quad: &Quad, out_w: u32, out_h: u32) -> RgbImage {
    let dst = [
        Point::new(0.0, 0.0),
        Point::new(out_w as f32, 0.0),
        Point::new(out_w as f32, out_h as f32),
        Point::new(0.0, out_h as f32),
    ];
    // Map output pixels back into the source.
    let Some(h) = homography(&dst, quad) else {
        return RgbImage::new(out_w, out_h);
    };
    resample(image, out_w, out_h, Edge::Clamp, |x, y| {
        let w = h[6] * x + h[7] * y + h[8];
        (
            (h[0] * x + h[1] * y + h[2]) / w,
            (h[3] * x + h[4] * y + h[5]) / w,
        )
    })
}

/// What sampling reads outside the source image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// The nearest edge pixel (crops of boxes that touch the border).
    Clamp,
    /// A constant colour (the paper around a rotated page).
    Fill([u8; 3]),
}

/// Builds an `out_w`×`out_h` image whose pixel centre `(x, y)` samples the
/// source at `map(x, y)` (continuous coordinates, pixel centres at +0.5),
/// bilinearly.
pub fn resample(
    image: &RgbImage,
    out_w: u32,
    out_h: u32,
    edge: Edge,
    map: impl Fn(f64, f64) -> (f64, f64),
) -> RgbImage {
    let mut out = RgbImage::new(out_w, out_h);
    let (iw, ih) = (image.width() as i64, image.height() as i64);
    let raw = image.as_raw();
    for oy in 0..out_h {
        for ox in 0..out_w {
            let (mx, my) = map(f64::from(ox) + 0.5, f64::from(oy) + 0.5);
            let sx = mx - 0.5;
            let sy = my - 0.5;
            let x0 = sx.floor();
            let y0 = sy.floor();
            let fx = sx - x0;
            let fy = sy - y0;
            let mut px = [0f64; 3];
            for (dy, wy) in [(0i64, 1.0 - fy), (1, fy)] {
                for (dx, wx) in [(0i64, 1.0 - fx), (1, fx)] {
                    let (mut xx, mut yy) = (x0 as i64 + dx, y0 as i64 + dy);
                    let inside = (0..iw).contains(&xx) && (0..ih).contains(&yy);
                    let sample = match edge {
                        Edge::Fill(color) if !inside => color,
                        _ => {
                            xx = xx.clamp(0, iw - 1);
                            yy = yy.clamp(0, ih - 1);
                            let idx = ((yy * iw + xx) * 3) as usize;
                            [raw[idx], raw[idx + 1], raw[idx + 2]]
                        }
                    };
                    for (acc, v) in px.iter_mut().zip(sample) {
                        *acc += wx * wy * f64::from(v);
                    }
                }
            }
            out.put_pixel(
                ox,
                oy,
                image::Rgb(px.map(|v| v.round().clamp(0.0, 255.0) as u8)),
            );
        }
    }
    out
}

/// Rotates `image` counter-clockwise by `degrees` about its centre onto a
/// canvas grown to hold every corner, `fill` where no source pixel lands.
///
/// The canvas is [`rotated_size`]: check it against the limits first, since
/// a thin sliver turned by 45° grows by half its length squared.
pub fn rotate(image: &RgbImage, degrees: f64, fill: [u8; 3]) -> RgbImage {
    let (s, c) = degrees.to_radians().sin_cos();
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    let (nw, nh) = rotated_size(image.width(), image.height(), degrees);
    let (nw, nh) = (f64::from(nw), f64::from(nh));
    let (cx, cy, ncx, ncy) = (w / 2.0, h / 2.0, nw / 2.0, nh / 2.0);
    // Inverse map of a counter-clockwise turn on screen (y down).
    resample(image, nw as u32, nh as u32, Edge::Fill(fill), |x, y| {
        let (dx, dy) = (x - ncx, y - ncy);
        (cx + c * dx - s * dy, cy + s * dx + c * dy)
    })
}

/// The canvas [`rotate`] makes for a `width`×`height` image turned by
/// `degrees`: every corner held, at least one pixel per side.
pub fn rotated_size(width: u32, height: u32, degrees: f64) -> (u32, u32) {
    let (s, c) = degrees.to_radians().sin_cos();
    let (w, h) = (f64::from(width), f64::from(height));
    // Rounded before ceil so an exact multiple of 90° does not gain a pixel.
    let grow = |v: f64| {
        ((v * 1e6).round() / 1e6)
            .ceil()
            .clamp(1.0, f64::from(u32::MAX)) as u32
    };
    (
        grow(w * c.abs() + h * s.abs()),
        grow(w * s.abs() + h * c.abs()),
    )
}

/// Converts RGB to 8-bit luma.
pub fn to_gray(image: &RgbImage) -> GrayImage {
    GrayImage::from_fn(image.width(), image.height(), |x, y| {
        let p = image.get_pixel(x, y);
        Luma([
            ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000) as u8,
        ])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotated_size_is_the_canvas_rotate_makes() {
        let img = RgbImage::new(8, 61);
        for degrees in [0.0, 0.3, -3.0, 15.0, -44.9, 45.0, 90.0, 180.0] {
            let turned = rotate(&img, degrees, [255; 3]);
            assert_eq!(
                rotated_size(8, 61, degrees),
                (turned.width(), turned.height()),
                "{degrees}°"
            );
        }
        // A sliver at 45° grows by about half its length squared.
        assert_eq!(rotated_size(8, 20_000, 45.0), (14_148, 14_148));
    }

    #[test]
    fn hull_of_square_with_inner_points() {
        let pts = [
            Point::new(0.0, 0.0),
            Point::new(2.0, 0.0),
            Point::new(2.0, 2.0),
            Point::new(0.0, 2.0),
            Point::new(1.0, 1.0),
        ];
        assert_eq!(convex_hull(&pts).len(), 4);
    }

    #[test]
    fn min_area_rect_of_rotated_rectangle() {
        let angle: f32 = 0.3;
        let (c, s) = (angle.cos(), angle.sin());
        let mut pts = Vec::new();
        for i in 0..=40 {
            for j in 0..=10 {
                let (u, v) = (i as f32, j as f32);
                pts.push(Point::new(100.0 + u * c - v * s, 50.0 + u * s + v * c));
            }
        }
        let r = min_area_rect(&pts).unwrap();
        let (w, h) = (r.width.max(r.height), r.width.min(r.height));
        assert!(
            (w - 40.0).abs() < 0.01 && (h - 10.0).abs() < 0.01,
            "{w} {h}"
        );
        let q = r.to_quad();
        // Top-left corner is the one nearest the origin of the text.
        assert!(
            (q[0].x - 100.0).abs() < 0.01 && (q[0].y - 50.0).abs() < 0.01,
            "{q:?}"
        );
        let (qw, qh) = quad_size(&q);
        assert!((qw - 40.0).abs() < 0.01 && (qh - 10.0).abs() < 0.01);
    }

    #[test]
    fn quads_lengthen_along_the_text_and_stop_at_the_border() {
        let q = [
            Point::new(10.0, 5.0),
            Point::new(20.0, 5.0),
            Point::new(20.0, 15.0),
            Point::new(10.0, 15.0),
        ];
        let wide = extend_along_text(&q, 4.0, 100.0, 100.0);
        assert_eq!(
            (wide[0].x, wide[1].x, wide[2].x, wide[3].x),
            (6.0, 24.0, 24.0, 6.0)
        );
        assert_eq!((wide[0].y, wide[2].y), (5.0, 15.0));
        // Only 2 px of image to the right: that end stops there, the other goes on.
        let edge = extend_along_text(&q, 4.0, 22.0, 100.0);
        assert_eq!((edge[0].x, edge[1].x), (6.0, 22.0));
        // Nothing to add: the quad comes back unchanged.
        assert_eq!(extend_along_text(&q, -1.0, 100.0, 100.0)[0].x, 10.0);
    }

    #[test]
    fn a_lone_tall_glyph_is_read_upright_a_vertical_line_along_its_length() {
        let rect = |axis: Point, width: f32, height: f32| RotatedRect {
            center: Point::new(50.0, 50.0),
            width,
            height,
            axis,
        };
        // A `1`: 10 wide, 22 tall, whichever side the calipers named first.
        for r in [
            rect(Point::new(0.0, 1.0), 22.0, 10.0),
            rect(Point::new(1.0, 0.0), 10.0, 22.0),
        ] {
            let q = r.to_quad();
            assert!((q[1].y - q[0].y).abs() < 1e-3, "top edge horizontal: {q:?}");
            assert!((quad_size(&q).0 - 10.0).abs() < 1e-3);
        }
        // A vertical line of text, 4 times taller than wide, reads downwards.
        let q = rect(Point::new(1.0, 0.0), 10.0, 40.0).to_quad();
        assert!((q[1].x - q[0].x).abs() < 1e-3 && q[1].y > q[0].y, "{q:?}");
    }

    #[test]
    fn warp_identity_crop() {
        let img = RgbImage::from_fn(20, 10, |x, _| image::Rgb([(x * 10) as u8, 0, 0]));
        let q = [
            Point::new(5.0, 2.0),
            Point::new(15.0, 2.0),
            Point::new(15.0, 8.0),
            Point::new(5.0, 8.0),
        ];
        let out = warp_quad(&img, &q, 10, 6);
        assert_eq!(out.get_pixel(0, 0)[0], 50);
        assert_eq!(out.get_pixel(9, 5)[0], 140);
    }

    #[test]
    fn rotate_quarter_turn_keeps_pixels() {
        let img = RgbImage::from_fn(4, 2, |x, y| image::Rgb([(x * 10 + y) as u8, 0, 0]));
        let out = rotate(&img, 90.0, [255; 3]);
        assert_eq!(out.dimensions(), (2, 4));
        // Counter-clockwise: the top-right pixel lands top-left.
        assert_eq!(out.get_pixel(0, 0)[0], 30);
        assert_eq!(out.get_pixel(1, 3)[0], 1);
    }

    #[test]
    fn rotate_fills_uncovered_corners() {
        let img = RgbImage::from_pixel(40, 20, image::Rgb([0, 0, 0]));
        let out = rotate(&img, 10.0, [255, 255, 255]);
        assert!(out.width() > 40 && out.height() > 20);
        assert_eq!(out.get_pixel(0, 0).0, [255, 255, 255]);
        let (cx, cy) = (out.width() / 2, out.height() / 2);
        assert_eq!(out.get_pixel(cx, cy).0, [0, 0, 0]);
    }
}
