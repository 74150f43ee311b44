//! Pixel operations of the clean-up pipeline. All integer or fixed-order
//! arithmetic, so the same input gives the same bytes on every machine.

use crate::geometry::to_gray;
use image::imageops::{self, FilterType};
use image::{GrayImage, Luma, Rgb, RgbImage};
use serde::Serialize;

/// A pixel rectangle inside an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PixelBox {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Histogram of an 8-bit grey image.
pub fn histogram(gray: &GrayImage) -> [u64; 256] {
    let mut h = [0u64; 256];
    for p in gray.as_raw() {
        h[usize::from(*p)] += 1;
    }
    h
}

/// Otsu's threshold: the grey level that best separates ink from paper
/// (pixels `<= threshold` are ink).
pub fn otsu_threshold(hist: &[u64; 256]) -> u8 {
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return 127;
    }
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &c)| i as f64 * c as f64)
        .sum();
    let (mut weight_bg, mut sum_bg) = (0u64, 0f64);
    let (mut best, mut best_var) = (127u8, -1f64);
    for (t, &count) in hist.iter().enumerate() {
        weight_bg += count;
        if weight_bg == 0 {
            continue;
        }
        let weight_fg = total - weight_bg;
        if weight_fg == 0 {
            break;
        }
        sum_bg += t as f64 * count as f64;
        let mean_bg = sum_bg / weight_bg as f64;
        let mean_fg = (sum_all - sum_bg) / weight_fg as f64;
        let between = weight_bg as f64 * weight_fg as f64 * (mean_bg - mean_fg).powi(2);
        if between > best_var {
            best_var = between;
            best = t as u8;
        }
    }
    best
}

/// The grey level below which `fraction` of the pixels lie.
pub fn percentile(hist: &[u64; 256], fraction: f64) -> u8 {
    let total: u64 = hist.iter().sum();
    let target = (total as f64 * fraction).floor() as u64;
    let mut seen = 0u64;
    for (level, &count) in hist.iter().enumerate() {
        seen += count;
        if seen > target {
            return level as u8;
        }
    }
    255
}

/// Per-channel median of the outermost pixel frame: the paper colour to
/// fill with when the page is turned.
pub fn border_color(image: &RgbImage) -> [u8; 3] {
    let (w, h) = image.dimensions();
    let mut channels: [Vec<u8>; 3] = Default::default();
    let mut push = |x: u32, y: u32| {
        let p = image.get_pixel(x, y);
        for (c, values) in channels.iter_mut().enumerate() {
            values.push(p[c]);
        }
    };
    for x in 0..w {
        push(x, 0);
        push(x, h - 1);
    }
    for y in 1..h.saturating_sub(1) {
        push(0, y);
        push(w - 1, y);
    }
    channels.map(|mut v| {
        v.sort_unstable();
        v[v.len() / 2]
    })
}

/// Grey copy of `image`, kept in RGB so later steps need one pixel type.
pub fn grayscale(image: &RgbImage) -> RgbImage {
    gray_to_rgb(&to_gray(image))
}

/// Expands a grey image to RGB with equal channels.
pub fn gray_to_rgb(gray: &GrayImage) -> RgbImage {
    RgbImage::from_fn(gray.width(), gray.height(), |x, y| {
        let v = gray.get_pixel(x, y)[0];
        Rgb([v, v, v])
    })
}

/// Stretches luminance so the 1st percentile becomes black and the 99th
/// white (the same map on every channel, so colours keep their hue).
/// Returns the `(low, high)` levels used, or `None` on a flat image.
pub fn normalize_contrast(image: &mut RgbImage) -> Option<(u8, u8)> {
    let hist = histogram(&to_gray(image));
    let (low, high) = (percentile(&hist, 0.01), percentile(&hist, 0.99));
    // Below this spread the image is blank; stretching would only amplify noise.
    if high <= low.saturating_add(8) {
        return None;
    }
    let span = u32::from(high - low);
    let lut: [u8; 256] = std::array::from_fn(|v| {
        let v = (v as u32).clamp(u32::from(low), u32::from(high)) - u32::from(low);
        ((v * 255 + span / 2) / span) as u8
    });
    for p in image.pixels_mut() {
        p.0 = p.0.map(|v| lut[usize::from(v)]);
    }
    Some((low, high))
}

