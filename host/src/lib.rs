//! The Grace host: loads WebAssembly modules (`grace:module` components)
//! into a sandboxed wasmtime runtime and serves them from the CLI and the
//! HTTP API, with a durable job store.
//!
//! Layout: `runtime` (wasmtime: engine, cache, sandbox, pools), `service`
//! (loaded modules with hot swap, pipelines, the compute runtime),
//! `dispatch` (one request → envelope, idempotency), `store` (SQLite:
//! jobs, results, audit, keys), `jobs` (workers), `http` (axum routes),
//! `config`, `cli`.
//!
//! Typical use:
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use grace::{CompileCache, GraceEngine, LoadOptions, LoadedModule, ModuleInput};
//! let engine = GraceEngine::new()?;
//! let options = LoadOptions { cache: CompileCache::new("data/cache"), ..Default::default() };
//! let module = LoadedModule::load(&engine, "modules/hash.wasm", &options).await?;
//! let out = module.run(ModuleInput::new(b"abc".to_vec())).await?;
//! println!("{}", out.document);
//! # Ok(()) }
//! ```

pub mod cli;
pub mod config;
pub mod dispatch;
pub mod envelope;
pub mod http;
pub mod jobs;
pub mod metrics;
pub mod runtime;
pub mod service;
pub mod sniff;
pub mod store;

pub use grace_hash::{canonical_json, sha256_hex};
pub use runtime::{
    default_pool_size, preinitialize, BudgetStats, CacheStatus, CompileCache, Descriptor,
    GraceEngine, Limits, LoadError, LoadOptions, LoadReport, LoadedModule, MemoryBudget, MemoryUse,
    ModuleInput, ModuleOutput, PoolStats, PreinitError, Registry, RunError, Snapshot,
};
