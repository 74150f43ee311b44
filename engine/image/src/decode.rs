//! Image decoding with byte and pixel limits and EXIF orientation.

use crate::error::ImagingError;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, RgbImage};
use std::io::Cursor;

/// Hard limits applied before and during decoding, so a hostile file cannot
/// make the decoder allocate without bound.
#[derive(Debug, Clone, Copy)]
pub struct DecodeLimits {
    /// Maximum size of the encoded file in bytes.
    pub max_bytes: usize,
    /// Maximum number of pixels (width × height) of the decoded image.
    pub max_pixels: u64,
    /// Maximum width or height in pixels.
    pub max_side: u32,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_bytes: 50 * 1024 * 1024,
            max_pixels: 50_000_000,
            max_side: 20_000,
        }
    }
}

/// Formats this library decodes, named for error messages.
pub const SUPPORTED_FORMATS: &str = "PNG, JPEG, TIFF, WebP, BMP, GIF";

/// Media types matching [`SUPPORTED_FORMATS`].
pub const SUPPORTED_MEDIA_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/tiff",
    "image/webp",
    "image/bmp",
    "image/gif",
];

/// A decoded image and the EXIF orientation its file declared.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The pixels, turned upright when orientation was applied.
    pub image: RgbImage,
    /// The EXIF orientation tag (1–8) when the file carries one other than 1.
    pub exif_orientation: Option<u8>,
    /// Whether [`Decoded::exif_orientation`] was applied to [`Decoded::image`].
    pub orientation_applied: bool,
}

/// Decodes `bytes` into an upright RGB image (EXIF orientation applied).
pub fn decode_image(bytes: &[u8], limits: &DecodeLimits) -> Result<RgbImage, ImagingError> {
    decode_image_with(bytes, limits, true).map(|d| d.image)
}

/// Decodes `bytes` into RGB, applying the EXIF orientation only when `apply_orientation` is set.
pub fn decode_image_with(
    bytes: &[u8],
    limits: &DecodeLimits,
    apply_orientation: bool,
) -> Result<Decoded, ImagingError> {
    if bytes.is_empty() {
        return Err(ImagingError::InvalidInput(
            "the file is empty (0 bytes)".into(),
        ));
    }
    if bytes.len() > limits.max_bytes {
        return Err(ImagingError::InvalidInput(format!(
            "the file is {} bytes, over the limit of {} bytes",
            bytes.len(),
            limits.max_bytes
        )));
    }
    let format = image::guess_format(bytes).map_err(|_| {
        ImagingError::InvalidInput(format!(
            "the bytes are not an image in a supported format ({SUPPORTED_FORMATS})"
        ))
    })?;
    if !matches!(
        format,
        ImageFormat::Png
            | ImageFormat::Jpeg
            | ImageFormat::Tiff
            | ImageFormat::WebP
            | ImageFormat::Bmp
            | ImageFormat::Gif
    ) {
        return Err(ImagingError::InvalidInput(format!(
            "{format:?} images are not supported (supported: {SUPPORTED_FORMATS})"
        )));
    }
    let name = format!("{format:?}").to_uppercase();
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_side);
    image_limits.max_image_height = Some(limits.max_side);
    // Room for the decoded pixels plus the decoder's own buffers.
    image_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8).max(64 << 20));
    reader.limits(image_limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| describe_decode_error(&name, e, limits))?;
    let (width, height) = decoder.dimensions();
    check_dimensions(width, height, limits)?;
    let orientation = decoder
        .orientation()
        .ok()
        .filter(|o| *o != Orientation::NoTransforms);
    let mut image =
        DynamicImage::from_decoder(decoder).map_err(|e| describe_decode_error(&name, e, limits))?;
    let orientation_applied = apply_orientation && orientation.is_some();
    if let (true, Some(orientation)) = (apply_orientation, orientation) {
        image.apply_orientation(orientation);
    }
    Ok(Decoded {
        image: image.into_rgb8(),
        exif_orientation: orientation.map(Orientation::to_exif),
        orientation_applied,
    })
}

