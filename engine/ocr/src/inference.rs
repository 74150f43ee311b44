//! Thin glue over `tract`: parse an ONNX model once, then keep one optimized
//! plan per concrete input shape, because optimizing is far costlier than a run.

use crate::error::OcrError;
use std::collections::BTreeMap;
use std::sync::Arc;
use tract_onnx::prelude::*;

/// An optimized, runnable tract plan.
pub type Plan = Arc<TypedRunnableModel>;

/// A parsed ONNX model whose input shape is fixed lazily, one plan per shape.
pub struct ShapedModel {
    name: &'static str,
    source: Source,
    plans: BTreeMap<Vec<usize>, Plan>,
}

enum Source {
    /// Models that only type-check with a concrete input (DBNet here).
    Inference(InferenceModel),
    /// Models decluttered once with a symbolic axis, specialised per value.
    Typed {
        model: TypedModel,
        symbol: Symbol,
        axis: usize,
    },
}

impl ShapedModel {
    /// Parses `bytes`; every shape is given later to [`ShapedModel::plan`].
    pub fn parse(name: &'static str, bytes: &[u8]) -> Result<Self, OcrError> {
        let model = tract_onnx::onnx()
            .model_for_read(&mut std::io::Cursor::new(bytes))
            .map_err(|e| OcrError::Model(format!("{name}: cannot parse ONNX: {e}")))?;
        Ok(ShapedModel {
            name,
            source: Source::Inference(model),
            plans: BTreeMap::new(),
        })
    }

    /// Parses `bytes` with input `shape`, where the axis given by
    /// `symbolic_axis` stays symbolic, and declutters once.
    pub fn parse_symbolic(
        name: &'static str,
        bytes: &[u8],
        shape: &[usize],
        symbolic_axis: usize,
    ) -> Result<Self, OcrError> {
        let err = |e: TractError| OcrError::Model(format!("{name}: {e}"));
        let model = tract_onnx::onnx()
            .model_for_read(&mut std::io::Cursor::new(bytes))
            .map_err(|e| OcrError::Model(format!("{name}: cannot parse ONNX: {e}")))?;
        let symbol = model.symbols.sym("grace_dynamic");
        let dims: TVec<TDim> = shape
            .iter()
            .enumerate()
            .map(|(i, &d)| {
                if i == symbolic_axis {
                    symbol.clone().into()
                } else {
                    (d as i64).into()
                }
            })
            .collect();
        let model = model
            .with_input_fact(0, f32::fact(dims).into())
            .map_err(err)?
            .into_typed()
            .map_err(err)?
            .into_decluttered()
            .map_err(err)?;
        Ok(ShapedModel {
            name,
            source: Source::Typed {
                model,
                symbol,
                axis: symbolic_axis,
            },
            plans: BTreeMap::new(),
        })
    }

    /// The optimized plan for `shape`, built on first use and cached.
    pub fn plan(&mut self, shape: &[usize]) -> Result<Plan, OcrError> {
        if let Some(plan) = self.plans.get(shape) {
            return Ok(plan.clone());
        }
        let name = self.name;
        let err =
            |e: TractError| OcrError::Model(format!("{name}: cannot prepare shape {shape:?}: {e}"));
        let plan = match &self.source {
            Source::Inference(model) => model
                .clone()
                .with_input_fact(0, f32::fact(shape).into())
                .map_err(err)?
                .into_optimized()
                .map_err(err)?
                .into_runnable()
                .map_err(err)?,
            Source::Typed {
                model,
                symbol,
                axis,
            } => {
                let mut values = std::collections::HashMap::new();
                values.insert(symbol.clone(), TDim::from(shape[*axis] as i64));
                model
                    .set_symbols(&values)
                    .map_err(err)?
                    .into_optimized()
                    .map_err(err)?
                    .into_runnable()
                    .map_err(err)?
            }
        };
        self.plans.insert(shape.to_vec(), plan.clone());
        Ok(plan)
    }

    /// Runs the model on one input tensor and returns its first output.
    pub fn run(&mut self, stage: &'static str, input: Tensor) -> Result<Arc<Tensor>, OcrError> {
        let plan = self.plan(input.shape())?;
        let mut outputs = plan
            .run(tvec!(input.into()))
            .map_err(|e| OcrError::inference(stage, e))?;
        if outputs.is_empty() {
            return Err(OcrError::inference(stage, "the model produced no output"));
        }
        Ok(outputs.remove(0).into_arc_tensor())
    }

    /// How many shapes have an optimized plan cached.
    pub fn cached_shapes(&self) -> usize {
        self.plans.len()
    }
}
