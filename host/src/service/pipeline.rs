//! Running a pipeline: each step reads the original input or the previous
//! step's output; request options are routed to the steps that accept them;
//! the result is one step's output plus keys merged from the others.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::{parse_document, step_trace, ExecError, Execution, Service};
use crate::config::{parse_merge_spec, PipelineConfig, StepInput};
use crate::runtime::{LoadedModule, ModuleInput};

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
    p.steps
        .iter()
        .zip(steps)
        .find(|(s, _)| media_matches(&s.when_media_type, media_type))
        .is_some_and(|(_, m)| m.descriptor().accepts(media_type))
}

/// The media types the pipeline takes: those of its first step, plus those of
/// steps limited to certain types.
pub(super) fn input_media_types(p: &PipelineConfig, steps: &[Arc<LoadedModule>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, (s, m)) in p.steps.iter().zip(steps).enumerate() {
        if i == 0 || !s.when_media_type.is_empty() {
            out.extend(
                m.descriptor()
                    .media_types
                    .iter()
                    .filter(|t| *t != "*/*")
                    .cloned(),
            );
        }
    }
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
    let routed = route_options(p, steps, options).map_err(ExecError::Options)?;
    let mut outputs: BTreeMap<String, Value> = BTreeMap::new();
    let mut trace = Vec::with_capacity(steps.len());
    let mut warnings = Vec::new();
    let mut confidence: Option<f32> = None;
    let mut previous: Option<String> = None;
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
        let input = match (step.input, &previous) {
            (StepInput::Previous, Some(doc)) => ModuleInput {
                data: doc.as_bytes().to_vec(),
                media_type: crate::sniff::JSON.into(),
                options: Value::Object(opts).to_string(),
            },
            // The first step that runs reads the original even when declared `previous`.
            _ => ModuleInput {
                data: data.as_ref().clone(),
                media_type: media_type.into(),
                options: Value::Object(opts).to_string(),
            },
        };
        let (result, took) = service.call(module.clone(), input).await;
        let mut t = step_trace(i, module, took, &result);
        match result {
            Ok(out) => {
                let doc =
                    parse_document(module.name(), &out.document).map_err(ExecError::Pipeline)?;
                t.output = Some(doc.clone());
                trace.push(t);
                warnings.extend(
                    out.warnings
                        .into_iter()
                        .map(|w| format!("{}: {w}", module.name())),
                );
                if let Some(c) = out.confidence {
                    confidence = Some(confidence.map_or(c, |prev| prev.min(c)));
                }
                outputs.insert(module.name().to_string(), doc);
                previous = Some(out.document);
            }
            Err(error) => {
                trace.push(t);
                return Err(ExecError::Step {
                    step: i,
                    module: module.name().into(),
                    error,
                    trace,
                });
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_patterns() {
        assert!(media_matches(&[], "image/png"));
        assert!(media_matches(&["image/*".into()], "image/png"));
        assert!(!media_matches(&["application/pdf".into()], "image/png"));
    }
}