/// 3×3 median filter per channel: removes salt-and-pepper specks and scanner
/// dust while keeping stroke edges (a mean filter would blur them).
pub fn median3(image: &RgbImage) -> RgbImage {
    let (w, h) = image.dimensions();
    let mut out = RgbImage::new(w, h);
    for y in 0..h {
        for x in 0..w {
            let mut window = [[0u8; 9]; 3];
            let mut n = 0;
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let xx = (i64::from(x) + dx).clamp(0, i64::from(w) - 1) as u32;
                    let yy = (i64::from(y) + dy).clamp(0, i64::from(h) - 1) as u32;
                    let p = image.get_pixel(xx, yy);
                    for (channel, v) in window.iter_mut().zip(p.0) {
                        channel[n] = v;
                    }
                    n += 1;
                }
            }
            let px = window.map(|mut v| {
                v.sort_unstable();
                v[4]
            });
            out.put_pixel(x, y, Rgb(px));
        }
    }
    out
}

/// Black ink on white paper by Otsu's global threshold; returns the image
/// and the threshold.
pub fn binarize(image: &RgbImage) -> (GrayImage, u8) {
    let gray = to_gray(image);
    let t = otsu_threshold(&histogram(&gray));
    let out = GrayImage::from_fn(gray.width(), gray.height(), |x, y| {
        Luma([if gray.get_pixel(x, y)[0] <= t { 0 } else { 255 }])
    });
    (out, t)
}

/// How [`document_box`] found the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CropMode {
    /// Bright paper on a darker background: the paper's extent.
    Paper,
    /// Paper filling the frame: the printed content plus a margin.
    Content,
}

/// Share of a row or column that must be bright for it to belong to the paper.
const PAPER_FRACTION: f64 = 0.5;

/// Finds the document in `image`: the bright paper when a darker background
/// surrounds it, else the printed content with a margin of 2 % of the
/// shorter side. `None` when the image has no ink at all.
pub fn document_box(image: &RgbImage) -> Option<(PixelBox, CropMode)> {
    let gray = to_gray(image);
    let (w, h) = gray.dimensions();
    let t = otsu_threshold(&histogram(&gray));
    let mut row_bright = vec![0u32; h as usize];
    let mut col_bright = vec![0u32; w as usize];
    for (x, y, p) in gray.enumerate_pixels() {
        if p[0] > t {
            row_bright[y as usize] += 1;
            col_bright[x as usize] += 1;
        }
    }
    let extent = |counts: &[u32], across: u32| {
        let paper = |c: &u32| f64::from(*c) >= PAPER_FRACTION * f64::from(across);
        let first = counts.iter().position(paper)?;
        let last = counts.iter().rposition(paper)?;
        Some((first as u32, last as u32 + 1))
    };
    let (y0, y1) = extent(&row_bright, w)?;
    let (x0, x1) = extent(&col_bright, h)?;
    // A border of background more than 1 % of a side: crop to the paper.
    let slack = |lo: u32, hi: u32, side: u32| lo + (side - hi) > side / 100;
    if slack(x0, x1, w) || slack(y0, y1, h) {
        let b = PixelBox {
            x: x0,
            y: y0,
            width: x1 - x0,
            height: y1 - y0,
        };
        return Some((b, CropMode::Paper));
    }
    let (mut ix0, mut iy0, mut ix1, mut iy1) = (u32::MAX, u32::MAX, 0, 0);
    for (x, y, p) in gray.enumerate_pixels() {
        if p[0] <= t {
            ix0 = ix0.min(x);
            iy0 = iy0.min(y);
            ix1 = ix1.max(x + 1);
            iy1 = iy1.max(y + 1);
        }
    }
    // A blank page has no ink to crop to.
    if ix0 == u32::MAX {
        return None;
    }
    let margin = (w.min(h) / 50).max(8);
    let (bx0, by0) = (ix0.saturating_sub(margin), iy0.saturating_sub(margin));
    let (bx1, by1) = ((ix1 + margin).min(w), (iy1 + margin).min(h));
    Some((
        PixelBox {
            x: bx0,
            y: by0,
            width: bx1 - bx0,
            height: by1 - by0,
        },
        CropMode::Content,
    ))
}

