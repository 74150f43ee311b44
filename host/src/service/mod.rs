//! The module service: the loaded modules (hot-swappable), the pipelines
//! declared in configuration, and a compute runtime of its own so CPU-bound
//! module calls never run on the HTTP runtime's threads.

mod pipeline;
mod watch;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::{Config, PipelineConfig};
use crate::metrics::Metrics;
use crate::runtime::{GraceEngine, LoadError, LoadOptions, LoadedModule, ModuleInput, RunError};

pub use pipeline::route_options;
pub use watch::{FileStamp, SwapEvent};

/// A module or pipeline, resolved against the modules loaded now.
#[derive(Clone)]
pub enum Target {
    /// One module.
    Module(Arc<LoadedModule>),
    /// A pipeline with its step modules pinned for the whole run.
    Pipeline(Arc<PipelineConfig>, Vec<Arc<LoadedModule>>),
}

impl Target {
    /// The name clients use.
    pub fn name(&self) -> &str {
        match self {
            Target::Module(m) => m.name(),
            Target::Pipeline(p, _) => &p.name,
        }
    }

    /// The version: the module's, or the pipeline's steps joined (`ocr@0.1.0+...`).
    pub fn version(&self) -> String {
        match self {
            Target::Module(m) => m.version().to_string(),
            Target::Pipeline(_, steps) => steps
                .iter()
                .map(|m| format!("{}@{}", m.name(), m.version()))
                .collect::<Vec<_>>()
                .join("+"),
        }
    }

    /// The code identity: the module's sha256, or a digest of every step's
    /// sha256 and the pipeline's declaration.
    pub fn sha256(&self) -> String {
        match self {
            Target::Module(m) => m.sha256().to_string(),
            Target::Pipeline(p, steps) => {
                let decl = serde_json::to_value(p.as_ref()).unwrap_or(Value::Null);
                let mut text = crate::canonical_json(&decl);
                for m in steps {
                    text.push('\n');
                    text.push_str(m.sha256());
                }
                crate::sha256_hex(text.as_bytes())
            }
        }
    }

    /// Whether the target takes this (sniffed) media type as its input.
    pub fn accepts(&self, media_type: &str) -> bool {
        match self {
            Target::Module(m) => m.descriptor().accepts(media_type),
            Target::Pipeline(p, steps) => pipeline::first_reader_accepts(p, steps, media_type),
        }
    }

    /// The media types the target takes.
    pub fn media_types(&self) -> Vec<String> {
        match self {
            Target::Module(m) => m.descriptor().media_types.clone(),
            Target::Pipeline(p, steps) => pipeline::input_media_types(p, steps),
        }
    }
}

/// One step of an execution, for the job trace.
#[derive(Debug, Clone, Serialize)]
pub struct StepTrace {
    /// Position in the pipeline (0 for a single module).
    pub step: usize,
    /// Module name.
    pub module: String,
    /// Module version.
    pub version: String,
    /// Module sha256.
    pub sha256: String,
    /// Wall time of the call.
    pub processing_ms: u64,
    /// `SUCCESS`, `ERROR`, `TIMEOUT` or `SKIPPED`.
    pub status: &'static str,
    /// The module's confidence.
    pub confidence: Option<f32>,
    /// The step's output document (pipelines only; the result of a single module is the output).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
}

/// A finished execution.
#[derive(Debug, Clone)]
pub struct Execution {
    /// The result data (the module's document, or the pipeline's merged result).
    pub data: Value,
    /// Overall confidence (the lowest a step reported).
    pub confidence: Option<f32>,
    /// Warnings of every step.
    pub warnings: Vec<String>,
    /// Per step.
    pub trace: Vec<StepTrace>,
}

/// Why an execution failed.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// A step's module failed.
    #[error("{module} (step {step}): {error}")]
    Step {
        /// Step index.
        step: usize,
        /// Module name.
        module: String,
        /// The failure.
        error: RunError,
        /// The trace up to and including the failed step.
        trace: Vec<StepTrace>,
    },
    /// The request's options do not fit the target.
    #[error("{0}")]
    Options(String),
    /// A module produced something a pipeline cannot use.
    #[error("{0}")]
    Pipeline(String),
    /// The request's time to live ran out before it finished (or started).
    #[error("the request's time to live (envelope ttl_ms = {ttl_ms}) ran out before it finished")]
    Expired {
        /// The time to live the caller gave.
        ttl_ms: u64,
    },
    /// The whole request ran past the host's deadline; its unfinished calls were cancelled.
    #[error("the request took longer than {secs} s (runtime.request_deadline_secs); its unfinished module calls were cancelled")]
    Deadline {
        /// The deadline in seconds.
        secs: f64,
    },
}

