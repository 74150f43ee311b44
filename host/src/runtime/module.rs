//! A loaded, validated module: compiled code, descriptor and warm instances.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;
use wasmtime::{Store, UpdateDeadline};

use super::bindings::{self, grace::module::types as wit};
use super::cache::{CacheStatus, CompileCache};
use super::engine::GraceEngine;
use super::error::{LoadError, RunError};
use super::limits::{Limits, Refusal};
use super::memory::{MemoryBudget, Reclaim};
use super::pool::{InstancePool, PoolStats, Warm};
use super::sandbox::HostState;

/// How a module is loaded: compile cache, per-call limits, pool size, memory.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Where compiled code is cached.
    pub cache: CompileCache,
    /// Limits of every call (`memory_bytes` for modules not in `module_memory`).
    pub limits: Limits,
    /// Memory limit per instance by module name, bytes.
    pub module_memory: BTreeMap<String, u64>,
    /// Warm instances (and concurrent calls) per module.
    pub pool_size: usize,
    /// The memory every instance of the process draws from.
    pub budget: Arc<MemoryBudget>,
    /// An instance whose linear memory grew past this many bytes is dropped
    /// after its call instead of going back to the pool; None: the module's
    /// entry in `module_keep` or half its memory limit, whichever is less.
    pub recycle_above: Option<u64>,
    /// The linear memory an instance of the named module may keep in the
    /// pool, bytes (see `recycle_above`).
    pub module_keep: BTreeMap<String, u64>,
}

impl Default for LoadOptions {
    /// No cache, default limits, one instance per core, no budget.
    fn default() -> Self {
        LoadOptions {
            cache: CompileCache::disabled(),
            limits: Limits::default(),
            module_memory: BTreeMap::new(),
            pool_size: default_pool_size(),
            budget: MemoryBudget::unlimited(),
            recycle_above: None,
            module_keep: BTreeMap::new(),
        }
    }
}

impl LoadOptions {
    /// The limits of module `name`'s calls.
    pub fn limits_for(&self, name: &str) -> Limits {
        Limits {
            memory_bytes: self
                .module_memory
                .get(name)
                .copied()
                .unwrap_or(self.limits.memory_bytes),
            ..self.limits
        }
    }

    /// The linear memory past which an instance of module `name` is not
    /// kept in the pool.
    pub fn recycle_threshold(&self, name: &str) -> u64 {
        // A keep size is measured against the default limit: under a
        // smaller limit set by the operator, half of it.
        let half = self.limits_for(name).memory_bytes / 2;
        self.recycle_above.unwrap_or_else(|| {
            self.module_keep
                .get(name)
                .map_or(half, |keep| (*keep).min(half))
        })
    }
}

/// Linear memory of one call on a fresh instance (see
/// [`LoadedModule::run_measured`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MemoryUse {
    /// Right after instantiation, bytes (data segments, a snapshot's heap).
    pub baseline: u64,
    /// At the end of the call, bytes: wasm memories never shrink, so this is
    /// the call's peak.
    pub peak: u64,
}

/// The number of cores (at least 1): the default pool size.
pub fn default_pool_size() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// What a module says about itself, validated (schemas parsed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Descriptor {
    /// Module name, e.g. `hash`.
    pub name: String,
    /// Module version.
    pub version: String,
    /// One-line summary.
    pub summary: String,
    /// Accepted media types (may contain `*` wildcards).
    pub media_types: Vec<String>,
    /// JSON Schema of the options.
    pub options_schema: Value,
    /// JSON Schema of the output document.
    pub output_schema: Value,
}

impl Descriptor {
    /// True when `media_type` matches one of the accepted types (`*/*`, `image/*` wildcards).
    pub fn accepts(&self, media_type: &str) -> bool {
        media_type_matches(&self.media_types, media_type)
    }
}

/// True when `media_type` (parameters ignored, any case) matches one of
/// `patterns`: exact types, `top/*` or `*/*`.
pub fn media_type_matches(patterns: &[String], media_type: &str) -> bool {
    let mt = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    patterns.iter().any(|acc| {
        let acc = acc.to_ascii_lowercase();
        acc == "*/*"
            || acc == mt
            || acc
                .strip_suffix("/*")
                .is_some_and(|top| mt.split('/').next() == Some(top))
    })
}

