//! One call shared between several warm instances, so a single-threaded
//! guest uses every core of the pool.
//!
//! A module opts in by offering the `split` option (`plan`, `part`, `join`)
//! in its options schema. The host then:
//! 1. calls `split: "plan"` on the input → `{"parts": [...], "costs": [...],
//!    "context": ...}` (`costs`, one number per part, is optional);
//! 2. shares the parts out in contiguous runs of about equal cost, one
//!    concurrent call each:
//!    `split: "part"`, `split_parts`, `split_context` on the same input →
//!    `{"results": [...], "summary": ...}`;
//! 3. calls `split: "join"` on the JSON `{"context", "results", "summaries"}`
//!    (results concatenated in plan order) → the answer.
//!
//! The module promises the joined answer equals an unsplit call's, so how
//! many instances shared the work never shows in the result.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use tokio::sync::OwnedSemaphorePermit;

use super::error::RunError;
use super::module::{Descriptor, LoadedModule, ModuleInput, ModuleOutput};

/// Options of the split protocol: the host sets them, a client may not
/// (crafted parts reach the module unchecked).
pub const HOST_OPTIONS: &[&str] = &["split", "split_parts", "split_context"];

/// Fewer parts than this per call are not worth another instance's decode.
pub const MIN_PARTS_PER_CALL: usize = 4;

impl Descriptor {
    /// Whether the module offers the `split` protocol.
    pub fn splits(&self) -> bool {
        let stages = &self.options_schema["properties"]["split"]["enum"];
        ["plan", "part", "join"]
            .iter()
            .all(|stage| stages.as_array().is_some_and(|a| a.contains(&json!(stage))))
    }
}

impl LoadedModule {
    /// Runs the module once, shared between the instances that are idle when
    /// its turn comes, if it offers `split` (otherwise, with one idle
    /// instance, or when the caller already chose a `split` stage, exactly
    /// [`LoadedModule::run`]).
    ///
    /// The call waits for its slot like any other, then takes only slots free
    /// at that moment and holds them to the end: taking more by waiting
    /// would queue the parts and the join behind later requests, so under
    /// load every request would finish late.
    pub async fn run_shared(
        self: &Arc<Self>,
        input: ModuleInput,
    ) -> Result<ModuleOutput, RunError> {
        let limits = self.limits();
        let options = match serde_json::from_str::<Value>(&input.options) {
            Ok(Value::Object(o)) if self.descriptor().splits() && !o.contains_key("split") => o,
            // Not shareable; malformed options are the module's to answer.
            _ => return self.run(input).await,
        };
        let own = self.pool.slot().await;
        let mut slots: Vec<OwnedSemaphorePermit> = std::iter::once(own)
            .chain(std::iter::from_fn(|| self.pool.try_slot()))
            .take(self.pool_stats().size)
            .collect();
        if slots.len() < 2 {
            return self.run_in_slot(input, &limits).await;
        }
        let ModuleInput {
            data, media_type, ..
        } = input;

        let plan = self
            .run_in_slot(
                stage_input(&data, &media_type, &options, "plan", None),
                &limits,
            )
            .await?;
        let mut plan = self.intermediate("plan", &plan)?;
        let context = plan["context"].take();
        let parts = match plan["parts"].take() {
            Value::Array(parts) => parts,
            _ => return Err(self.broken("plan", "has no \"parts\" list")),
        };

        let runs = share_out(&part_costs(&plan["costs"], parts.len()), slots.len());
        // The first slot stays for the join; the others go with their parts
        // (unused ones are freed now).
        let join_slot = slots.remove(0);
        let mut part_slots = std::iter::once(None).chain(slots.into_iter().map(Some));
        let calls: Vec<_> = runs
            .into_iter()
            .map(|range| {
                let extra = json!({"split_parts": &parts[range], "split_context": &context});
                let input = stage_input(&data, &media_type, &options, "part", Some(extra));
                let module = Arc::clone(self);
                let slot = part_slots.next().flatten();
                // A task each, so the parts run on different worker threads.
                tokio::spawn(async move {
                    let answer = module.run_in_slot(input, &limits).await;
                    drop(slot);
                    answer
                })
            })
            .collect();
        drop(part_slots);
        let _cancel_on_drop: Vec<super::AbortOnDrop> = calls
            .iter()
            .map(|c| super::AbortOnDrop(c.abort_handle()))
            .collect();
        let (mut results, mut summaries) = (Vec::with_capacity(parts.len()), Vec::new());
        let mut first_error = None;
        for call in calls {
            let answer = match call.await {
                Ok(answer) => answer,
                Err(e) => Err(RunError::Host(format!("a part's task failed: {e}"))),
            };
            let part = answer.and_then(|out| {
                let mut part = self.intermediate("part", &out)?;
                match part["results"].take() {
                    Value::Array(r) => Ok((r, part["summary"].take())),
                    _ => Err(self.broken("part", "has no \"results\" list")),
                }
            });
            match part {
                Ok((r, summary)) => {
                    results.extend(r);
                    summaries.push(summary);
                }
                // Keep awaiting the others so no call outlives the request.
                Err(e) => first_error = first_error.or(Some(e)),
            }
        }
        if let Some(e) = first_error {
            return Err(e);
        }

        let joined = json!({"context": context, "results": results, "summaries": summaries});
        let join_data = joined.to_string().into_bytes();
        let answer = self
            .run_in_slot(
                stage_input(&join_data, "application/json", &options, "join", None),
                &limits,
            )
            .await;
        drop(join_slot);
        answer
    }

