//! The Grace host: loads WebAssembly modules (`grace:module` components)
//! into a sandboxed wasmtime runtime and runs them from the CLI (and, later,
//! the HTTP API).
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
pub mod runtime;
pub mod sniff;

pub use runtime::{
    default_pool_size, CacheStatus, CompileCache, Descriptor, GraceEngine, Limits, LoadError,
    LoadOptions, LoadReport, LoadedModule, ModuleInput, ModuleOutput, PoolStats, Registry,
    RunError,
};

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
