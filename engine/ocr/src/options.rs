//! Options of a read and the speed profiles.

use crate::detection::DetectionParams;
use crate::error::OcrError;
use crate::recognition::RecognitionParams;
use serde_json::{Map, Value};

/// Speed/accuracy trade-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Lower detection resolution, no orientation check.
    Fast,
    /// The default: full pipeline at the resolution receipts need.
    Balanced,
    /// Higher detection resolution; more time for small print.
    Accurate,
}

impl Profile {
    /// The profile's name as used in options and output.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Fast => "fast",
            Profile::Balanced => "balanced",
            Profile::Accurate => "accurate",
        }
    }

    /// Parses a profile name.
    pub fn parse(name: &str) -> Result<Self, OcrError> {
        match name {
            "fast" => Ok(Profile::Fast),
            "balanced" => Ok(Profile::Balanced),
            "accurate" => Ok(Profile::Accurate),
            other => Err(OcrError::InvalidOptions(format!(
                "unknown profile {other:?} (expected \"fast\", \"balanced\" or \"accurate\")"
            ))),
        }
    }
}

/// Everything that changes how a page is read.
#[derive(Debug, Clone)]
pub struct OcrOptions {
    /// The speed profile.
    pub profile: Profile,
    /// Detection post-processing and resolution.
    pub detection: DetectionParams,
    /// Recognition parameters.
    pub recognition: RecognitionParams,
    /// Whether to check each line for 180° rotation.
    pub orientation: bool,
    /// Lines with a lower mean confidence are dropped.
    pub min_line_confidence: f32,
    /// Whether to include per-stage timings (not deterministic) in the output.
    pub timings: bool,
}

impl OcrOptions {
    /// The settings of a profile.
    pub fn for_profile(profile: Profile) -> Self {
        let mut detection = DetectionParams::default();
        let mut recognition = RecognitionParams::default();
        let orientation;
        match profile {
            Profile::Fast => {
                detection.min_side = 640;
                detection.max_side = 1280;
                recognition.max_width = 1280;
                orientation = false;
            }
            Profile::Balanced => {
                orientation = true;
            }
            Profile::Accurate => {
                detection.min_side = 960;
                detection.max_side = 2560;
                orientation = true;
            }
        }
        OcrOptions {
            profile,
            detection,
            recognition,
            orientation,
            min_line_confidence: 0.5,
            timings: true,
        }
    }

    /// Parses the options object of a call (unknown keys are an error, so typos show).
    pub fn from_json(options: &Map<String, Value>) -> Result<Self, OcrError> {
        let profile = match options.get("profile") {
            None | Some(Value::Null) => Profile::Balanced,
            Some(Value::String(s)) => Profile::parse(s)?,
            Some(other) => {
                return Err(OcrError::InvalidOptions(format!(
                    "\"profile\" must be a string, got {other}"
                )))
            }
        };
        let mut out = OcrOptions::for_profile(profile);
        for (key, value) in options {
            match key.as_str() {
                "profile" => {}
                "timings" => out.timings = bool_option(key, value)?,
                "orientation" => out.orientation = bool_option(key, value)?,
                "min_confidence" => {
                    out.min_line_confidence = number_option(key, value, 0.0, 1.0)? as f32
                }
                "max_side" => {
                    out.detection.max_side = number_option(key, value, 64.0, 8192.0)? as u32
                }
                "min_side" => {
                    out.detection.min_side = number_option(key, value, 32.0, 4096.0)? as u32
                }
                other => {
                    return Err(OcrError::InvalidOptions(format!(
                        "unknown option {other:?} (known: {})",
                        OPTION_NAMES.join(", ")
                    )))
                }
            }
        }
        Ok(out)
    }
}

/// Names of the accepted options.
pub const OPTION_NAMES: &[&str] = &[
    "profile",
    "timings",
    "orientation",
    "min_confidence",
    "max_side",
    "min_side",
];

/// JSON Schema of the options object.
pub const OPTIONS_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "profile": {"enum": ["fast", "balanced", "accurate"], "default": "balanced", "description": "Speed/accuracy trade-off."},
    "timings": {"type": "boolean", "default": true, "description": "Include per-stage timings_ms (not deterministic)."},
    "orientation": {"type": "boolean", "description": "Check each line for 180 degree rotation (default: on except in the fast profile)."},
    "min_confidence": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5, "description": "Drop lines whose mean confidence is lower."},
    "max_side": {"type": "integer", "minimum": 64, "maximum": 8192, "description": "Longest side of the detection input in pixels."},
    "min_side": {"type": "integer", "minimum": 32, "maximum": 4096, "description": "Shortest side the page is scaled up to for detection."},
    "split": {"enum": ["plan", "part", "join"], "description": "Set by the host to share one page between warm instances (plan the lines, read a part of them, join the parts); the joined result equals an unsplit read."},
    "split_parts": {"type": "array", "description": "Set by the host: the planned lines a part reads."},
    "split_context": {"type": "object", "description": "Set by the host: the plan's context for a part."}
  }
}"#;

fn bool_option(key: &str, value: &Value) -> Result<bool, OcrError> {
    value.as_bool().ok_or_else(|| {
        OcrError::InvalidOptions(format!("{key:?} must be true or false, got {value}"))
    })
}

fn number_option(key: &str, value: &Value, min: f64, max: f64) -> Result<f64, OcrError> {
    match value.as_f64() {
        Some(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(OcrError::InvalidOptions(format!(
            "{key:?} must be a number from {min} to {max}, got {value}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<OcrOptions, OcrError> {
        OcrOptions::from_json(
            serde_json::from_str::<Value>(json)
                .unwrap()
                .as_object()
                .unwrap(),
        )
    }

    #[test]
    fn defaults_to_balanced() {
        assert_eq!(parse("{}").unwrap().profile, Profile::Balanced);
        assert!(!parse(r#"{"profile":"fast"}"#).unwrap().orientation);
    }

    #[test]
    fn rejects_unknown_and_out_of_range() {
        assert!(parse(r#"{"profil":"fast"}"#)
            .unwrap_err()
            .to_string()
            .contains("unknown option"));
        assert!(parse(r#"{"profile":"turbo"}"#)
            .unwrap_err()
            .to_string()
            .contains("unknown profile"));
        assert!(parse(r#"{"min_confidence":2}"#).is_err());
    }

    #[test]
    fn schema_is_json() {
        let v: Value = serde_json::from_str(OPTIONS_SCHEMA).unwrap();
        let props = v["properties"].as_object().unwrap();
        assert_eq!(
            props.len(),
            OPTION_NAMES.len() + crate::split::OPTION_NAMES.len()
        );
    }
}