impl ExecError {
    /// True for a deadline: a step's own or the request's time to live.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            ExecError::Expired { .. }
                | ExecError::Deadline { .. }
                | ExecError::Step {
                    error: RunError::Timeout(_),
                    ..
                }
        )
    }

    /// The run error behind a step failure.
    pub fn run_error(&self) -> Option<&RunError> {
        match self {
            ExecError::Step { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The trace up to the failure.
    pub fn trace(&self) -> &[StepTrace] {
        match self {
            ExecError::Step { trace, .. } => trace,
            _ => &[],
        }
    }
}

/// Why a name does not resolve.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ResolveError {
    /// Neither a module nor a pipeline.
    #[error("no module or pipeline named {name:?} (modules: {modules}; pipelines: {pipelines})")]
    Unknown {
        /// The name asked for.
        name: String,
        /// Loaded module names.
        modules: String,
        /// Declared pipeline names.
        pipelines: String,
    },
    /// A pipeline whose modules are not all loaded.
    #[error("pipeline {name:?} needs module {missing:?}, which is not loaded")]
    Unavailable {
        /// The pipeline.
        name: String,
        /// The first missing module.
        missing: String,
    },
}

/// Loaded modules, pipelines, and where module calls run.
pub struct Service {
    engine: GraceEngine,
    load_options: LoadOptions,
    modules_dir: PathBuf,
    modules: RwLock<Arc<BTreeMap<String, Arc<LoadedModule>>>>,
    stamps: std::sync::Mutex<BTreeMap<PathBuf, watch::FileStamp>>,
    rejected: RwLock<BTreeMap<PathBuf, String>>,
    pipelines: Vec<Arc<PipelineConfig>>,
    compute: Option<tokio::runtime::Runtime>,
    metrics: Arc<Metrics>,
    request_deadline: std::time::Duration,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("modules_dir", &self.modules_dir)
            .field("modules", &self.module_names())
            .finish()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        // Dropping a runtime inside async code panics; let it wind down on its own.
        if let Some(rt) = self.compute.take() {
            rt.shutdown_background();
        }
    }
}

impl Service {
    /// Loads every module of `config.modules_dir` (broken files are logged and
    /// skipped, as during hot swap) and starts the compute runtime.
    pub async fn start(config: &Config, metrics: Arc<Metrics>) -> Result<Arc<Service>, LoadError> {
        let engine = GraceEngine::new()?;
        let threads = config.pool_size().max(1);
        let compute = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("grace-compute")
            .enable_all()
            .build()
            .map_err(|e| LoadError::Engine(format!("cannot start the compute runtime: {e}")))?;
        let service = Arc::new(Service {
            engine,
            load_options: config.load_options(),
            modules_dir: config.modules_dir.clone(),
            modules: RwLock::new(Arc::new(BTreeMap::new())),
            stamps: Default::default(),
            rejected: Default::default(),
            pipelines: config.pipelines.iter().cloned().map(Arc::new).collect(),
            compute: Some(compute),
            metrics,
            request_deadline: std::time::Duration::from_secs_f64(
                config.runtime.request_deadline_secs,
            ),
        });
        service.rescan().await?;
        Ok(service)
    }

    /// The memory budget every module instance draws from.
    pub fn memory_budget(&self) -> &Arc<crate::runtime::MemoryBudget> {
        &self.load_options.budget
    }

    /// How long one request may take, all its steps together.
    pub fn request_deadline(&self) -> std::time::Duration {
        self.request_deadline
    }

    /// The modules folder.
    pub fn modules_dir(&self) -> &Path {
        &self.modules_dir
    }

