//! Running a pipeline: each step reads the original input or the previous
//! step's output; request options are routed to the steps that accept them;
//! the result is one step's output plus keys merged from the others.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::{parse_document, step_trace, ExecError, Execution, Service};
use crate::config::{parse_merge_spec, PipelineConfig, StepInput};
use crate::runtime::{LoadedModule, ModuleInput, RunError};

/// Splits request options between the steps: `{"<module>": {...}}` goes to
/// that module; any other key goes to every step whose options schema lists
/// it. A key no step accepts is an error naming the steps.
pub fn route_options(
    pipeline: &PipelineConfig,
    steps: &[Arc<LoadedModule>],
    options: &Map<String, Value>,
) -> Result<Vec<Map<String, Value>>, String> {
    let mut routed: Vec<Map<String, Value>> =
        pipeline.steps.iter().map(|s| s.options.clone()).collect();
    for (key, value) in options {
        let by_module: Vec<usize> = steps
            .iter()
            .enumerate()
            .filter(|(_, m)| m.name() == key)
            .map(|(i, _)| i)
            .collect();
        if !by_module.is_empty() {
            let Value::Object(obj) = value else {
                return Err(format!(
                    "options.{key} must be an object of {key}'s options"
                ));
            };
            for i in by_module {
                routed[i].extend(obj.clone());
            }
            continue;
        }
        let takers: Vec<usize> = steps
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                m.descriptor()
                    .options_schema
                    .get("properties")
                    .and_then(|p| p.get(key))
                    .is_some()
            })
            .map(|(i, _)| i)
            .collect();
        if takers.is_empty() {
            let names: Vec<&str> = steps.iter().map(|m| m.name()).collect();
            return Err(format!(
                "option {key:?} is not accepted by any step of pipeline {:?} ({})",
                pipeline.name,
                names.join(", ")
            ));
        }
        for i in takers {
            routed[i].insert(key.clone(), value.clone());
        }
    }
    Ok(routed)
}

/// Whether the first step that runs for `media_type` (steps limited to other
/// types are skipped) takes it: later steps read what earlier ones made.
pub(super) fn first_reader_accepts(
    p: &PipelineConfig,
    steps: &[Arc<LoadedModule>],
    media_type: &str,
) -> bool {
    if !media_matches(&p.media_types, media_type) {
        return false;
    }
    p.steps
        .iter()
        .zip(steps)
        .find(|(s, _)| media_matches(&s.when_media_type, media_type))
        .is_some_and(|(_, m)| m.descriptor().accepts(media_type))
}