/// Timings and cache outcome of loading a module.
#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    /// Whether compiled code came from the cache.
    pub cache: CacheStatus,
    /// Time to compile or deserialize.
    pub compile: Duration,
    /// Time to instantiate the first instance.
    pub instantiate: Duration,
    /// Time of the `describe()` call.
    pub describe: Duration,
    /// A non-fatal cache problem, if any.
    pub warning: Option<String>,
}

/// One call's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleInput {
    /// The bytes to transform.
    pub data: Vec<u8>,
    /// Their media type (see [`crate::sniff`]).
    pub media_type: String,
    /// Options as a JSON object text (`{}` for defaults).
    pub options: String,
}

impl ModuleInput {
    /// Input with sniffed media type and default options.
    pub fn new(data: Vec<u8>) -> Self {
        let media_type = crate::sniff::sniff_media_type(&data).to_string();
        ModuleInput {
            data,
            media_type,
            options: "{}".into(),
        }
    }

    /// The same input with these options (JSON object text).
    pub fn with_options(mut self, options: impl Into<String>) -> Self {
        self.options = options.into();
        self
    }
}

/// One successful call's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModuleOutput {
    /// The result as JSON text, exactly as the module produced it.
    pub document: String,
    /// Overall confidence in 0..1, when the module has one.
    pub confidence: Option<f32>,
    /// Warnings from the module.
    pub warnings: Vec<String>,
}

/// A module loaded from a `.wasm` component file, ready to run.
pub struct LoadedModule {
    descriptor: Descriptor,
    path: PathBuf,
    sha256: String,
    size_bytes: u64,
    engine: GraceEngine,
    pre: bindings::ModulePre<HostState>,
    limits: Limits,
    recycle_above: u64,
    budget: Arc<MemoryBudget>,
    pub(crate) pool: Arc<InstancePool>,
    report: LoadReport,
}

