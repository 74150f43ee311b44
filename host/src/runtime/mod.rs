//! The wasmtime runtime: engine, compile cache, sandbox, limits, modules,
//! warm-instance pools and the registry.

pub mod bindings;
pub mod cache;
pub mod engine;
pub mod error;
pub mod limits;
pub mod memory;
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
pub use memory::{BudgetStats, MemoryBudget};
pub use module::{
    default_pool_size, Descriptor, LoadOptions, LoadReport, LoadedModule, MemoryUse, ModuleInput,
    ModuleOutput,
};
pub use pool::PoolStats;
pub use preinit::{default_warm_up, preinitialize, PreinitError, Snapshot};
pub use registry::{module_files, Registry};

/// Aborts a task when dropped (a no-op once it has finished): a module call
/// whose caller went away stops at its next epoch tick instead of running on.
#[derive(Debug)]
pub struct AbortOnDrop(pub tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