/// The media types the pipeline takes: those of every step that can be the
/// first to run (steps limited to certain types, up to and including the
/// first step that always runs).
pub(super) fn input_media_types(p: &PipelineConfig, steps: &[Arc<LoadedModule>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (s, m) in p.steps.iter().zip(steps) {
        out.extend(
            m.descriptor()
                .media_types
                .iter()
                .filter(|t| *t != "*/*")
                .filter(|t| s.when_media_type.is_empty() || media_matches(&s.when_media_type, t))
                .cloned(),
        );
        if s.when_media_type.is_empty() {
            break;
        }
    }
    out.retain(|t| media_matches(&p.media_types, t));
    out.sort();
    out.dedup();
    out
}

/// Whether a step limited to `patterns` runs for `media_type` (no limit: always).
fn media_matches(patterns: &[String], media_type: &str) -> bool {
    patterns.is_empty() || crate::runtime::module::media_type_matches(patterns, media_type)
}

pub(super) async fn run(
    service: &Arc<Service>,
    p: &PipelineConfig,
    steps: &[Arc<LoadedModule>],
    data: Arc<Vec<u8>>,
    media_type: &str,
    options: &Map<String, Value>,
) -> Result<Execution, ExecError> {
    // A host option, not a step's: rendered page images stay out of the
    // trace (and so out of stored results) unless asked for.
    let include_images = options.get(INCLUDE_IMAGES) == Some(&Value::Bool(true));
    let mut options = options.clone();
    options.remove(INCLUDE_IMAGES);
    let routed = route_options(p, steps, &options).map_err(ExecError::Options)?;
    let mut outputs: BTreeMap<String, Value> = BTreeMap::new();
    let mut trace = Vec::with_capacity(steps.len());
    let mut warnings = Vec::new();
    let mut confidence: Option<f32> = None;
    // Name and JSON text of the last step that ran (its parsed output is in `outputs`).
    let mut previous: Option<(String, String)> = None;
    for (i, ((step, module), opts)) in p.steps.iter().zip(steps).zip(routed).enumerate() {
        if !media_matches(&step.when_media_type, media_type) {
            trace.push(super::StepTrace {
                step: i,
                module: module.name().into(),
                version: module.version().into(),
                sha256: module.sha256().into(),
                processing_ms: 0,
                status: "SKIPPED",
                confidence: None,
                output: None,
            });
            continue;
        }
        let opts = Value::Object(opts).to_string();
        let (result, took) = match (step.input, &previous) {
            (StepInput::Pages, Some((name, _))) => {
                let doc = outputs
                    .get(name.as_str())
                    .cloned()
                    .expect("the previous step's output is kept");
                run_pages(service, module, doc, &opts).await
            }
            (StepInput::Previous, Some((_, json))) => {
                let input = ModuleInput {
                    data: json.as_bytes().to_vec(),
                    media_type: crate::sniff::JSON.into(),
                    options: opts,
                };
                one_call(service, module, input).await
            }
            // The first step that runs reads the original even when declared otherwise.
            _ => {
                let input = ModuleInput {
                    data: data.as_ref().clone(),
                    media_type: media_type.into(),
                    options: opts,
                };
                one_call(service, module, input).await
            }
        };
        let out = match result {
            Ok(out) => out,
            Err(StepError::Document(why)) => return Err(ExecError::Pipeline(why)),
            Err(StepError::Run(error)) => {
                trace.push(step_trace(i, module, took, Err(&error)));
                return Err(ExecError::Step {
                    step: i,
                    module: module.name().into(),
                    error,
                    trace,
                });
            }
        };
        let mut t = step_trace(i, module, took, Ok(out.confidence));
        let mut kept = out.document.clone();
        if !include_images {
            drop_page_images(&mut kept);
        }
        t.output = Some(kept);
        trace.push(t);
        warnings.extend(
            out.warnings
                .into_iter()
                .map(|w| format!("{}: {w}", module.name())),
        );
        confidence = lowest(confidence, out.confidence);
        outputs.insert(module.name().to_string(), out.document);
        previous = Some((module.name().to_string(), out.json));
    }
    let base_name = p
        .result
        .clone()
        .or_else(|| p.steps.last().map(|s| s.module.clone()))
        .unwrap_or_default();
    let mut data = match outputs.get(&base_name) {
        Some(Value::Object(o)) => o.clone(),
        Some(other) => {
            let mut m = Map::new();
            m.insert("value".into(), other.clone());
            m
        }
        None => {
            return Err(ExecError::Pipeline(format!(
                "pipeline {:?}: result step {base_name:?} did not run",
                p.name
            )))
        }
    };
    for (key, spec) in &p.merge {
        let (module, pointer) = parse_merge_spec(spec).unwrap_or(("", ""));
        let value = outputs
            .get(module)
            .and_then(|doc| doc.pointer(pointer))
            .cloned()
            .unwrap_or(Value::Null);
        data.insert(key.clone(), value);
    }
    Ok(Execution {
        data: Value::Object(data),
        confidence,
        warnings,
        trace,
    })
}

/// The pipeline option that keeps rendered page images in the trace.
pub const INCLUDE_IMAGES: &str = "include_images";

/// Replaces each page's rendered image by its size alone: megabytes of
/// base64 per page, already read by OCR, are no use in a stored trace.
fn drop_page_images(doc: &mut Value) {
    let Some(pages) = doc.get_mut("pages").and_then(Value::as_array_mut) else {
        return;
    };
    for page in pages.iter_mut().filter_map(Value::as_object_mut) {
        if let Some(Value::Object(image)) = page.get_mut("image") {
            image.remove("base64");
            image.insert("omitted".into(), Value::Bool(true));
        }
    }
}

/// A step's output: as JSON text (what the next step reads) and parsed.
struct StepOutput {
    json: String,
    document: Value,
    confidence: Option<f32>,
    warnings: Vec<String>,
}

/// Why a step produced no output.
enum StepError {
    /// The module failed.
    Run(RunError),
    /// The module answered with something the pipeline cannot read.
    Document(String),
}

/// One module call whose output document must be JSON.
async fn one_call(
    service: &Arc<Service>,
    module: &Arc<LoadedModule>,
    input: ModuleInput,
) -> (Result<StepOutput, StepError>, Duration) {
    let (result, took) = service.call(module.clone(), input).await;
    let result = result.map_err(StepError::Run).and_then(|out| {
        Ok(StepOutput {
            document: parse_document(module.name(), &out.document).map_err(StepError::Document)?,
            json: out.document,
            confidence: out.confidence,
            warnings: out.warnings,
        })
    });
    (result, took)
}

/// Runs `module` on every page of `doc` that has no text layer but a rendered image (in
/// parallel: the calls spread over the module's instance pool) and puts each
/// output's `lines` and `text` in place of that page's image. The document's
/// `text` is rebuilt from every page; confidence is the lowest page's.
async fn run_pages(
    service: &Arc<Service>,
    module: &Arc<LoadedModule>,
    mut doc: Value,
    options: &str,
) -> (Result<StepOutput, StepError>, Duration) {
    let start = Instant::now();
    let images = match page_images(&doc, options) {
        Ok(images) => images,
        Err(why) => return (Err(StepError::Document(why)), start.elapsed()),
    };
    let calls = images.into_iter().map(|(index, number, input)| async move {
        let (result, _) = one_call(service, module, input).await;
        (index, number, result)
    });
    let results = futures_util::future::join_all(calls).await;
    let mut confidence: Option<f32> = None;
    let mut warnings = Vec::new();
    let pages = doc
        .get_mut("pages")
        .and_then(Value::as_array_mut)
        .expect("page_images checked the pages array");
    for (index, number, result) in results {
        let out = match result {
            Ok(out) => out,
            Err(StepError::Run(e)) => {
                return (
                    Err(StepError::Run(e.in_context(&format!("page {number}")))),
                    start.elapsed(),
                )
            }
            Err(other) => return (Err(other), start.elapsed()),
        };
        let page = pages[index]
            .as_object_mut()
            .expect("page_images checked every page");
        for key in ["lines", "text"] {
            page.insert(
                key.into(),
                out.document.get(key).cloned().unwrap_or(Value::Null),
            );
        }
        page.insert("source".into(), Value::String("ocr".into()));
        page.remove("image");
        confidence = lowest(confidence, out.confidence);
        warnings.extend(
            out.warnings
                .into_iter()
                .map(|w| format!("page {number}: {w}")),
        );
    }
    let text: Vec<&str> = pages
        .iter()
        .map(|p| p.get("text").and_then(Value::as_str).unwrap_or(""))
        .collect();
    let text = text.join("\n\n");
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("text".into(), Value::String(text));
    }
    let out = StepOutput {
        json: doc.to_string(),
        document: doc,
        confidence,
        warnings,
    };
    (Ok(out), start.elapsed())
}

