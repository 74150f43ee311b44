//! Image degradations (rotation, blur, downscale, tone, noise, JPEG) that keep the ground truth aligned.

use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, Rgb, RgbImage};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::render::{FieldBox, Quad, TruthLine};
use crate::rng::Rng;

/// Errors while degrading an image.
#[derive(Debug, Error)]
pub enum DegradeError {
    /// JPEG encoding or decoding failed.
    #[error("JPEG round trip failed: {0}")]
    Jpeg(#[from] image::ImageError),
}

/// Which degradations to apply; each is optional.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Degradation {
    /// Rotation in degrees, counter-clockwise, canvas expanded, white fill (−10..10 sensible).
    pub rotation_deg: Option<f32>,
    /// Gaussian blur sigma in pixels.
    pub blur_sigma: Option<f32>,
    /// Downscale factor (0 < f < 1).
    pub downscale: Option<f32>,
    /// Brightness offset in levels (−255..255).
    pub brightness: Option<f32>,
    /// Contrast factor around mid-grey.
    pub contrast: Option<f32>,
    /// Additive Gaussian noise sigma in levels.
    pub noise_sigma: Option<f32>,
    /// JPEG re-encode quality (1..=100).
    pub jpeg_quality: Option<u8>,
}

/// The degraded image, and the JPEG file when JPEG re-encoding was applied.
#[derive(Clone, Debug)]
pub struct Degraded {
    /// Pixels after every degradation (decoded back from JPEG when applicable).
    pub image: RgbImage,
    /// The JPEG bytes, when `jpeg_quality` was set.
    pub jpeg: Option<Vec<u8>>,
}

impl Degradation {
    /// No degradation.
    pub fn none() -> Self {
        Self::default()
    }

    /// A random mix of moderate degradations derived from `seed`.
    pub fn random(seed: u64) -> Self {
        let mut r = Rng::new(seed ^ 0x6465_6772_6164_6521);
        let mut d = Self::none();
        if r.chance(0.6) {
            let small = r.chance(0.7);
            d.rotation_deg = Some(if small {
                r.uniform(-3.0, 3.0)
            } else {
                r.uniform(-10.0, 10.0)
            });
        }
        if r.chance(0.4) {
            d.blur_sigma = Some(r.uniform(0.5, 1.3));
        }
        if r.chance(0.35) {
            d.downscale = Some(r.uniform(0.65, 0.9));
        }
        if r.chance(0.4) {
            d.brightness = Some(r.uniform(-30.0, 20.0));
            d.contrast = Some(r.uniform(0.75, 1.1));
        }
        if r.chance(0.5) {
            d.noise_sigma = Some(r.uniform(3.0, 12.0));
        }
        if r.chance(0.4) {
            d.jpeg_quality = Some(r.range(25, 60) as u8);
        }
        if d.is_none() {
            d.rotation_deg = Some(r.uniform(-2.0, 2.0));
        }
        d
    }

    /// Adds a rotation in degrees.
    pub fn rotate(mut self, degrees: f32) -> Self {
        self.rotation_deg = Some(degrees);
        self
    }

    /// Adds a Gaussian blur.
    pub fn blur(mut self, sigma: f32) -> Self {
        self.blur_sigma = Some(sigma);
        self
    }

    /// Adds a downscale by `factor`.
    pub fn downscale(mut self, factor: f32) -> Self {
        self.downscale = Some(factor);
        self
    }

    /// Adds a brightness offset and contrast factor.
    pub fn tone(mut self, brightness: f32, contrast: f32) -> Self {
        self.brightness = Some(brightness);
        self.contrast = Some(contrast);
        self
    }

    /// Adds Gaussian noise.
    pub fn noise(mut self, sigma: f32) -> Self {
        self.noise_sigma = Some(sigma);
        self
    }

    /// Adds a JPEG re-encode.
    pub fn jpeg(mut self, quality: u8) -> Self {
        self.jpeg_quality = Some(quality.clamp(1, 100));
        self
    }

    /// Whether nothing is applied.
    pub fn is_none(&self) -> bool {
        *self == Self::none()
    }

