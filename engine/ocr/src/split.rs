//! Sharing one page between warm instances, so a single-threaded guest can
//! use several cores: the `split` option's three stages.
//!
//! The host drives them without knowing what a part is:
//! - `split: "plan"` on the image → `{"parts": [...], "costs": [...],
//!   "context": ...}`; here the parts are the detected lines, their costs
//!   crop widths, the context the page size, the orientation verdict for
//!   unsampled lines and the plan's timings.
//! - `split: "part"` on the same image, with `split_parts` (a contiguous run
//!   of the plan's parts) and `split_context` → `{"results": [...],
//!   "summary": ...}`: the lines read, and that part's timings.
//! - `split: "join"` on the JSON `{"context", "results", "summaries"}`
//!   (every part's results concatenated in plan order) → the usual output.
//!
//! Every line is read from the plan alone, so the joined output is
//! byte-identical to an unsplit read, however the lines were shared out.

use crate::error::OcrError;
use crate::options::OcrOptions;
use crate::output::{OcrOutput, PageSize, Timings};
use crate::recognition::TextRecognizer;
use crate::{ms_since, OcrEngine, OrientationCheck, PlannedLine, ReadLine};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::time::Instant;

/// Names of the options this protocol adds (set by the host, not by users).
pub const OPTION_NAMES: &[&str] = &["split", "split_parts", "split_context"];

/// What the plan tells every part and the join.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanContext {
    /// Page size in pixels.
    pub page: PageSize,
    /// How lines outside the orientation sample are checked.
    pub unsampled: OrientationCheck,
    /// Time spent by the plan (decode, detection, the orientation sample).
    pub timings: Timings,
}

/// The `plan` stage's document.
#[derive(Debug, Serialize, Deserialize)]
pub struct PlanDocument {
    /// The lines to read, in detection order.
    pub parts: Vec<PlannedLine>,
    /// What reading each line costs, in arbitrary units, so the host can
    /// share the lines out evenly by time rather than by count.
    pub costs: Vec<f32>,
    /// Shared by every part and the join.
    pub context: PlanContext,
}

/// The `part` stage's document.
#[derive(Debug, Serialize, Deserialize)]
pub struct PartDocument {
    /// The lines read (empty and low-confidence ones dropped).
    pub results: Vec<ReadLine>,
    /// This part's timings.
    pub summary: Timings,
}

/// The `join` stage's input.
#[derive(Debug, Serialize, Deserialize)]
pub struct JoinInput {
    /// The plan's context.
    pub context: PlanContext,
    /// Every part's results, in plan order.
    pub results: Vec<ReadLine>,
    /// Every part's summary.
    #[serde(default)]
    pub summaries: Vec<Timings>,
}

/// What a call answers.
#[derive(Debug)]
pub enum StageAnswer {
    /// The page's output (an unsplit read, or a join).
    Page(Box<OcrOutput>),
    /// A plan or part document, as JSON.
    Intermediate(String),
}

/// Reads `data` as the options ask: the whole page, or one stage of a split.
pub fn run(
    engine: &mut OcrEngine,
    data: &[u8],
    options: &Map<String, Value>,
) -> Result<StageAnswer, OcrError> {
    let mut options = options.clone();
    let stage = options.remove("split");
    let parts = options.remove("split_parts");
    let context = options.remove("split_context");
    let ocr_options = OcrOptions::from_json(&options)?;
    let stage = match stage {
        None | Some(Value::Null) => {
            return engine
                .read(data, &ocr_options)
                .map(|out| StageAnswer::Page(Box::new(out)))
        }
        Some(Value::String(s)) => s,
        Some(other) => return Err(invalid(format!("\"split\" must be a string, got {other}"))),
    };
    match stage.as_str() {
        "plan" => {
            let start = Instant::now();
            let (image, mut timings) = engine.decode(data)?;
            let plan = engine.plan_page(&image, &ocr_options, &mut timings)?;
            timings.total = ms_since(start);
            let costs = plan
                .lines
                .iter()
                .map(|line| read_cost(line, plan.unsampled, &ocr_options))
                .collect();
            let document = PlanDocument {
                costs,
                parts: plan.lines,
                context: PlanContext {
                    page: plan.page,
                    unsampled: plan.unsampled,
                    timings,
                },
            };
            to_json(&document)
        }
        "part" => {
            let parts: Vec<PlannedLine> = from_value("split_parts", parts)?;
            let context: PlanContext = from_value("split_context", context)?;
            let start = Instant::now();
            let (image, mut timings) = engine.decode(data)?;
            if (image.width(), image.height()) != (context.page.width, context.page.height) {
                return Err(invalid(format!(
                    "the part's image is {}x{} pixels, the plan's page {}x{}",
                    image.width(),
                    image.height(),
                    context.page.width,
                    context.page.height
                )));
            }
            let results = engine.read_lines(
                &image,
                &parts,
                context.unsampled,
                &ocr_options,
                &mut timings,
            )?;
            timings.total = ms_since(start);
            to_json(&PartDocument {
                results,
                summary: timings,
            })
        }
        "join" => {
            let input: JoinInput = serde_json::from_slice(data).map_err(|e| {
                OcrError::InvalidInput(format!("the join input is not a split result: {e}"))
            })?;
            let mut timings = input.context.timings.clone();
            for part in &input.summaries {
                timings.add(part);
            }
            Ok(StageAnswer::Page(Box::new(engine.assemble(
                input.context.page,
                &input.results,
                &ocr_options,
                timings,
            ))))
        }
        other => Err(invalid(format!(
            "unknown split stage {other:?} (expected \"plan\", \"part\" or \"join\")"
        ))),
    }
}

/// A line's reading cost in crop pixels: its crop width, plus a per-line
/// overhead and the orientation check where it will run. Measured natively
/// on SROIE receipts: about 0.12 ms per crop pixel, 9 ms per line, 3 ms per
/// classified line.
fn read_cost(line: &PlannedLine, unsampled: OrientationCheck, options: &OcrOptions) -> f32 {
    const PER_LINE: f32 = 75.0;
    const CLASSIFIER: f32 = 25.0;
    let width = TextRecognizer::crop_width(&line.quad, options.recognition.max_width) as f32;
    let classified = line.upside_down.is_none() && unsampled == OrientationCheck::BeforeReading;
    width + PER_LINE + if classified { CLASSIFIER } else { 0.0 }
}

fn from_value<T: serde::de::DeserializeOwned>(
    key: &str,
    value: Option<Value>,
) -> Result<T, OcrError> {
    let value = value.ok_or_else(|| invalid(format!("the \"part\" stage needs {key:?}")))?;
    serde_json::from_value(value).map_err(|e| invalid(format!("{key:?} is malformed: {e}")))
}

fn to_json(document: &impl Serialize) -> Result<StageAnswer, OcrError> {
    serde_json::to_string(document)
        .map(StageAnswer::Intermediate)
        .map_err(|e| OcrError::Inference {
            stage: "split",
            message: format!("cannot serialize the stage document: {e}"),
        })
}

fn invalid(message: String) -> OcrError {
    OcrError::InvalidOptions(message)
}
