//! Options of the `image` module: one switch per clean-up step.

use crate::error::ImagingError;
use serde_json::{json, Map, Value};

/// Largest skew the deskew search considers, in degrees.
pub const MAX_SKEW_LIMIT: f64 = 45.0;
/// Largest resize factor (upscaling beyond this only grows files).
pub const MAX_SCALE: f64 = 4.0;
/// Smallest resize factor.
pub const MIN_SCALE: f64 = 0.01;

/// How to resize the result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resize {
    /// Shrink so neither side exceeds this many pixels (never enlarges).
    MaxSide(u32),
    /// Scale to this width, keeping the aspect ratio.
    Width(u32),
    /// Scale to this height, keeping the aspect ratio.
    Height(u32),
    /// Multiply both sides by this factor.
    Scale(f64),
}

/// Parsed options of one call. Steps run in the order of the fields.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageOptions {
    /// Turn the image upright as its EXIF orientation tag says.
    pub exif_orientation: bool,
    /// Estimate the skew of the text and turn the page straight.
    pub deskew: bool,
    /// Largest skew searched, in degrees.
    pub max_skew_degrees: f64,
    /// Crop to the document (the paper, or the printed content plus a margin).
    pub crop: bool,
    /// Convert to grey.
    pub grayscale: bool,
    /// Stretch the 1st–99th luminance percentiles to black–white.
    pub contrast: bool,
    /// 3×3 median filter.
    pub denoise: bool,
    /// Black and white by Otsu's threshold.
    pub binarize: bool,
    /// Resize last.
    pub resize: Option<Resize>,
    /// Put the PNG (base64) in the output; off returns only the report.
    pub include_image: bool,
}

impl Default for ImageOptions {
    fn default() -> Self {
        ImageOptions {
            exif_orientation: true,
            deskew: true,
            max_skew_degrees: 15.0,
            crop: false,
            grayscale: false,
            contrast: false,
            denoise: false,
            binarize: false,
            resize: None,
            include_image: true,
        }
    }
}

/// The boolean switches: (option name, description).
const SWITCHES: &[(&str, &str)] = &[
    ("exif_orientation", "Turn the image upright as its EXIF orientation tag says."),
    ("deskew", "Estimate the skew of the text (reported as skew_degrees) and turn the page straight."),
    ("crop", "Crop to the document: the paper when a darker background surrounds it, else the printed content plus a margin."),
    ("grayscale", "Convert to grey."),
    ("contrast", "Stretch the 1st-99th luminance percentiles to black-white."),
    ("denoise", "3x3 median filter (removes specks, keeps stroke edges)."),
    ("binarize", "Black ink on white paper by Otsu's global threshold."),
    ("include_image", "Put the cleaned image (base64 PNG) in the output; false returns only the report."),
];

/// JSON Schema of the options object.
pub fn options_schema() -> Value {
    let defaults = ImageOptions::default();
    let mut props = Map::new();
    for (name, description) in SWITCHES {
        props.insert(
            (*name).into(),
            json!({"description": description, "type": "boolean", "default": defaults.switch(name)}),
        );
    }
    props.insert(
        "max_skew_degrees".into(),
        json!({
            "description": "Largest skew the deskew step searches, in degrees.",
            "type": "number", "exclusiveMinimum": 0, "maximum": MAX_SKEW_LIMIT,
            "default": defaults.max_skew_degrees
        }),
    );
    let side = json!({"type": "integer", "minimum": 1, "maximum": crate::DecodeLimits::default().max_side});
    props.insert(
        "resize".into(),
        json!({
            "description": "Resize last; exactly one of max_side (shrink only), width, height (aspect kept) or scale.",
            "type": "object",
            "properties": {
                "max_side": side, "width": side, "height": side,
                "scale": {"type": "number", "minimum": MIN_SCALE, "maximum": MAX_SCALE}
            },
            "minProperties": 1, "maxProperties": 1,
            "additionalProperties": false
        }),
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "image options",
        "type": "object",
        "properties": props,
        "additionalProperties": false
    })
}

impl ImageOptions {
    fn switch(&self, name: &str) -> bool {
        match name {
            "exif_orientation" => self.exif_orientation,
            "deskew" => self.deskew,
            "crop" => self.crop,
            "grayscale" => self.grayscale,
            "contrast" => self.contrast,
            "denoise" => self.denoise,
            "binarize" => self.binarize,
            _ => self.include_image,
        }
    }

