//! Grace's image library: decoding with limits and EXIF orientation, page
//! geometry, and the clean-up steps of the `image` module (deskew, crop,
//! grayscale, contrast, denoise, binarize, resize).
//!
//! The `ocr` library decodes and warps with the same code, so an image the
//! `image` module accepts is one the `ocr` module accepts.

pub mod decode;
pub mod deskew;
pub mod error;
pub mod geometry;
pub mod ops;
pub mod options;
pub mod process;

pub use decode::{decode_image, decode_image_with, DecodeLimits, Decoded, SUPPORTED_MEDIA_TYPES};
pub use error::ImagingError;
pub use options::{options_schema, ImageOptions, Resize};
pub use process::{output_schema, process, Processed, Step};