/// The lower of two confidences, either possibly unknown.
fn lowest(a: Option<f32>, b: Option<f32>) -> Option<f32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The pages of `doc` to read from their image: (index in `pages`, page
/// number, the decoded image as a module input with `options`).
fn page_images(doc: &Value, options: &str) -> Result<Vec<(usize, u64, ModuleInput)>, String> {
    use base64::Engine as _;
    let pages = doc.get("pages").and_then(Value::as_array).ok_or_else(|| {
        "a `pages` step needs the previous step to output a `pages` array (the pdf module's shape)"
            .to_string()
    })?;
    let mut out = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        if !page.is_object() {
            return Err(format!("pages[{index}] is not an object"));
        }
        let number = page
            .get("number")
            .and_then(Value::as_u64)
            .unwrap_or(index as u64 + 1);
        // A page with a text layer keeps its exact text even when rendered too.
        if page.get("source").and_then(Value::as_str) == Some("text-layer") {
            continue;
        }
        let Some(image) = page.get("image").filter(|v| !v.is_null()) else {
            continue;
        };
        let media_type = image
            .get("media_type")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("page {number}: image has no media_type"))?;
        let data = image
            .get("base64")
            .and_then(Value::as_str)
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .ok_or_else(|| format!("page {number}: image.base64 is missing or not base64"))?;
        out.push((
            index,
            number,
            ModuleInput {
                data,
                media_type: media_type.into(),
                options: options.to_string(),
            },
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_images_leave_the_trace() {
        let mut doc = serde_json::json!({"pages": [
            {"number": 1, "image": {"media_type": "image/png", "base64": "AAAA"}},
            {"number": 2, "source": "text-layer"}
        ]});
        drop_page_images(&mut doc);
        assert_eq!(
            doc["pages"][0]["image"],
            serde_json::json!({"media_type": "image/png", "omitted": true})
        );
        assert_eq!(
            doc["pages"][1],
            serde_json::json!({"number": 2, "source": "text-layer"})
        );
    }

    #[test]
    fn media_patterns() {
        assert!(media_matches(&[], "image/png"));
        assert!(media_matches(&["image/*".into()], "image/png"));
        assert!(!media_matches(&["application/pdf".into()], "image/png"));
    }
}