/// Rejects images whose declared size is over the limits, before any pixel is decoded.
fn check_dimensions(width: u32, height: u32, limits: &DecodeLimits) -> Result<(), ImagingError> {
    if width == 0 || height == 0 {
        return Err(ImagingError::InvalidInput(format!(
            "the image declares an empty size ({width}×{height} pixels)"
        )));
    }
    match over_limits(width, height, limits) {
        Some(what) => Err(ImagingError::InvalidInput(format!("the image is {what}"))),
        None => Ok(()),
    }
}

/// `W×H pixels (P pixels), over the limit of …` when a `width`×`height`
/// image breaks the limits, for messages that say what is too big.
pub(crate) fn over_limits(width: u32, height: u32, limits: &DecodeLimits) -> Option<String> {
    let pixels = u64::from(width) * u64::from(height);
    (width > limits.max_side || height > limits.max_side || pixels > limits.max_pixels).then(|| {
        format!(
            "{width}×{height} pixels ({pixels} pixels), over the limit of {} pixels and {} pixels per side",
            limits.max_pixels, limits.max_side
        )
    })
}

fn describe_decode_error(
    format: &str,
    err: image::ImageError,
    limits: &DecodeLimits,
) -> ImagingError {
    match err {
        image::ImageError::Limits(_) => ImagingError::InvalidInput(format!(
            "the {format} image is over the decoding limits ({} pixels, {} pixels per side)",
            limits.max_pixels, limits.max_side
        )),
        image::ImageError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            ImagingError::InvalidInput(format!("the {format} file is truncated"))
        }
        other => ImagingError::InvalidInput(format!(
            "the {format} file is corrupt or truncated: {other}"
        )),
    }
}

/// A PNG signature and header chunk declaring `width`×`height` RGB pixels
/// with no pixel data: the shape of a decompression-bomb probe, for tests of
/// the limits here and in the component.
#[doc(hidden)]
pub fn forged_png_header(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&ihdr);
    out.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    out
}

/// CRC-32 as PNG chunks use it, so a forged header is otherwise valid.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_pixel(width, height, image::Rgb([255, 255, 255]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn decodes_png() {
        let img = decode_image(&png(10, 7), &DecodeLimits::default()).unwrap();
        assert_eq!(img.dimensions(), (10, 7));
    }

    #[test]
    fn rejects_empty_text_and_truncated() {
        let limits = DecodeLimits::default();
        assert!(
            matches!(decode_image(b"", &limits), Err(ImagingError::InvalidInput(m)) if m.contains("empty"))
        );
        assert!(
            matches!(decode_image(b"hello, I am text", &limits), Err(ImagingError::InvalidInput(m)) if m.contains("not an image"))
        );
        let mut jpeg = Vec::new();
        RgbImage::from_pixel(64, 64, image::Rgb([9, 9, 9]))
            .write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)
            .unwrap();
        jpeg.truncate(jpeg.len() / 2);
        assert!(matches!(
            decode_image(&jpeg, &limits),
            Err(ImagingError::InvalidInput(_))
        ));
    }

    #[test]
    fn rejects_huge_declared_size_before_decoding() {
        let bytes = forged_png_header(100_000, 100_000);
        let err = decode_image(&bytes, &DecodeLimits::default()).unwrap_err();
        assert!(
            matches!(err, ImagingError::InvalidInput(ref m) if m.contains("limit")),
            "{err}"
        );
    }

    #[test]
    fn rejects_over_byte_limit() {
        let limits = DecodeLimits {
            max_bytes: 10,
            ..DecodeLimits::default()
        };
        let err = decode_image(&png(4, 4), &limits).unwrap_err();
        assert!(err.to_string().contains("limit of 10 bytes"));
    }
}
