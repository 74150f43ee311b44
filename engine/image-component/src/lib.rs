//! The `image` module as a WebAssembly component: an image in, the cleaned
//! image (base64 PNG) and the list of steps taken out.

use grace_guest::{Descriptor, Failure, Guest, Input, Output};
use grace_image::{DecodeLimits, ImageOptions, ImagingError, SUPPORTED_MEDIA_TYPES};

/// The exported module.
pub struct ImageModule;

fn to_failure(err: ImagingError) -> Failure {
    match err {
        ImagingError::InvalidInput(m) => Failure::InvalidInput(m),
        ImagingError::InvalidOptions(m) => Failure::InvalidInput(format!("invalid options: {m}")),
        ImagingError::Encode(m) => Failure::Internal(m),
    }
}

impl Guest for ImageModule {
    fn describe() -> Descriptor {
        Descriptor {
            name: "image".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "Cleans a page image: EXIF orientation, deskew (angle reported), crop, grayscale, contrast, denoise, binarize, resize".into(),
            media_types: SUPPORTED_MEDIA_TYPES.iter().map(|m| m.to_string()).collect(),
            options_schema: grace_image::options_schema().to_string(),
            output_schema: grace_image::output_schema().to_string(),
        }
    }

    fn run(input: Input) -> Result<Output, Failure> {
        let map = grace_guest::options_object(&input.options)?;
        let options = ImageOptions::from_map(&map).map_err(to_failure)?;
        let processed = grace_image::process(&input.data, &options, &DecodeLimits::default())
            .map_err(to_failure)?;
        let mut warnings = Vec::new();
        if options.deskew && processed.skew_degrees.is_none() {
            warnings.push(
                "deskew: too little ink to estimate a skew; the page was left as it was".into(),
            );
        }
        let doc = processed
            .to_json(options.include_image)
            .map_err(to_failure)?;
        Ok(Output {
            document: doc.to_string(),
            confidence: None,
            warnings,
        })
    }
}

grace_guest::bindings::export!(ImageModule with_types_in grace_guest::bindings);

#[cfg(test)]
mod tests {
    use super::*;

    fn run(data: &[u8], options: &str) -> Result<Output, Failure> {
        <ImageModule as Guest>::run(Input {
            data: data.to_vec(),
            media_type: "image/png".into(),
            options: options.into(),
        })
    }

    #[test]
    fn bad_input_and_options_are_invalid_input() {
        assert!(matches!(run(b"", "{}"), Err(Failure::InvalidInput(m)) if m.contains("empty")));
        assert!(
            matches!(run(b"x", r#"{"blur": true}"#), Err(Failure::InvalidInput(m)) if m.contains("unknown option"))
        );
    }

    #[test]
    fn describe_has_real_schemas() {
        let d = <ImageModule as Guest>::describe();
        assert_eq!(d.name, "image");
        let s: serde_json::Value = serde_json::from_str(&d.options_schema).unwrap();
        assert_eq!(s["properties"]["deskew"]["default"], true);
    }
}