    /// A plan or part answer as JSON.
    fn intermediate(&self, stage: &str, out: &ModuleOutput) -> Result<Value, RunError> {
        serde_json::from_str(&out.document)
            .map_err(|e| self.broken(stage, &format!("is not JSON ({e})")))
    }

    fn broken(&self, stage: &str, what: &str) -> RunError {
        RunError::Internal(format!(
            "module {} broke the split protocol: its {stage} answer {what}",
            self.name()
        ))
    }
}

/// The input of one stage: the caller's options plus the stage's own.
fn stage_input(
    data: &[u8],
    media_type: &str,
    options: &Map<String, Value>,
    stage: &str,
    extra: Option<Value>,
) -> ModuleInput {
    let mut options = options.clone();
    options.insert("split".into(), json!(stage));
    if let Some(Value::Object(extra)) = extra {
        options.extend(extra);
    }
    ModuleInput {
        data: data.to_vec(),
        media_type: media_type.to_string(),
        options: Value::Object(options).to_string(),
    }
}

/// The plan's part costs, or 1 each where it gave none (or nonsense).
fn part_costs(costs: &Value, n: usize) -> Vec<f64> {
    match costs.as_array() {
        Some(c) if c.len() == n => c
            .iter()
            .map(|v| {
                v.as_f64()
                    .filter(|x| x.is_finite() && *x >= 0.0)
                    .unwrap_or(1.0)
            })
            .collect(),
        _ => vec![1.0; n],
    }
}

/// Contiguous runs of the parts for at most `ways` calls, of about equal
/// total cost, with one call per [`MIN_PARTS_PER_CALL`] parts at most.
pub fn share_out(costs: &[f64], ways: usize) -> Vec<std::ops::Range<usize>> {
    let n = costs.len();
    if n == 0 {
        return Vec::new();
    }
    let calls = n.div_ceil(MIN_PARTS_PER_CALL).clamp(1, ways.max(1));
    let total: f64 = costs.iter().sum();
    let mut runs = Vec::with_capacity(calls);
    let (mut start, mut done) = (0, 0.0);
    for k in 1..calls {
        let goal = total * k as f64 / calls as f64;
        // Every run takes one part, then more while that brings it closer
        // to its share, leaving at least one part for each later run.
        let mut end = start + 1;
        done += costs[start];
        while end < n - (calls - k) && (done + costs[end] - goal).abs() <= (done - goal).abs() {
            done += costs[end];
            end += 1;
        }
        runs.push(start..end);
        start = end;
    }
    runs.push(start..n);
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_shared_in_contiguous_runs_of_equal_cost() {
        let ones = |n| vec![1.0; n];
        assert!(share_out(&[], 2).is_empty());
        assert_eq!(share_out(&ones(3), 2), vec![0..3]);
        assert_eq!(share_out(&ones(5), 2), vec![0..3, 3..5]);
        assert_eq!(share_out(&ones(40), 2), vec![0..20, 20..40]);
        assert_eq!(share_out(&ones(10), 3), vec![0..3, 3..7, 7..10]);
        assert_eq!(share_out(&ones(10), 1), vec![0..10]);
        assert_eq!(share_out(&ones(10), 0), vec![0..10]);
        // Long lines first (as on a receipt's header): the first run is shorter.
        let costs = [9.0, 9.0, 9.0, 9.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        assert_eq!(share_out(&costs, 2), vec![0..2, 2..12]);
        // One huge part still leaves a part for the other call.
        assert_eq!(
            share_out(&[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 100.0], 2),
            vec![0..7, 7..8]
        );
        assert_eq!(
            part_costs(&json!([1, -2, "x", 3.5]), 4),
            vec![1.0, 1.0, 1.0, 3.5]
        );
        assert_eq!(part_costs(&json!([1, 2]), 3), vec![1.0; 3]);
        assert_eq!(part_costs(&Value::Null, 2), vec![1.0; 2]);
        for n in 0..50 {
            for ways in 1..5 {
                let runs = share_out(&ones(n), ways);
                assert_eq!(runs.iter().map(|r| r.len()).sum::<usize>(), n);
                assert!(runs.windows(2).all(|w| w[0].end == w[1].start));
                assert!(runs.len() <= ways);
            }
        }
    }

    #[test]
    fn a_module_splits_only_with_all_three_stages() {
        let descriptor = |schema: Value| Descriptor {
            name: "m".into(),
            version: "1".into(),
            summary: String::new(),
            media_types: vec!["image/*".into()],
            options_schema: schema,
            output_schema: json!({}),
        };
        let all = json!({"properties": {"split": {"enum": ["plan", "part", "join"]}}});
        let some = json!({"properties": {"split": {"enum": ["plan", "join"]}}});
        assert!(descriptor(all).splits());
        assert!(!descriptor(some).splits());
        assert!(!descriptor(json!({})).splits());
    }
}
