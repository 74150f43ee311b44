//! 0°/180° text-line orientation (PP-LCNet text-line classifier).

use crate::error::OcrError;
use crate::inference::ShapedModel;
use crate::preprocess::{resize, to_tensor, IMAGENET_RGB};
use image::RgbImage;
use serde::{Deserialize, Serialize};

/// Classifier input size.
const INPUT_W: u32 = 160;
const INPUT_H: u32 = 80;

/// The line orientation classifier.
pub struct LineOrientation {
    model: ShapedModel,
}

impl LineOrientation {
    /// Parses the classifier model.
    pub fn new(model_bytes: &[u8]) -> Result<Self, OcrError> {
        Ok(LineOrientation {
            model: ShapedModel::parse("orientation", model_bytes)?,
        })
    }

    /// Probability that an upright-cropped line is actually upside down.
    pub fn upside_down_probability(&mut self, crop: &RgbImage) -> Result<f32, OcrError> {
        let input = to_tensor(
            &resize(crop, INPUT_W, INPUT_H),
            INPUT_W as usize,
            INPUT_H as usize,
            IMAGENET_RGB,
            0.0,
        );
        let output = self.model.run("orientation", input)?;
        let view = output
            .to_plain_array_view::<f32>()
            .map_err(|e| OcrError::inference("orientation", e))?;
        let v: Vec<f32> = view.iter().copied().collect();
        if v.len() != 2 {
            return Err(OcrError::inference(
                "orientation",
                format!("expected 2 outputs, got {}", v.len()),
            ));
        }
        Ok(softmax2(v[0], v[1]))
    }
}

/// Lines classified, all surely upright, before a page counts as upright.
const UPRIGHT_PAGE_SAMPLE: usize = 6;
/// Upside-down probability below which a line is surely upright.
const SURELY_UPRIGHT: f32 = 0.1;
/// Recognition confidence below which a line on an upright page is still
/// classified (a line read upside down reads poorly).
const RECHECK_BELOW: f32 = 0.85;

/// Which lines of a page need the orientation classifier: every line until
/// the page has shown itself upright, then only the lines that read poorly.
/// Pages are rarely mixed, and the classifier costs about a sixth of a page.
#[derive(Debug, Default)]
pub struct OrientationPolicy {
    surely_upright: usize,
    doubtful: bool,
}

impl OrientationPolicy {
    /// Whether the sample is still open: no line in doubt, not yet enough
    /// surely upright lines.
    pub fn sampling(&self) -> bool {
        !self.doubtful && self.surely_upright < UPRIGHT_PAGE_SAMPLE
    }

    /// Whether lines after the sample are classified before they are read.
    pub fn classify_before_reading(&self) -> bool {
        self.doubtful || self.surely_upright < UPRIGHT_PAGE_SAMPLE
    }

    /// Records a classified line's upside-down probability.
    pub fn record(&mut self, upside_down: f32) {
        if upside_down < SURELY_UPRIGHT {
            self.surely_upright += 1;
        } else {
            self.doubtful = true;
        }
    }
}

/// How the lines a page's orientation sample did not cover are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrientationCheck {
    /// Not at all (the orientation option is off).
    Skip,
    /// Every line is classified before it is read (the page is in doubt).
    BeforeReading,
    /// Only lines that read poorly are classified, and read again when turned.
    AfterPoorRead,
}

/// Whether a line read without classifying it should be classified after all.
pub fn worth_checking_after_reading(confidence: f32) -> bool {
    confidence < RECHECK_BELOW
}

/// Probability of the second of two scores, whether they are logits or already probabilities.
fn softmax2(a: f32, b: f32) -> f32 {
    if (a + b - 1.0).abs() < 1e-3 && a >= 0.0 && b >= 0.0 {
        return b;
    }
    let m = a.max(b);
    let (ea, eb) = ((a - m).exp(), (b - m).exp());
    eb / (ea + eb)
}

/// Rotates an image by 180°.
pub fn rotate_180(image: &RgbImage) -> RgbImage {
    image::imageops::rotate180(image)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upright_page_stops_classifying_confident_lines() {
        let mut policy = OrientationPolicy::default();
        for _ in 0..UPRIGHT_PAGE_SAMPLE {
            assert!(policy.sampling());
            policy.record(0.01);
        }
        assert!(!policy.sampling());
        assert!(!policy.classify_before_reading());
        assert!(worth_checking_after_reading(0.5));
        assert!(!worth_checking_after_reading(0.97));
    }

    #[test]
    fn one_doubtful_line_keeps_every_line_classified() {
        let mut policy = OrientationPolicy::default();
        policy.record(0.95);
        assert!(!policy.sampling());
        for _ in 0..20 {
            policy.record(0.01);
        }
        assert!(policy.classify_before_reading());
    }

    #[test]
    fn softmax_of_probabilities_and_logits() {
        assert!((super::softmax2(0.2, 0.8) - 0.8).abs() < 1e-6);
        assert!((super::softmax2(0.0, 0.0) - 0.5).abs() < 1e-6);
        assert!(super::softmax2(-3.0, 3.0) > 0.99);
    }
}