    fn switch_mut(&mut self, name: &str) -> Option<&mut bool> {
        Some(match name {
            "exif_orientation" => &mut self.exif_orientation,
            "deskew" => &mut self.deskew,
            "crop" => &mut self.crop,
            "grayscale" => &mut self.grayscale,
            "contrast" => &mut self.contrast,
            "denoise" => &mut self.denoise,
            "binarize" => &mut self.binarize,
            "include_image" => &mut self.include_image,
            _ => return None,
        })
    }

    /// Parses an options object, rejecting unknown names and out-of-range values.
    pub fn from_map(map: &Map<String, Value>) -> Result<Self, ImagingError> {
        let mut out = ImageOptions::default();
        for (key, value) in map {
            if let Some(slot) = out.switch_mut(key) {
                *slot = value.as_bool().ok_or_else(|| {
                    invalid(format!("option {key:?} must be true or false, got {value}"))
                })?;
                continue;
            }
            match key.as_str() {
                "max_skew_degrees" => {
                    out.max_skew_degrees = value
                        .as_f64()
                        .filter(|v| *v > 0.0 && *v <= MAX_SKEW_LIMIT)
                        .ok_or_else(|| {
                            invalid(format!(
                                "option \"max_skew_degrees\" must be a number above 0 and at most {MAX_SKEW_LIMIT}, got {value}"
                            ))
                        })?;
                }
                "resize" => out.resize = Some(parse_resize(value)?),
                other => {
                    let known: Vec<&str> = SWITCHES
                        .iter()
                        .map(|(n, _)| *n)
                        .chain(["max_skew_degrees", "resize"])
                        .collect();
                    return Err(invalid(format!(
                        "unknown option {other:?} (known: {})",
                        known.join(", ")
                    )));
                }
            }
        }
        Ok(out)
    }
}

fn parse_resize(value: &Value) -> Result<Resize, ImagingError> {
    let shape =
        "option \"resize\" must be an object with exactly one of max_side, width, height or scale";
    let map = value
        .as_object()
        .filter(|m| m.len() == 1)
        .ok_or_else(|| invalid(format!("{shape}, got {value}")))?;
    let (key, v) = map.iter().next().expect("one entry");
    let max_side = crate::DecodeLimits::default().max_side;
    let side = || {
        v.as_u64()
            .filter(|n| (1..=u64::from(max_side)).contains(n))
            .map(|n| n as u32)
            .ok_or_else(|| {
                invalid(format!(
                    "resize.{key} must be a whole number of pixels from 1 to {max_side}, got {v}"
                ))
            })
    };
    match key.as_str() {
        "max_side" => side().map(Resize::MaxSide),
        "width" => side().map(Resize::Width),
        "height" => side().map(Resize::Height),
        "scale" => v
            .as_f64()
            .filter(|f| (MIN_SCALE..=MAX_SCALE).contains(f))
            .map(Resize::Scale)
            .ok_or_else(|| {
                invalid(format!(
                    "resize.scale must be a number from {MIN_SCALE} to {MAX_SCALE}, got {v}"
                ))
            }),
        other => Err(invalid(format!("{shape}; {other:?} is not one of them"))),
    }
}

fn invalid(message: String) -> ImagingError {
    ImagingError::InvalidOptions(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: Value) -> Result<ImageOptions, ImagingError> {
        ImageOptions::from_map(v.as_object().unwrap())
    }

    #[test]
    fn defaults_and_switches() {
        assert_eq!(parse(json!({})).unwrap(), ImageOptions::default());
        let o = parse(json!({"deskew": false, "binarize": true, "resize": {"max_side": 1000}}))
            .unwrap();
        assert!(!o.deskew && o.binarize);
        assert_eq!(o.resize, Some(Resize::MaxSide(1000)));
    }

    #[test]
    fn rejects_bad_values_with_the_limit() {
        let msg = |v| parse(v).unwrap_err().to_string();
        assert!(msg(json!({"deskew": "yes"})).contains("true or false"));
        assert!(msg(json!({"max_skew_degrees": 90})).contains("at most 45"));
        assert!(msg(json!({"resize": {"scale": 10}})).contains("0.01 to 4"));
        assert!(msg(json!({"resize": {"width": 0}})).contains("1 to 20000"));
        assert!(msg(json!({"resize": {"width": 10, "height": 10}})).contains("exactly one"));
        assert!(msg(json!({"sharpen": true})).contains("unknown option \"sharpen\""));
    }

    #[test]
    fn schema_lists_every_option() {
        let s = options_schema();
        let props = s["properties"].as_object().unwrap();
        assert_eq!(props.len(), SWITCHES.len() + 2);
        assert_eq!(props["deskew"]["default"], true);
        assert_eq!(props["crop"]["default"], false);
    }
}
