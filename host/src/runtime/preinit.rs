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

use super::bindings::{grace::module::types as wit, Module as Bindings};
use super::engine::GraceEngine;
use super::limits::Limits;
use super::module::{classify, new_store, ModuleInput};
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

/// `wasm` with the state its instance has after `warm_up` calls of `run`
/// (their answers, failures included, are ignored: only traps stop it).
pub async fn preinitialize(
    engine: &GraceEngine,
    wasm: &[u8],
    warm_up: Vec<ModuleInput>,
    limits: &Limits,
) -> Result<Vec<u8>, PreinitError> {
    let snapshot_err = |e: wasmtime::Error| PreinitError::Snapshot(format!("{e:#}"));
    let wizer = Wizer::new();
    let (context, instrumented) = wizer.instrument_component(wasm).map_err(snapshot_err)?;
    let component = Component::new(engine.wasmtime(), &instrumented).map_err(snapshot_err)?;
    let mut store = new_store(engine, limits);
    let instance = engine
        .linker()
        .instantiate_async(&mut store, &component)
        .await
        .map_err(|e| PreinitError::WarmUp(format!("instantiation failed: {e:#}")))?;
    let bindings = Bindings::new(&mut store, &instance)
        .map_err(|e| PreinitError::WarmUp(format!("not a grace:module component: {e:#}")))?;
    for input in warm_up {
        store.data_mut().prepare_call(limits);
        store.set_epoch_deadline(1);
        let wit_input = wit::Input {
            data: input.data,
            media_type: input.media_type,
            options: input.options,
        };
        if let Err(e) = bindings.call_run(&mut store, &wit_input).await {
            return Err(PreinitError::WarmUp(
                classify(e, store.data(), limits).to_string(),
            ));
        }
    }
    let mut state = SnapshotSource {
        store: &mut store,
        instance,
        limits: *limits,
    };
    wizer
        .snapshot_component(&context, &mut state)
        .await
        .map_err(snapshot_err)
}

/// The warmed instance Wizer reads memories and globals from, through the
/// accessor functions its instrumentation added.
struct SnapshotSource<'a> {
    store: &'a mut Store<HostState>,
    instance: Instance,
    limits: Limits,
}

impl SnapshotSource<'_> {
    async fn call<R: Lift + Send + Sync + 'static, T>(
        &mut self,
        instance: &str,
        func: &str,
        use_result: impl FnOnce(&mut Store<HostState>, R) -> T,
    ) -> T {
        // The accessors exist because instrumentation just added them; a
        // missing one is a Wizer bug, not an input error.
        let (_, exported) = self
            .instance
            .get_export(&mut *self.store, None, instance)
            .expect("Wizer's accessor instance");
        let (_, index) = self
            .instance
            .get_export(&mut *self.store, Some(&exported), func)
            .expect("Wizer's accessor function");
        let typed = self
            .instance
            .get_typed_func::<(), (R,)>(&mut *self.store, index)
            .expect("Wizer's accessor type");
        self.store.data_mut().prepare_call(&self.limits);
        self.store.set_epoch_deadline(1);
        let (value,) = typed
            .call_async(&mut *self.store, ())
            .await
            .expect("Wizer's accessor call");
        use_result(&mut *self.store, value)
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