    /// Applies the degradations in a fixed order, moving the truth quads along.
    pub fn apply(
        &self,
        image: &RgbImage,
        lines: &mut [TruthLine],
        fields: &mut [FieldBox],
        seed: u64,
    ) -> Result<Degraded, DegradeError> {
        let mut img = image.clone();
        let mut quads: Vec<&mut Quad> = Vec::new();
        for l in lines.iter_mut() {
            quads.push(&mut l.quad);
            for w in l.words.iter_mut() {
                quads.push(&mut w.quad);
            }
        }
        for f in fields.iter_mut() {
            quads.push(&mut f.quad);
        }
        if let Some(deg) = self.rotation_deg.filter(|d| *d != 0.0) {
            img = rotate(&img, deg, &mut quads);
        }
        if let Some(s) = self.blur_sigma.filter(|s| *s > 0.0) {
            img = gaussian_blur(&img, s);
        }
        if let Some(f) = self.downscale.filter(|f| *f > 0.0 && *f < 1.0) {
            img = downscale(&img, f, &mut quads);
        }
        if self.brightness.is_some() || self.contrast.is_some() {
            tone(
                &mut img,
                self.brightness.unwrap_or(0.0),
                self.contrast.unwrap_or(1.0),
            );
        }
        if let Some(s) = self.noise_sigma.filter(|s| *s > 0.0) {
            add_noise(&mut img, s, seed);
        }
        let mut jpeg = None;
        if let Some(q) = self.jpeg_quality {
            let mut buf = Vec::new();
            JpegEncoder::new_with_quality(&mut buf, q.clamp(1, 100)).encode_image(&img)?;
            img = image::load_from_memory_with_format(&buf, ImageFormat::Jpeg)?.to_rgb8();
            jpeg = Some(buf);
        }
        Ok(Degraded { image: img, jpeg })
    }
}

/// Rotates counter-clockwise by `degrees` about the centre, expanding the canvas, white fill.
pub fn rotate(img: &RgbImage, degrees: f32, quads: &mut [&mut Quad]) -> RgbImage {
    let t = (degrees as f64).to_radians();
    let (s, c) = t.sin_cos();
    let (w, h) = (img.width() as f64, img.height() as f64);
    let nw = (w * c.abs() + h * s.abs()).ceil();
    let nh = (w * s.abs() + h * c.abs()).ceil();
    let (cx, cy, ncx, ncy) = (w / 2.0, h / 2.0, nw / 2.0, nh / 2.0);
    // Forward map (y down, counter-clockwise on screen): x' = c·dx + s·dy, y' = −s·dx + c·dy.
    for q in quads.iter_mut() {
        for p in q.iter_mut() {
            let (dx, dy) = (p[0] as f64 - cx, p[1] as f64 - cy);
            p[0] = (ncx + c * dx + s * dy) as f32;
            p[1] = (ncy - s * dx + c * dy) as f32;
        }
    }
    let mut out = RgbImage::from_pixel(nw as u32, nh as u32, Rgb([255, 255, 255]));
    for y in 0..out.height() {
        for x in 0..out.width() {
            let (dx, dy) = (x as f64 + 0.5 - ncx, y as f64 + 0.5 - ncy);
            let sx = cx + c * dx - s * dy - 0.5;
            let sy = cy + s * dx + c * dy - 0.5;
            out.put_pixel(x, y, bilinear(img, sx, sy));
        }
    }
    out
}

fn bilinear(img: &RgbImage, x: f64, y: f64) -> Rgb<u8> {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let (x0, y0) = (x.floor() as i64, y.floor() as i64);
    let (fx, fy) = (x - x0 as f64, y - y0 as f64);
    let px = |xx: i64, yy: i64| -> [f64; 3] {
        if xx < 0 || yy < 0 || xx >= w || yy >= h {
            [255.0; 3]
        } else {
            let p = img.get_pixel(xx as u32, yy as u32).0;
            [p[0] as f64, p[1] as f64, p[2] as f64]
        }
    };
    let (a, b, c, d) = (
        px(x0, y0),
        px(x0 + 1, y0),
        px(x0, y0 + 1),
        px(x0 + 1, y0 + 1),
    );
    let mut out = [0u8; 3];
    for i in 0..3 {
        let top = a[i] + (b[i] - a[i]) * fx;
        let bot = c[i] + (d[i] - c[i]) * fx;
        out[i] = (top + (bot - top) * fy).round().clamp(0.0, 255.0) as u8;
    }
    Rgb(out)
}

