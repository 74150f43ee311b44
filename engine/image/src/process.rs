//! The clean-up pipeline of the `image` module and its output document.

use crate::decode::{decode_image_with, DecodeLimits};
use crate::deskew::estimate_skew;
use crate::error::ImagingError;
use crate::geometry::{rotate, rotated_size, to_gray};
use crate::ops::{self, CropMode, PixelBox};
use crate::options::{ImageOptions, Resize};
use base64::Engine as _;
use image::{DynamicImage, ImageFormat, RgbImage};
use serde::Serialize;
use serde_json::{json, Value};

/// Skews smaller than this are reported but not corrected: resampling would
/// blur the page for no gain.
const MIN_CORRECTION_DEGREES: f64 = 0.05;

/// One thing the pipeline did (or looked at and left alone).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// EXIF orientation tag found (1–8, `None` when absent) and whether it was applied.
    ExifOrientation {
        /// The tag value.
        exif: Option<u8>,
        /// Whether the image was turned.
        applied: bool,
    },
    /// Skew estimate and correction.
    Deskew {
        /// Counter-clockwise skew found, degrees; `None` when the page has too little ink.
        angle_degrees: Option<f64>,
        /// Whether the page was turned by minus that angle.
        applied: bool,
    },
    /// Crop to the document.
    Crop {
        /// The kept rectangle, in the coordinates of the step's input; `None` when nothing was found.
        r#box: Option<PixelBox>,
        /// How the document was found.
        mode: Option<CropMode>,
    },
    /// Converted to grey.
    Grayscale,
    /// Contrast stretch.
    Contrast {
        /// Levels mapped to black and white; `None` on a flat image (left alone).
        levels: Option<[u8; 2]>,
    },
    /// Median filter.
    Denoise {
        /// The filter used.
        method: &'static str,
    },
    /// Black and white.
    Binarize {
        /// Otsu's threshold (grey levels at or below are ink).
        threshold: u8,
    },
    /// Resampled.
    Resize {
        /// Size before, `[width, height]`.
        from: [u32; 2],
        /// Size after.
        to: [u32; 2],
    },
}

/// The cleaned image and the report of what was done.
#[derive(Debug, Clone)]
pub struct Processed {
    /// The result pixels.
    pub image: RgbImage,
    /// Whether every pixel is grey (encoded as one channel).
    pub gray: bool,
    /// Size of the decoded input, `[width, height]`.
    pub source_size: [u32; 2],
    /// Skew estimate, when deskew ran and found text.
    pub skew_degrees: Option<f64>,
    /// Steps in the order they ran.
    pub steps: Vec<Step>,
}

/// Decodes `bytes` and runs the steps `options` turn on, in a fixed order:
/// EXIF orientation, deskew, crop, grayscale, contrast, denoise, binarize, resize.
pub fn process(
    bytes: &[u8],
    options: &ImageOptions,
    limits: &DecodeLimits,
) -> Result<Processed, ImagingError> {
    let decoded = decode_image_with(bytes, limits, options.exif_orientation)?;
    let mut image = decoded.image;
    let source_size = [image.width(), image.height()];
    let mut steps = vec![Step::ExifOrientation {
        exif: decoded.exif_orientation,
        applied: decoded.orientation_applied,
    }];
    let mut gray = false;
    let mut skew_degrees = None;
    if options.deskew {
        let estimate = estimate_skew(&image, options.max_skew_degrees).map(|e| e.angle_degrees);
        let applied = estimate.is_some_and(|a| a.abs() >= MIN_CORRECTION_DEGREES);
        if let (true, Some(angle)) = (applied, estimate) {
            // Checked before turning: the canvas of a thin sliver turned
            // by tens of degrees is far larger than the image (8×20000
            // pixels at 45° is 14148×14148), and must not be allocated
            // and filled only to be refused.
            let (w, h) = rotated_size(image.width(), image.height(), -angle);
            check_size(w, h, limits, "deskew")?;
            let fill = ops::border_color(&image);
            image = rotate(&image, -angle, fill);
        }
        skew_degrees = estimate;
        steps.push(Step::Deskew {
            angle_degrees: estimate,
            applied,
        });
    }
    if options.crop {
        let found = ops::document_box(&image);
        if let Some((b, _)) = found {
            image = ops::crop(&image, b);
        }
        steps.push(Step::Crop {
            r#box: found.map(|f| f.0),
            mode: found.map(|f| f.1),
        });
    }
    if options.grayscale {
        image = ops::grayscale(&image);
        gray = true;
        steps.push(Step::Grayscale);
    }
    if options.contrast {
        let levels = ops::normalize_contrast(&mut image).map(|(l, h)| [l, h]);
        steps.push(Step::Contrast { levels });
    }
    if options.denoise {
        image = ops::median3(&image);
        steps.push(Step::Denoise { method: "median3" });
    }
    if options.binarize {
        let (bin, threshold) = ops::binarize(&image);
        image = ops::gray_to_rgb(&bin);
        gray = true;
        steps.push(Step::Binarize { threshold });
    }
    if let Some(resize) = options.resize {
        let from = [image.width(), image.height()];
        let [w, h] = target_size(from, resize);
        check_size(w, h, limits, "resize")?;
        image = ops::resize(&image, w, h);
        steps.push(Step::Resize { from, to: [w, h] });
    }
    Ok(Processed {
        image,
        gray,
        source_size,
        skew_degrees,
        steps,
    })
}