impl std::fmt::Debug for LoadedModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedModule")
            .field("name", &self.descriptor.name)
            .field("version", &self.descriptor.version)
            .field("sha256", &self.sha256)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl LoadedModule {
    /// Reads, compiles (through the cache), instantiates and checks `describe()`.
    ///
    /// Compilation runs on tokio's blocking pool, so this needs a tokio runtime.
    pub async fn load(
        engine: &GraceEngine,
        path: impl AsRef<Path>,
        options: &LoadOptions,
    ) -> Result<LoadedModule, LoadError> {
        let path = path.as_ref().to_path_buf();
        let bytes = std::fs::read(&path).map_err(|source| LoadError::Read {
            path: path.clone(),
            source,
        })?;
        Self::load_bytes(engine, path, bytes, options).await
    }

    /// Like [`LoadedModule::load`] with the bytes already in memory (`path` is for messages).
    pub async fn load_bytes(
        engine: &GraceEngine,
        path: PathBuf,
        bytes: Vec<u8>,
        options: &LoadOptions,
    ) -> Result<LoadedModule, LoadError> {
        let sha256 = crate::sha256_hex(&bytes);
        let size_bytes = bytes.len() as u64;
        let compiled = {
            let engine = engine.clone();
            let cache = options.cache.clone();
            let sha = sha256.clone();
            tokio::task::spawn_blocking(move || cache.load(&engine, &bytes, &sha))
                .await
                .map_err(|e| LoadError::Compile {
                    path: path.clone(),
                    message: format!("compiler task failed: {e}"),
                })?
                .map_err(|message| LoadError::Compile {
                    path: path.clone(),
                    message,
                })?
        };
        let instance_pre = engine
            .linker()
            .instantiate_pre(&compiled.component)
            .map_err(|e| LoadError::Instantiate {
                path: path.clone(),
                message: format!("{e:#}"),
            })?;
        let pre = bindings::ModulePre::new(instance_pre).map_err(|e| LoadError::Instantiate {
            path: path.clone(),
            message: format!("not a grace:module component: {e:#}"),
        })?;

        // Until describe() names the module, its instance has the general limit.
        let limits = options.limits;
        let budget = options.budget.clone();
        let t = Instant::now();
        let mut warm = instantiate(engine, &pre, &limits, &budget)
            .await
            .map_err(|e| LoadError::Instantiate {
                path: path.clone(),
                message: e.to_string(),
            })?;
        let instantiate_time = t.elapsed();

        let t = Instant::now();
        begin_call(&mut warm.store, &limits);
        let raw = warm
            .bindings
            .call_describe(&mut warm.store)
            .await
            .map_err(|e| LoadError::Describe {
                path: path.clone(),
                message: classify(e, warm.store.data(), &limits).to_string(),
            })?;
        let describe_time = t.elapsed();
        let descriptor =
            validate_descriptor(raw).map_err(|message| LoadError::InvalidDescriptor {
                path: path.clone(),
                message,
            })?;

        let limits = options.limits_for(&descriptor.name);
        let recycle_above = options.recycle_threshold(&descriptor.name);
        let pool = Arc::new(InstancePool::new(options.pool_size));
        let reclaim: Arc<dyn Reclaim> = pool.clone();
        budget.add_reclaimer(Arc::downgrade(&reclaim));
        pool.note_created();
        pool.put(warm);
        Ok(LoadedModule {
            descriptor,
            path,
            sha256,
            size_bytes,
            engine: engine.clone(),
            pre,
            recycle_above,
            limits,
            budget,
            pool,
            report: LoadReport {
                cache: compiled.status,
                compile: compiled.elapsed,
                instantiate: instantiate_time,
                describe: describe_time,
                warning: compiled.warning,
            },
        })
    }

    /// The validated descriptor.
    pub fn descriptor(&self) -> &Descriptor {
        &self.descriptor
    }

    /// The module name (from its descriptor).
    pub fn name(&self) -> &str {
        &self.descriptor.name
    }

    /// The module version (from its descriptor).
    pub fn version(&self) -> &str {
        &self.descriptor.version
    }

    /// Lowercase hex sha256 of the `.wasm` file.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The file the module was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Size of the `.wasm` file in bytes.
    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }

    /// Cache outcome and timings of the load.
    pub fn load_report(&self) -> &LoadReport {
        &self.report
    }

    /// The default per-call limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Linear memory past which an instance is dropped after its call, bytes.
    pub fn recycle_above(&self) -> u64 {
        self.recycle_above
    }

    /// A snapshot of the instance pool.
    pub fn pool_stats(&self) -> PoolStats {
        self.pool.stats()
    }

    /// Drops every idle warm instance (new ones are created on demand).
    pub fn clear_pool(&self) {
        self.pool.clear();
    }

    /// Calls `describe()` on a fresh instance (not one of the pool's, so it
    /// never waits behind running calls): proves the module still answers.
    pub async fn describe_fresh(&self) -> Result<Descriptor, RunError> {
        let mut warm = instantiate(&self.engine, &self.pre, &self.limits, &self.budget).await?;
        begin_call(&mut warm.store, &self.limits);
        let raw = warm
            .bindings
            .call_describe(&mut warm.store)
            .await
            .map_err(|e| classify(e, warm.store.data(), &self.limits))?;
        validate_descriptor(raw).map_err(RunError::Host)
    }

    /// Runs the module once with the default limits on a warm instance.
    pub async fn run(&self, input: ModuleInput) -> Result<ModuleOutput, RunError> {
        self.run_with_limits(input, &self.limits).await
    }

    /// Runs the module once with these limits.
    ///
    /// Waits for a free slot when `pool_size` calls are already running. An
    /// instance that traps, times out or hits the memory limit is discarded.
    pub async fn run_with_limits(
        &self,
        input: ModuleInput,
        limits: &Limits,
    ) -> Result<ModuleOutput, RunError> {
        let _slot = self.pool.slot().await;
        self.run_in_slot(input, limits).await
    }

    /// Runs the module once on a warm instance; the caller holds a slot.
    pub(crate) async fn run_in_slot(
        &self,
        input: ModuleInput,
        limits: &Limits,
    ) -> Result<ModuleOutput, RunError> {
        self.pool.note_call();
        let mut warm = match self.pool.take() {
            Some(w) => w,
            None => {
                let w = instantiate(&self.engine, &self.pre, limits, &self.budget).await?;
                self.pool.note_created();
                w
            }
        };
        match call_run(&warm.bindings, &mut warm.store, input, limits).await {
            Ok(answer) => {
                // Linear memory never shrinks: an instance a large input
                // grew would hold that memory while idle, so it goes now.
                if warm.store.data().limiter.memory_bytes() > self.recycle_above {
                    drop(warm);
                    self.pool.note_recycled();
                } else {
                    self.pool.put(warm);
                }
                answer
            }
            Err(err) => {
                // A trapped store may not be entered again: throw it away.
                drop(warm);
                self.pool.note_discarded();
                Err(err)
            }
        }
    }
}