/// Separable Gaussian blur with clamped edges.
pub fn gaussian_blur(img: &RgbImage, sigma: f32) -> RgbImage {
    let radius = (sigma * 3.0).ceil().max(1.0) as i64;
    let mut kernel: Vec<f32> = (-radius..=radius)
        .map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f32 = kernel.iter().sum();
    kernel.iter_mut().for_each(|k| *k /= sum);
    let (w, h) = (img.width() as i64, img.height() as i64);
    let src: Vec<f32> = img.as_raw().iter().map(|&v| v as f32).collect();
    let mut tmp = vec![0f32; src.len()];
    for y in 0..h {
        for x in 0..w {
            let mut acc = [0f32; 3];
            for (k, kv) in kernel.iter().enumerate() {
                let xx = (x + k as i64 - radius).clamp(0, w - 1);
                let i = ((y * w + xx) * 3) as usize;
                for c in 0..3 {
                    acc[c] += src[i + c] * kv;
                }
            }
            let o = ((y * w + x) * 3) as usize;
            tmp[o..o + 3].copy_from_slice(&acc);
        }
    }
    let mut out = RgbImage::new(w as u32, h as u32);
    for y in 0..h {
        for x in 0..w {
            let mut acc = [0f32; 3];
            for (k, kv) in kernel.iter().enumerate() {
                let yy = (y + k as i64 - radius).clamp(0, h - 1);
                let i = ((yy * w + x) * 3) as usize;
                for c in 0..3 {
                    acc[c] += tmp[i + c] * kv;
                }
            }
            out.put_pixel(
                x as u32,
                y as u32,
                Rgb(acc.map(|v| v.round().clamp(0.0, 255.0) as u8)),
            );
        }
    }
    out
}

/// Area-averaging downscale by `factor`; quads are scaled to the new size.
pub fn downscale(img: &RgbImage, factor: f32, quads: &mut [&mut Quad]) -> RgbImage {
    let (w, h) = (img.width(), img.height());
    let nw = ((w as f32 * factor).round() as u32).max(1);
    let nh = ((h as f32 * factor).round() as u32).max(1);
    let (sx, sy) = (w as f64 / nw as f64, h as f64 / nh as f64);
    let mut out = RgbImage::new(nw, nh);
    for y in 0..nh {
        let (y0, y1) = (y as f64 * sy, (y + 1) as f64 * sy);
        for x in 0..nw {
            let (x0, x1) = (x as f64 * sx, (x + 1) as f64 * sx);
            let mut acc = [0f64; 3];
            let mut area = 0f64;
            for yy in y0.floor() as u32..(y1.ceil() as u32).min(h) {
                let wy = (y1.min(yy as f64 + 1.0) - y0.max(yy as f64)).max(0.0);
                for xx in x0.floor() as u32..(x1.ceil() as u32).min(w) {
                    let wx = (x1.min(xx as f64 + 1.0) - x0.max(xx as f64)).max(0.0);
                    let p = img.get_pixel(xx, yy).0;
                    for c in 0..3 {
                        acc[c] += p[c] as f64 * wx * wy;
                    }
                    area += wx * wy;
                }
            }
            out.put_pixel(
                x,
                y,
                Rgb(acc.map(|v| (v / area).round().clamp(0.0, 255.0) as u8)),
            );
        }
    }
    let (kx, ky) = ((nw as f64 / w as f64) as f32, (nh as f64 / h as f64) as f32);
    for q in quads.iter_mut() {
        for p in q.iter_mut() {
            p[0] *= kx;
            p[1] *= ky;
        }
    }
    out
}

/// Brightness offset and contrast factor around mid-grey.
pub fn tone(img: &mut RgbImage, brightness: f32, contrast: f32) {
    for p in img.pixels_mut() {
        for v in p.0.iter_mut() {
            *v = ((*v as f32 - 128.0) * contrast + 128.0 + brightness)
                .round()
                .clamp(0.0, 255.0) as u8;
        }
    }
}

/// Additive Gaussian noise (per channel) from a seeded generator.
pub fn add_noise(img: &mut RgbImage, sigma: f32, seed: u64) {
    let mut r = Rng::new(seed ^ 0x6E6F_6973_6521_2121);
    for p in img.pixels_mut() {
        for v in p.0.iter_mut() {
            *v = (*v as f32 + r.normal() * sigma).round().clamp(0.0, 255.0) as u8;
        }
    }
}
