//! The shared wasmtime engine: configuration, WASI linker and epoch ticker.

use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::component::Linker;
use wasmtime::{Config, Engine, OptLevel};

use super::error::LoadError;
use super::sandbox::HostState;

/// How often the epoch advances; deadlines are checked at this granularity.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// A configured wasmtime engine shared by every module, with its WASI linker
/// and a background thread that advances the epoch every [`EPOCH_TICK`].
#[derive(Clone)]
pub struct GraceEngine {
    inner: Arc<EngineInner>,
}

struct EngineInner {
    engine: Engine,
    linker: Linker<HostState>,
    compat_hash: String,
    _ticker: EpochTicker,
}

impl GraceEngine {
    /// Creates the engine: component model, async, epoch interruption,
    /// Cranelift `Speed`, wasm SIMD; starts the epoch ticker.
    pub fn new() -> Result<Self, LoadError> {
        let mut config = Config::new();
        config
            .wasm_component_model(true)
            .epoch_interruption(true)
            .cranelift_opt_level(OptLevel::Speed)
            .wasm_simd(true)
            .parallel_compilation(true);
        let engine = Engine::new(&config).map_err(|e| LoadError::Engine(format!("{e:#}")))?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|e| LoadError::Engine(format!("cannot link WASI: {e:#}")))?;
        let compat_hash = compatibility_hash(&engine);
        let ticker = EpochTicker::start(engine.clone(), EPOCH_TICK)
            .map_err(|e| LoadError::Engine(format!("cannot start the epoch ticker: {e}")))?;
        Ok(GraceEngine {
            inner: Arc::new(EngineInner {
                engine,
                linker,
                compat_hash,
                _ticker: ticker,
            }),
        })
    }

    /// The underlying wasmtime engine.
    pub fn wasmtime(&self) -> &Engine {
        &self.inner.engine
    }

    /// Short hex hash of the engine's precompile compatibility (part of cache keys).
    pub fn compatibility_hash(&self) -> &str {
        &self.inner.compat_hash
    }

    pub(crate) fn linker(&self) -> &Linker<HostState> {
        &self.inner.linker
    }
}

impl std::fmt::Debug for GraceEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraceEngine")
            .field("compatibility_hash", &self.inner.compat_hash)
            .finish_non_exhaustive()
    }
}

/// A `Hasher` feeding SHA-256, so the compatibility hash is stable across
/// processes (unlike `DefaultHasher`'s unspecified algorithm).
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn finish(&self) -> u64 {
        unreachable!("only finalized through sha2")
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

fn compatibility_hash(engine: &Engine) -> String {
    let mut h = Sha256Hasher(Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut h);
    hex::encode(&h.0.finalize()[..8])
}

/// Increments the engine's epoch on a background thread until dropped.
struct EpochTicker {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl EpochTicker {
    fn start(engine: Engine, tick: Duration) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::Builder::new()
            .name("grace-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(tick);
                    engine.increment_epoch();
                }
            })?;
        Ok(EpochTicker {
            stop,
            handle: Some(handle),
        })
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