impl LoadedModule {
    /// Runs the module once on a fresh instance (not the pool's, and not
    /// kept) and reports its linear memory: what the per-module memory
    /// defaults are measured with. Waits for a slot like any call.
    pub async fn run_measured(
        &self,
        input: ModuleInput,
    ) -> (Result<ModuleOutput, RunError>, MemoryUse) {
        let _slot = self.pool.slot().await;
        let mut warm = match instantiate(&self.engine, &self.pre, &self.limits, &self.budget).await
        {
            Ok(w) => w,
            Err(e) => return (Err(e), MemoryUse::default()),
        };
        let baseline = warm.store.data().limiter.memory_bytes();
        let answer = call_run(&warm.bindings, &mut warm.store, input, &self.limits).await;
        let peak = warm.store.data().limiter.memory_bytes();
        (answer.and_then(|a| a), MemoryUse { baseline, peak })
    }
}

impl From<ModuleInput> for wit::Input {
    fn from(input: ModuleInput) -> Self {
        wit::Input {
            data: input.data,
            media_type: input.media_type,
            options: input.options,
        }
    }
}

/// Resets the store's per-call state (clock, randomness, memory budget,
/// deadline) before entering the guest.
pub(crate) fn begin_call(store: &mut Store<HostState>, limits: &Limits) {
    store.data_mut().prepare_call(limits);
    store.set_epoch_deadline(1);
}

/// Calls `run` once. The outer error means the store trapped (and may not be
/// entered again); the inner result is the module's own answer.
pub(crate) async fn call_run(
    bindings: &bindings::Module,
    store: &mut Store<HostState>,
    input: ModuleInput,
    limits: &Limits,
) -> Result<Result<ModuleOutput, RunError>, RunError> {
    begin_call(store, limits);
    let answer = bindings
        .call_run(&mut *store, &input.into())
        .await
        .map_err(|e| classify(e, store.data(), limits))?;
    Ok(match answer {
        Ok(out) => Ok(ModuleOutput {
            document: out.document,
            confidence: out.confidence,
            warnings: out.warnings,
        }),
        Err(wit::Failure::InvalidInput(m)) => Err(RunError::InvalidInput(m)),
        Err(wit::Failure::Unsupported(m)) => Err(RunError::Unsupported(m)),
        Err(wit::Failure::Internal(m)) => Err(RunError::Internal(m)),
    })
}

/// A new store with the sandbox, memory limiter and deadline callback.
pub(crate) fn new_store(
    engine: &GraceEngine,
    limits: &Limits,
    budget: &Arc<MemoryBudget>,
) -> Store<HostState> {
    let mut store = Store::new(engine.wasmtime(), HostState::new(limits, budget.clone()));
    store.limiter(|s| &mut s.limiter);
    // Every epoch tick: interrupt past the deadline, otherwise yield to the
    // async executor so long calls do not starve other tasks.
    store.epoch_deadline_callback(|mut ctx| {
        let state = ctx.data_mut();
        if Instant::now() >= state.deadline {
            state.timed_out = true;
            Ok(UpdateDeadline::Interrupt)
        } else {
            Ok(UpdateDeadline::Yield(1))
        }
    });
    store.set_epoch_deadline(1);
    store
}

async fn instantiate(
    engine: &GraceEngine,
    pre: &bindings::ModulePre<HostState>,
    limits: &Limits,
    budget: &Arc<MemoryBudget>,
) -> Result<Warm, RunError> {
    let mut store = new_store(engine, limits, budget);
    match pre.instantiate_async(&mut store).await {
        Ok(bindings) => Ok(Warm { store, bindings }),
        Err(e) => Err(match classify(e, store.data(), limits) {
            RunError::Trap(m) => RunError::Host(format!("instantiation failed: {m}")),
            other => other,
        }),
    }
}

