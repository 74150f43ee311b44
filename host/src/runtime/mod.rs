//! The wasmtime runtime: engine, compile cache, sandbox, limits, modules,
//! warm-instance pools and the registry.

pub mod bindings;
pub mod cache;
pub mod engine;
pub mod error;
pub mod limits;
pub mod module;
pub mod pool;
pub mod preinit;
pub mod registry;
pub mod sandbox;
pub mod split;

pub use cache::{CacheStatus, CompileCache};
pub use engine::{GraceEngine, EPOCH_TICK};
pub use error::{LoadError, RunError};
pub use limits::{Limits, DEFAULT_DEADLINE, DEFAULT_MEMORY_LIMIT};
pub use module::{
    default_pool_size, Descriptor, LoadOptions, LoadReport, LoadedModule, ModuleInput, ModuleOutput,
};
pub use pool::PoolStats;
pub use preinit::{default_warm_up, preinitialize, PreinitError, Snapshot};
pub use registry::{module_files, Registry};