/// Output size for a resize request (at least one pixel per side).
fn target_size([w, h]: [u32; 2], resize: Resize) -> [u32; 2] {
    let scaled = |f: f64| {
        [
            (f64::from(w) * f).round().max(1.0) as u32,
            (f64::from(h) * f).round().max(1.0) as u32,
        ]
    };
    match resize {
        Resize::MaxSide(m) if w.max(h) > m => scaled(f64::from(m) / f64::from(w.max(h))),
        Resize::MaxSide(_) => [w, h],
        Resize::Width(tw) => [tw, scaled(f64::from(tw) / f64::from(w))[1]],
        Resize::Height(th) => [scaled(f64::from(th) / f64::from(h))[0], th],
        Resize::Scale(f) => scaled(f),
    }
}

/// Rejects a result over the decoding limits, naming the step and the limit.
fn check_size(w: u32, h: u32, limits: &DecodeLimits, step: &str) -> Result<(), ImagingError> {
    match crate::decode::over_limits(w, h, limits) {
        Some(what) => Err(ImagingError::InvalidInput(format!(
            "{step} would make an image of {what}"
        ))),
        None => Ok(()),
    }
}

impl Processed {
    /// PNG bytes of the result (one grey channel when [`Processed::gray`]).
    pub fn png(&self) -> Result<Vec<u8>, ImagingError> {
        let dynamic = if self.gray {
            DynamicImage::ImageLuma8(to_gray(&self.image))
        } else {
            DynamicImage::ImageRgb8(self.image.clone())
        };
        let mut out = Vec::new();
        dynamic
            .write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
            .map_err(|e| ImagingError::Encode(e.to_string()))?;
        Ok(out)
    }

    /// The module's output document (see [`output_schema`]).
    pub fn to_json(&self, include_image: bool) -> Result<Value, ImagingError> {
        let image = if include_image {
            Value::String(base64::engine::general_purpose::STANDARD.encode(self.png()?))
        } else {
            Value::Null
        };
        let steps =
            serde_json::to_value(&self.steps).map_err(|e| ImagingError::Encode(e.to_string()))?;
        Ok(json!({
            "media_type": "image/png",
            "width": self.image.width(),
            "height": self.image.height(),
            "channels": if self.gray { "gray" } else { "rgb" },
            "source": {"width": self.source_size[0], "height": self.source_size[1]},
            "skew_degrees": self.skew_degrees,
            "steps": steps,
            "image_base64": image,
        }))
    }
}

