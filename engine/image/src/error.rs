//! Typed errors of the image library.

use thiserror::Error;

/// Everything that can go wrong while decoding or cleaning an image.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ImagingError {
    /// The input bytes are not an image this library accepts (wrong type,
    /// corrupt, truncated or over a limit); the message names the problem.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The options object is malformed or names an unknown option or value.
    #[error("invalid options: {0}")]
    InvalidOptions(String),
    /// Encoding the result failed (a bug, not bad input).
    #[error("encoding the result failed: {0}")]
    Encode(String),
}
