//! Pre-initialized components: run a module once at build time and keep the
//! state it reached (Wizer snapshot), so every later instance starts warm.
//!
//! The `ocr` module parses and optimizes its three models on its first call
//! (about a second in wasm); snapshotted after a warm-up call, its instances
//! start with the models ready. The snapshot holds only linear memory and
//! globals, never host state: the warm-up runs in the same sandbox as any
//! call (no env, no files, deterministic clock and random source), so the
//! same component and warm-up input give the same bytes every time.

use wasmtime::component::{Component, Instance, Lift, WasmList};
use wasmtime::Store;
use wasmtime_wizer::{ComponentInstanceState, Wizer};

use super::bindings::Module as Bindings;
use super::engine::GraceEngine;
use super::limits::Limits;
use super::module::{begin_call, call_run, new_store, ModuleInput};
use super::sandbox::HostState;

/// Why a component could not be pre-initialized.
#[derive(Debug, thiserror::Error)]
pub enum PreinitError {
    /// The component could not be instrumented, compiled or rewritten.
    #[error("cannot snapshot the component: {0}")]
    Snapshot(String),
    /// The warm-up call trapped or the module is not a grace module.
    #[error("the warm-up call failed: {0}")]
    WarmUp(String),
}

/// A pre-initialized component.
#[derive(Debug)]
pub struct Snapshot {
    /// The rewritten component.
    pub wasm: Vec<u8>,
    /// The module's refusals of warm-up inputs (a refused input warms less).
    pub refused: Vec<String>,
}

/// `wasm` with the state its instance has after `warm_up` calls of `run`
/// (a refused input is reported, only a trap stops it).
pub async fn preinitialize(
    engine: &GraceEngine,
    wasm: &[u8],
    warm_up: Vec<ModuleInput>,
    limits: &Limits,
) -> Result<Snapshot, PreinitError> {
    let snapshot_err = |e: wasmtime::Error| PreinitError::Snapshot(format!("{e:#}"));
    let wizer = Wizer::new();
    let (context, instrumented) = wizer.instrument_component(wasm).map_err(snapshot_err)?;
    let component = Component::new(engine.wasmtime(), &instrumented).map_err(snapshot_err)?;
    // A build step, not a served call: no process budget.
    let mut store = new_store(engine, limits, &super::memory::MemoryBudget::unlimited());
    let instance = engine
        .linker()
        .instantiate_async(&mut store, &component)
        .await
        .map_err(|e| PreinitError::WarmUp(format!("instantiation failed: {e:#}")))?;
    let bindings = Bindings::new(&mut store, &instance)
        .map_err(|e| PreinitError::WarmUp(format!("not a grace:module component: {e:#}")))?;
    let mut refused = Vec::new();
    for (index, input) in warm_up.into_iter().enumerate() {
        let answer = call_run(&bindings, &mut store, input, limits)
            .await
            .map_err(|e| PreinitError::WarmUp(e.to_string()))?;
        if let Err(e) = answer {
            refused.push(format!("warm-up input {}: {e}", index + 1));
        }
    }
    // Wizer copies each memory out in one call: allow up to the memory limit.
    let memory_limit = usize::try_from(limits.memory_bytes).unwrap_or(usize::MAX);
    store.set_hostcall_fuel(memory_limit.max(store.hostcall_fuel()));
    let mut state = SnapshotSource {
        store: &mut store,
        instance,
        limits: *limits,
        failure: None,
    };
    let wasm = wizer
        .snapshot_component(&context, &mut state)
        .await
        .map_err(snapshot_err)?;
    if let Some(failure) = state.failure {
        return Err(PreinitError::Snapshot(failure));
    }
    Ok(Snapshot { wasm, refused })
}

/// The warmed instance Wizer reads memories and globals from, through the
/// accessor functions its instrumentation added.
struct SnapshotSource<'a> {
    store: &'a mut Store<HostState>,
    instance: Instance,
    limits: Limits,
    /// The first accessor call that failed (Wizer's callbacks cannot return
    /// errors, so it is kept here and reported once the snapshot returns).
    failure: Option<String>,
}

impl SnapshotSource<'_> {
    async fn call<R: Lift + Send + Sync + 'static, T: Default>(
        &mut self,
        instance: &str,
        func: &str,
        use_result: impl FnOnce(&mut Store<HostState>, R) -> T,
    ) -> T {
        match self.try_call(instance, func, use_result).await {
            Ok(value) => value,
            Err(e) => {
                self.failure
                    .get_or_insert_with(|| format!("reading {instance}.{func}: {e:#}"));
                T::default()
            }
        }
    }

    async fn try_call<R: Lift + Send + Sync + 'static, T>(
        &mut self,
        instance: &str,
        func: &str,
        use_result: impl FnOnce(&mut Store<HostState>, R) -> T,
    ) -> wasmtime::Result<T> {
        let missing = |what: &str| wasmtime::Error::msg(format!("no {what} export"));
        let (_, exported) = self
            .instance
            .get_export(&mut *self.store, None, instance)
            .ok_or_else(|| missing(instance))?;
        let (_, index) = self
            .instance
            .get_export(&mut *self.store, Some(&exported), func)
            .ok_or_else(|| missing(func))?;
        let typed = self
            .instance
            .get_typed_func::<(), (R,)>(&mut *self.store, index)?;
        begin_call(self.store, &self.limits);
        let (value,) = typed.call_async(&mut *self.store, ()).await?;
        Ok(use_result(&mut *self.store, value))
    }
}

impl ComponentInstanceState for SnapshotSource<'_> {
    async fn call_func_ret_list_u8(
        &mut self,
        instance: &str,
        func: &str,
        contents: impl FnOnce(&[u8]) + Send,
    ) {
        self.call(instance, func, |store, list: WasmList<u8>| {
            contents(list.as_le_slice(&*store))
        })
        .await
    }

    async fn call_func_ret_s32(&mut self, instance: &str, func: &str) -> i32 {
        self.call(instance, func, |_, v| v).await
    }

    async fn call_func_ret_s64(&mut self, instance: &str, func: &str) -> i64 {
        self.call(instance, func, |_, v| v).await
    }

    async fn call_func_ret_f32(&mut self, instance: &str, func: &str) -> u32 {
        self.call(instance, func, |_, v: f32| v.to_bits()).await
    }

    async fn call_func_ret_f64(&mut self, instance: &str, func: &str) -> u64 {
        self.call(instance, func, |_, v: f64| v.to_bits()).await
    }
}

/// The default warm-up: one blank 64x64 page, which makes the `ocr` module
/// parse its models and declutter recognition (0.9 s of its first call).
///
/// Plans for real page shapes are left out on purpose: each detection canvas
/// adds about 6 MB and each recognition width about 15 MB of snapshot, and
/// hashing and mapping a larger file at load costs more than the plans it
/// would save on the shapes a warm-up can guess (measured: a 226 MB snapshot
/// warmed on every portrait canvas loaded 450 ms slower and read a first real
/// page no faster).
pub fn default_warm_up() -> Vec<ModuleInput> {
    let page = image::GrayImage::from_pixel(64, 64, image::Luma([255]));
    vec![ModuleInput::new(png(&page))]
}

fn png(page: &image::GrayImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    page.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )
    .expect("encoding a PNG in memory cannot fail");
    bytes
}