/// Copies the `b` rectangle out of `image`.
pub fn crop(image: &RgbImage, b: PixelBox) -> RgbImage {
    imageops::crop_imm(image, b.x, b.y, b.width, b.height).to_image()
}

/// Resamples to exactly `width`×`height` with a triangle filter.
pub fn resize(image: &RgbImage, width: u32, height: u32) -> RgbImage {
    if image.dimensions() == (width, height) {
        return image.clone();
    }
    imageops::resize(image, width, height, FilterType::Triangle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_with_block(w: u32, h: u32, block: PixelBox) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            let inside = (block.x..block.x + block.width).contains(&x)
                && (block.y..block.y + block.height).contains(&y);
            if inside {
                Rgb([20, 20, 20])
            } else {
                Rgb([250, 250, 250])
            }
        })
    }

    #[test]
    fn otsu_splits_two_levels() {
        let mut h = [0u64; 256];
        h[30] = 100;
        h[220] = 900;
        let t = otsu_threshold(&h);
        assert!((30..220).contains(&t), "{t}");
    }

    #[test]
    fn contrast_stretches_a_dim_image() {
        let mut img = RgbImage::from_fn(100, 1, |x, _| {
            let v = 100 + (x as u8) / 2;
            Rgb([v, v, v])
        });
        let (low, high) = normalize_contrast(&mut img).unwrap();
        assert!(low >= 100 && high <= 150);
        assert_eq!(img.get_pixel(0, 0)[0], 0);
        assert_eq!(img.get_pixel(99, 0)[0], 255);
        let mut flat = RgbImage::from_pixel(10, 10, Rgb([128; 3]));
        assert_eq!(normalize_contrast(&mut flat), None);
    }

    #[test]
    fn median_removes_a_speck() {
        let mut img = RgbImage::from_pixel(5, 5, Rgb([255; 3]));
        img.put_pixel(2, 2, Rgb([0; 3]));
        assert_eq!(median3(&img).get_pixel(2, 2).0, [255; 3]);
    }

    #[test]
    fn binarize_gives_two_levels() {
        let block = PixelBox {
            x: 2,
            y: 2,
            width: 3,
            height: 3,
        };
        let (bin, _) = binarize(&page_with_block(10, 10, block));
        assert_eq!(bin.get_pixel(3, 3)[0], 0);
        assert_eq!(bin.get_pixel(0, 0)[0], 255);
    }

    #[test]
    fn crops_to_content_with_margin() {
        let block = PixelBox {
            x: 100,
            y: 150,
            width: 200,
            height: 50,
        };
        let (b, mode) = document_box(&page_with_block(600, 800, block)).unwrap();
        assert_eq!(mode, CropMode::Content);
        assert_eq!((b.x, b.y, b.width, b.height), (88, 138, 224, 74));
    }

    #[test]
    fn crops_to_paper_on_a_dark_background() {
        let img = RgbImage::from_fn(400, 300, |x, y| {
            if (50..350).contains(&x) && (40..280).contains(&y) {
                Rgb([240, 240, 235])
            } else {
                Rgb([40, 60, 50])
            }
        });
        let (b, mode) = document_box(&img).unwrap();
        assert_eq!(mode, CropMode::Paper);
        assert_eq!((b.x, b.y, b.width, b.height), (50, 40, 300, 240));
    }

    #[test]
    fn blank_page_has_no_document_box() {
        assert_eq!(
            document_box(&RgbImage::from_pixel(50, 50, Rgb([255; 3]))),
            None
        );
    }

    #[test]
    fn border_color_is_the_frame_median() {
        let mut img = RgbImage::from_pixel(10, 10, Rgb([0; 3]));
        for x in 0..10 {
            img.put_pixel(x, 0, Rgb([200, 210, 220]));
            img.put_pixel(x, 9, Rgb([200, 210, 220]));
        }
        for y in 0..10 {
            img.put_pixel(0, y, Rgb([200, 210, 220]));
            img.put_pixel(9, y, Rgb([200, 210, 220]));
        }
        assert_eq!(border_color(&img), [200, 210, 220]);
    }
}
