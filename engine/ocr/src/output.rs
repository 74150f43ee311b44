//! The JSON document the `ocr` module returns.

use crate::geometry::Quad;
use serde::{Deserialize, Serialize};

/// Result of reading one page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OcrOutput {
    /// Page size in pixels (after EXIF orientation).
    pub page: PageSize,
    /// Lines in reading order.
    pub lines: Vec<Line>,
    /// Lines in reading order joined by newlines.
    pub text: String,
    /// The speed profile used.
    pub profile: String,
    /// The models that produced this result.
    pub model: ModelInfo,
    /// Milliseconds per stage; absent when the `timings` option is off
    /// (the only part of the output that differs between runs).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub timings_ms: Option<Timings>,
}

/// Page size in pixels.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct PageSize {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// A text line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Line {
    /// The line's text.
    pub text: String,
    /// Mean character confidence, 0..1.
    pub confidence: f32,
    /// Four corners `[x, y]`, clockwise from the top-left of the text.
    #[serde(rename = "box")]
    pub bbox: [[f32; 2]; 4],
    /// 0, or 180 when the line was read upside down.
    pub angle: u16,
    /// Words with their own boxes.
    pub words: Vec<Word>,
}

/// A word.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Word {
    /// The word's text.
    pub text: String,
    /// Mean character confidence, 0..1.
    pub confidence: f32,
    /// Four corners `[x, y]`, clockwise from the top-left.
    #[serde(rename = "box")]
    pub bbox: [[f32; 2]; 4],
    /// The second-best reading of uncertain characters, as `(index in text, alternative)`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub alternatives: Vec<(usize, String)>,
}

/// Names and sha256 digests of the models used.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Text detection model.
    pub detection: ModelId,
    /// Text recognition model.
    pub recognition: ModelId,
    /// Line orientation model.
    pub orientation: ModelId,
    /// Recognition key file.
    pub keys: ModelId,
}

/// One model file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelId {
    /// Model name.
    pub name: String,
    /// Hex sha256 of the file.
    pub sha256: String,
}

/// Milliseconds spent per stage.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Timings {
    /// Decoding the image.
    pub decode: f64,
    /// Text detection.
    pub detection: f64,
    /// Line orientation.
    pub orientation: f64,
    /// Recognition.
    pub recognition: f64,
    /// Everything.
    pub total: f64,
}

impl Timings {
    /// Adds another call's time, stage by stage (a split read's `total` is
    /// the sum over its calls, not the wall time).
    pub fn add(&mut self, other: &Timings) {
        self.decode += other.decode;
        self.detection += other.detection;
        self.orientation += other.orientation;
        self.recognition += other.recognition;
        self.total += other.total;
    }
}

/// Rounds a coordinate to 1/100 pixel so the JSON stays short and stable.
pub fn round2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// Rounds a confidence to 4 decimals.
pub fn round4(v: f32) -> f32 {
    (v * 10_000.0).round() / 10_000.0
}

/// A quad as JSON corner pairs.
pub fn quad_json(q: &Quad) -> [[f32; 2]; 4] {
    q.map(|p| [round2(p.x), round2(p.y)])
}
