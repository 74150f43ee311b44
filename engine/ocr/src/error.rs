//! Typed errors of the OCR library.

use thiserror::Error;

/// Everything that can go wrong while reading a page.
#[derive(Debug, Error)]
pub enum OcrError {
    /// The input bytes are not an image this library accepts (wrong type,
    /// corrupt, truncated or over a limit); the message names the problem.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The options object is malformed or names an unknown profile/option.
    #[error("invalid options: {0}")]
    InvalidOptions(String),
    /// A model file could not be parsed or does not match what the pipeline expects.
    #[error("model error: {0}")]
    Model(String),
    /// Inference failed at run time.
    #[error("inference failed in {stage}: {message}")]
    Inference {
        /// The pipeline stage (`detection`, `orientation`, `recognition`).
        stage: &'static str,
        /// The underlying message.
        message: String,
    },
}

impl From<grace_image::ImagingError> for OcrError {
    fn from(err: grace_image::ImagingError) -> Self {
        match err {
            grace_image::ImagingError::InvalidInput(m) => OcrError::InvalidInput(m),
            grace_image::ImagingError::InvalidOptions(m) => OcrError::InvalidOptions(m),
            grace_image::ImagingError::Encode(m) => OcrError::Inference {
                stage: "decode",
                message: m,
            },
        }
    }
}

impl OcrError {
    /// Wraps a tract error raised while running `stage`.
    pub(crate) fn inference(stage: &'static str, err: impl std::fmt::Display) -> Self {
        OcrError::Inference {
            stage,
            message: err.to_string(),
        }
    }
}