/// JSON Schema of the output document.
pub fn output_schema() -> Value {
    let size = json!({"type": "integer", "minimum": 1});
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "image output",
        "type": "object",
        "properties": {
            "media_type": {"const": "image/png"},
            "width": size, "height": size,
            "channels": {"enum": ["rgb", "gray"]},
            "source": {
                "description": "Size of the decoded input.",
                "type": "object",
                "properties": {"width": size, "height": size},
                "required": ["width", "height"]
            },
            "skew_degrees": {
                "description": "Counter-clockwise skew of the text found in the input, degrees; null when deskew was off or found no text.",
                "type": ["number", "null"]
            },
            "steps": {
                "description": "What was done, in order; each item names its step and what it found.",
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"step": {"enum": ["exif_orientation", "deskew", "crop", "grayscale", "contrast", "denoise", "binarize", "resize"]}},
                    "required": ["step"]
                }
            },
            "image_base64": {
                "description": "The cleaned image as base64 PNG; null when include_image is false.",
                "type": ["string", "null"],
                "contentEncoding": "base64",
                "contentMediaType": "image/png"
            }
        },
        "required": ["media_type", "width", "height", "channels", "source", "skew_degrees", "steps", "image_base64"],
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    fn png(img: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    fn lined_page() -> RgbImage {
        RgbImage::from_fn(600, 400, |x, y| {
            if (40..560).contains(&x) && (50..350).contains(&y) && y % 30 < 10 && x % 50 < 40 {
                Rgb([0, 0, 0])
            } else {
                Rgb([250, 250, 250])
            }
        })
    }

    #[test]
    fn every_step_reports_in_order() {
        let page = rotate(&lined_page(), 3.0, [250; 3]);
        let opts = ImageOptions {
            crop: true,
            grayscale: true,
            contrast: true,
            denoise: true,
            binarize: true,
            resize: Some(Resize::MaxSide(300)),
            ..ImageOptions::default()
        };
        let out = process(&png(&page), &opts, &DecodeLimits::default()).unwrap();
        let names: Vec<String> = out
            .steps
            .iter()
            .map(|s| {
                serde_json::to_value(s).unwrap()["step"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(
            names,
            [
                "exif_orientation",
                "deskew",
                "crop",
                "grayscale",
                "contrast",
                "denoise",
                "binarize",
                "resize"
            ]
        );
        assert!((out.skew_degrees.unwrap() - 3.0).abs() < 0.2);
        assert!(out.gray && out.image.width().max(out.image.height()) == 300);
        let doc = out.to_json(true).unwrap();
        assert_eq!(doc["channels"], "gray");
        assert!(doc["image_base64"]
            .as_str()
            .unwrap()
            .starts_with("iVBORw0KGgo"));
    }

    #[test]
    fn same_input_same_bytes() {
        let bytes = png(&rotate(&lined_page(), -4.0, [250; 3]));
        let run = || {
            process(&bytes, &ImageOptions::default(), &DecodeLimits::default())
                .unwrap()
                .to_json(true)
                .unwrap()
                .to_string()
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn resize_over_the_limit_names_it() {
        let opts = ImageOptions {
            deskew: false,
            resize: Some(Resize::Scale(4.0)),
            ..ImageOptions::default()
        };
        let limits = DecodeLimits {
            max_pixels: 1_000_000,
            ..DecodeLimits::default()
        };
        let err = process(&png(&lined_page()), &opts, &limits).unwrap_err();
        assert!(err.to_string().contains("limit of 1000000 pixels"), "{err}");
    }

    #[test]
    fn deskew_over_the_limit_is_refused_before_turning() {
        // A page skewed by 10°: turned straight, its canvas grows by a third.
        let page = rotate(&lined_page(), 10.0, [250; 3]);
        let limits = DecodeLimits {
            max_pixels: u64::from(page.width()) * u64::from(page.height()) + 1,
            ..DecodeLimits::default()
        };
        let estimate = crate::deskew::estimate_skew(&page, 15.0).unwrap();
        let (w, h) = rotated_size(page.width(), page.height(), -estimate.angle_degrees);
        assert!(u64::from(w) * u64::from(h) > limits.max_pixels);
        let err = process(&png(&page), &ImageOptions::default(), &limits).unwrap_err();
        assert!(
            matches!(&err, ImagingError::InvalidInput(m) if m.starts_with("deskew would make an image of")),
            "{err}"
        );
    }

    /// A JPEG with an EXIF APP1 segment declaring `orientation`.
    fn jpeg_with_orientation(img: &RgbImage, orientation: u8) -> Vec<u8> {
        let mut jpeg = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut jpeg), ImageFormat::Jpeg)
            .unwrap();
        // Big-endian TIFF header, one IFD entry: tag 0x0112 (orientation), SHORT, 1 value.
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0".to_vec();
        exif.extend_from_slice(&[orientation, 0, 0, 0, 0, 0, 0]);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&exif);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn exif_orientation_is_applied_and_reported() {
        let bytes = jpeg_with_orientation(&RgbImage::from_pixel(40, 20, Rgb([200; 3])), 6);
        let opts = ImageOptions {
            deskew: false,
            ..ImageOptions::default()
        };
        let out = process(&bytes, &opts, &DecodeLimits::default()).unwrap();
        assert_eq!(out.image.dimensions(), (20, 40));
        assert_eq!(
            out.steps[0],
            Step::ExifOrientation {
                exif: Some(6),
                applied: true
            }
        );
        let off = ImageOptions {
            exif_orientation: false,
            ..opts
        };
        let out = process(&bytes, &off, &DecodeLimits::default()).unwrap();
        assert_eq!(out.image.dimensions(), (40, 20));
        assert_eq!(
            out.steps[0],
            Step::ExifOrientation {
                exif: Some(6),
                applied: false
            }
        );
    }

    #[test]
    fn target_sizes() {
        assert_eq!(target_size([2000, 1000], Resize::MaxSide(500)), [500, 250]);
        assert_eq!(target_size([200, 100], Resize::MaxSide(500)), [200, 100]);
        assert_eq!(target_size([200, 100], Resize::Width(100)), [100, 50]);
        assert_eq!(target_size([200, 100], Resize::Height(50)), [100, 50]);
        assert_eq!(target_size([200, 100], Resize::Scale(0.5)), [100, 50]);
    }
}