/// Maps a wasmtime error of a call to a [`RunError`].
pub(crate) fn classify(err: wasmtime::Error, state: &HostState, limits: &Limits) -> RunError {
    if state.timed_out {
        return RunError::Timeout(limits.deadline);
    }
    match state.limiter.refused {
        Some(Refusal::Instance) => {
            return RunError::MemoryLimit {
                limit: state.limiter.max_bytes,
            }
        }
        Some(Refusal::Budget) => {
            return RunError::MemoryBudget {
                limit: state.limiter.budget_limit(),
            }
        }
        None => {}
    }
    let mut msg = match err.downcast_ref::<wasmtime::Trap>() {
        Some(trap) => format!("{trap}"),
        None => format!("{err:#}"),
    };
    // A Rust guest prints its panic message to stderr before aborting: that
    // is the useful part. Otherwise name the innermost wasm frames.
    let stderr = state.stderr.take();
    let stderr: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("note: run with `RUST_BACKTRACE"))
        .collect();
    if !stderr.is_empty() {
        msg = format!("{} ({msg})", stderr.join(" "));
    } else if let Some(bt) = err.downcast_ref::<wasmtime::WasmBacktrace>() {
        let frames: Vec<String> = bt
            .frames()
            .iter()
            .take(5)
            .filter_map(|f| f.func_name().map(|n| n.to_string()))
            .collect();
        if !frames.is_empty() {
            msg.push_str(&format!(" in {}", frames.join(" <- ")));
        }
    }
    RunError::Trap(msg)
}

fn validate_descriptor(d: wit::Descriptor) -> Result<Descriptor, String> {
    let name_ok = !d.name.is_empty()
        && d.name.len() <= 64
        && d.name.starts_with(|c: char| c.is_ascii_lowercase())
        && d.name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !name_ok {
        return Err(format!(
            "name {:?} must be 1-64 characters of a-z, 0-9, '-' or '_', starting with a letter",
            d.name
        ));
    }
    if d.version.trim().is_empty() || d.version.chars().any(char::is_whitespace) {
        return Err(format!(
            "version {:?} must be non-empty without spaces",
            d.version
        ));
    }
    if d.media_types.is_empty() || d.media_types.iter().any(|m| !m.contains('/')) {
        return Err(format!(
            "media types {:?} must be a non-empty list of type/subtype",
            d.media_types
        ));
    }
    let schema = |what: &str, text: &str| -> Result<Value, String> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| format!("{what} schema is not valid JSON: {e}"))?;
        if !(v.is_object() || v.is_boolean()) {
            return Err(format!("{what} schema must be a JSON object or boolean"));
        }
        Ok(v)
    };
    Ok(Descriptor {
        options_schema: schema("options", &d.options_schema)?,
        output_schema: schema("output", &d.output_schema)?,
        name: d.name,
        version: d.version,
        summary: d.summary,
        media_types: d.media_types,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(name: &str, schema: &str) -> wit::Descriptor {
        wit::Descriptor {
            name: name.into(),
            version: "1.0.0".into(),
            summary: "s".into(),
            media_types: vec!["image/*".into()],
            options_schema: schema.into(),
            output_schema: "{}".into(),
        }
    }

    #[test]
    fn descriptor_validation() {
        assert!(validate_descriptor(raw("ocr", "{}")).is_ok());
        assert!(validate_descriptor(raw("", "{}"))
            .unwrap_err()
            .contains("name"));
        assert!(validate_descriptor(raw("Bad Name", "{}")).is_err());
        assert!(validate_descriptor(raw("ocr", "{nope"))
            .unwrap_err()
            .contains("options schema"));
        assert!(validate_descriptor(raw("ocr", "3")).is_err());
        let mut r = raw("ocr", "{}");
        r.version = " ".into();
        assert!(validate_descriptor(r).unwrap_err().contains("version"));
    }

    #[test]
    fn media_type_matching() {
        let d = validate_descriptor(raw("ocr", "{}")).unwrap();
        assert!(d.accepts("image/png"));
        assert!(d.accepts("IMAGE/JPEG; q=1"));
        assert!(!d.accepts("application/pdf"));
    }
}
