//! The `ocr` module: the OCR library compiled to a WebAssembly component with
//! the PP-OCRv5 weights embedded, so the `.wasm` file is a whole plug-in.
//!
//! The models are parsed and optimized once per warm instance (the first
//! call); every later call reuses them. Answers never depend on that cache:
//! plans are keyed by input shape, which the input alone decides.

use grace_guest::{Descriptor, Failure, Guest, Input, Output};
use grace_ocr::split::{self, StageAnswer};
use grace_ocr::{ModelFiles, OcrEngine, OcrError, OPTIONS_SCHEMA, SUPPORTED_MEDIA_TYPES};
use std::cell::RefCell;

macro_rules! model_file {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../models/files/",
            $name
        ))
    };
}

static DETECTION: &[u8] = model_file!("ppocrv5_det.onnx");
static RECOGNITION: &[u8] = model_file!("ppocrv5_rec.onnx");
static ORIENTATION: &[u8] = model_file!("ppocrv5_cls.onnx");
static KEYS: &[u8] = model_file!("ppocr_keys_v5.txt");

/// Zeroes freed scratch tensors so a pre-initialized snapshot of this
/// module holds the models and plans, not stale activations.
#[global_allocator]
static ALLOCATOR: grace_guest::zeroing_alloc::ZeroLargeFrees =
    grace_guest::zeroing_alloc::ZeroLargeFrees;

thread_local! {
    /// The warm engine of this instance (a component instance is single-threaded).
    static ENGINE: RefCell<Option<OcrEngine>> = const { RefCell::new(None) };
}

/// JSON Schema of the output document.
const OUTPUT_SCHEMA: &str = include_str!("output.schema.json");

struct OcrModule;

impl Guest for OcrModule {
    fn describe() -> Descriptor {
        Descriptor {
            name: "ocr".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "Reads text from an image: lines and words with boxes and confidence, in reading order (PP-OCRv5 on tract)".into(),
            media_types: SUPPORTED_MEDIA_TYPES.iter().map(|s| s.to_string()).collect(),
            options_schema: OPTIONS_SCHEMA.into(),
            output_schema: OUTPUT_SCHEMA.into(),
        }
    }

    fn run(input: Input) -> Result<Output, Failure> {
        let options = grace_guest::options_object(&input.options)?;
        ENGINE.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.is_none() {
                let files = ModelFiles {
                    detection: DETECTION,
                    recognition: RECOGNITION,
                    orientation: ORIENTATION,
                    keys: KEYS,
                };
                *slot = Some(OcrEngine::new(&files).map_err(to_failure)?);
            }
            let engine = slot.as_mut().expect("initialised above");
            let out = match split::run(engine, &input.data, &options).map_err(to_failure)? {
                StageAnswer::Page(out) => *out,
                // A plan or a part of a page shared between instances (see
                // `grace_ocr::split`): the host joins them.
                StageAnswer::Intermediate(document) => {
                    return Ok(Output {
                        document,
                        confidence: None,
                        warnings: Vec::new(),
                    })
                }
            };
            let mut warnings = Vec::new();
            if out.lines.is_empty() {
                warnings.push("no text was found on the page".to_string());
            }
            let confidence = mean_confidence(&out);
            let document = serde_json::to_string(&out)
                .map_err(|e| Failure::Internal(format!("cannot serialize the result: {e}")))?;
            Ok(Output {
                document,
                confidence,
                warnings,
            })
        })
    }
}

/// Character-weighted mean line confidence.
fn mean_confidence(out: &grace_ocr::OcrOutput) -> Option<f32> {
    let (sum, n) = out.lines.iter().fold((0f32, 0usize), |(s, n), l| {
        let c = l.text.chars().count();
        (s + l.confidence * c as f32, n + c)
    });
    (n > 0).then(|| sum / n as f32)
}

fn to_failure(err: OcrError) -> Failure {
    match err {
        OcrError::InvalidInput(m) => Failure::InvalidInput(m),
        OcrError::InvalidOptions(m) => Failure::InvalidInput(format!("invalid options: {m}")),
        other => Failure::Internal(other.to_string()),
    }
}

grace_guest::bindings::export!(OcrModule with_types_in grace_guest::bindings);