    /// A snapshot of the loaded modules, by name.
    pub fn modules(&self) -> Arc<BTreeMap<String, Arc<LoadedModule>>> {
        self.modules
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Names of the loaded modules.
    pub fn module_names(&self) -> Vec<String> {
        self.modules().keys().cloned().collect()
    }

    /// Files that failed to load, with the reason.
    pub fn rejected_files(&self) -> BTreeMap<PathBuf, String> {
        self.rejected
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The declared pipelines.
    pub fn pipelines(&self) -> &[Arc<PipelineConfig>] {
        &self.pipelines
    }

    /// The metrics.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// A module or pipeline by name, with its modules as loaded now.
    pub fn resolve(&self, name: &str) -> Result<Target, ResolveError> {
        let modules = self.modules();
        if let Some(m) = modules.get(name) {
            return Ok(Target::Module(m.clone()));
        }
        if let Some(p) = self.pipelines.iter().find(|p| p.name == name) {
            let mut steps = Vec::with_capacity(p.steps.len());
            for s in &p.steps {
                match modules.get(&s.module) {
                    Some(m) => steps.push(m.clone()),
                    None => {
                        return Err(ResolveError::Unavailable {
                            name: name.into(),
                            missing: s.module.clone(),
                        })
                    }
                }
            }
            return Ok(Target::Pipeline(p.clone(), steps));
        }
        Err(ResolveError::Unknown {
            name: name.into(),
            modules: join_or_none(modules.keys().cloned()),
            pipelines: join_or_none(self.pipelines.iter().map(|p| p.name.clone())),
        })
    }

    /// Runs a target on the compute runtime.
    pub async fn execute(
        self: &Arc<Self>,
        target: &Target,
        data: Arc<Vec<u8>>,
        media_type: &str,
        options: &Map<String, Value>,
    ) -> Result<Execution, ExecError> {
        match target {
            Target::Module(m) => {
                let input = ModuleInput {
                    data: data.as_ref().clone(),
                    media_type: media_type.to_string(),
                    options: Value::Object(options.clone()).to_string(),
                };
                let (result, took) = self.call(m.clone(), input).await;
                let mut trace = vec![step_trace(
                    0,
                    m,
                    took,
                    result.as_ref().map(|o| o.confidence),
                )];
                match result {
                    Ok(out) => {
                        let data =
                            parse_document(m.name(), &out.document).map_err(ExecError::Pipeline)?;
                        Ok(Execution {
                            data,
                            confidence: out.confidence,
                            warnings: out.warnings,
                            trace,
                        })
                    }
                    Err(error) => Err(ExecError::Step {
                        step: 0,
                        module: m.name().into(),
                        error,
                        trace: std::mem::take(&mut trace),
                    }),
                }
            }
            Target::Pipeline(p, steps) => {
                pipeline::run(self, p, steps, data, media_type, options).await
            }
        }
    }

    /// One module call on the compute runtime, with its wall time and metrics.
    async fn call(
        &self,
        module: Arc<LoadedModule>,
        input: ModuleInput,
    ) -> (Result<crate::runtime::ModuleOutput, RunError>, Duration) {
        let name = module.name().to_string();
        let start = Instant::now();
        let handle = self
            .compute
            .as_ref()
            .expect("the compute runtime lives as long as the service")
            .spawn(async move { module.run_shared(input).await });
        // A caller that goes away (client hung up, request deadline) takes its
        // call with it: the guest is interrupted at its next epoch tick and
        // the instance discarded, instead of running on unheard.
        let _cancel_on_drop = crate::runtime::AbortOnDrop(handle.abort_handle());
        let result = match handle.await {
            Ok(r) => r,
            Err(e) => Err(RunError::Host(format!("module task failed: {e}"))),
        };
        let took = start.elapsed();
        let outcome = match &result {
            Ok(_) => "ok",
            Err(e) => e.code(),
        };
        self.metrics.inc(
            "grace_module_runs_total",
            &[("module", &name), ("outcome", outcome)],
        );
        self.metrics.observe(
            "grace_module_run_duration_seconds",
            &[("module", &name)],
            took,
        );
        (result, took)
    }

    /// Calls `describe()` on a fresh instance of every loaded module (`/health`).
    pub async fn check_modules(&self) -> BTreeMap<String, Result<String, String>> {
        let mut out = BTreeMap::new();
        for (name, m) in self.modules().iter() {
            let res = m
                .describe_fresh()
                .await
                .map(|d| d.version)
                .map_err(|e| e.to_string());
            out.insert(name.clone(), res);
        }
        out
    }
}

fn join_or_none(names: impl Iterator<Item = String>) -> String {
    let v: Vec<String> = names.collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// Parses a module's output document as JSON.
fn parse_document(module: &str, document: &str) -> Result<Value, String> {
    serde_json::from_str(document)
        .map_err(|e| format!("module {module} returned a document that is not JSON: {e}"))
}

/// The trace entry of a step that ran: `outcome` is its confidence or its failure.
fn step_trace(
    step: usize,
    m: &LoadedModule,
    took: Duration,
    outcome: Result<Option<f32>, &RunError>,
) -> StepTrace {
    StepTrace {
        step,
        module: m.name().into(),
        version: m.version().into(),
        sha256: m.sha256().into(),
        processing_ms: took.as_millis() as u64,
        status: match outcome {
            Ok(_) => "SUCCESS",
            Err(RunError::Timeout(_)) => "TIMEOUT",
            Err(_) => "ERROR",
        },
        confidence: outcome.ok().flatten(),
        output: None,
    }
}
