//! On-disk cache of compiled components, keyed by the component's sha256
//! and the engine's compatibility hash.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use wasmtime::component::Component;

use super::engine::GraceEngine;

/// How a component's compiled code was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CacheStatus {
    /// Loaded from an existing cache file.
    Hit,
    /// Compiled now and written to the cache.
    Miss,
    /// Compiled now; the cache is disabled or could not be written.
    Uncached,
}

/// Where compiled code goes: `<dir>/<sha256>-<engine hash>.cwasm`.
///
/// Loaded files are memory-mapped: never truncate or rewrite a cache file in
/// place while a host runs (delete it or replace it by rename instead).
#[derive(Debug, Clone)]
pub struct CompileCache {
    dir: Option<PathBuf>,
}

/// The result of loading one component through the cache.
pub(crate) struct Compiled {
    pub(crate) component: Component,
    pub(crate) status: CacheStatus,
    pub(crate) elapsed: Duration,
    /// Why the cache could not be used, if it could not (not fatal).
    pub(crate) warning: Option<String>,
}

impl CompileCache {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        CompileCache {
            dir: Some(dir.into()),
        }
    }

    /// No cache: every load compiles.
    pub fn disabled() -> Self {
        CompileCache { dir: None }
    }

    /// The cache folder, if enabled.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The cache file a component with this sha256 would use on `engine`.
    pub fn path_for(&self, engine: &GraceEngine, sha256: &str) -> Option<PathBuf> {
        self.dir
            .as_ref()
            .map(|d| d.join(format!("{sha256}-{}.cwasm", engine.compatibility_hash())))
    }

    /// Loads compiled code for `bytes` from the cache, or compiles and stores it.
    pub(crate) fn load(
        &self,
        engine: &GraceEngine,
        bytes: &[u8],
        sha256: &str,
    ) -> Result<Compiled, String> {
        let start = Instant::now();
        let mut warning = None;
        let Some(path) = self.path_for(engine, sha256) else {
            let component =
                Component::new(engine.wasmtime(), bytes).map_err(|e| format!("{e:#}"))?;
            return Ok(Compiled {
                component,
                status: CacheStatus::Uncached,
                elapsed: start.elapsed(),
                warning,
            });
        };
        if path.is_file() {
            // SAFETY: `deserialize_file` trusts the file to be compiled code
            // produced by a compatible engine. Files in this cache are only
            // ever written by this host (`precompile_component` below, atomic
            // temp + rename), named by the sha256 of the source component and
            // the engine's compatibility hash, and wasmtime re-checks the
            // header/version before use.
            match unsafe { Component::deserialize_file(engine.wasmtime(), &path) } {
                Ok(component) => {
                    return Ok(Compiled {
                        component,
                        status: CacheStatus::Hit,
                        elapsed: start.elapsed(),
                        warning,
                    })
                }
                Err(e) => {
                    warning = Some(format!(
                        "ignoring unusable cache file {}: {e:#}",
                        path.display()
                    ));
                }
            }
        }
        let artifact = engine
            .wasmtime()
            .precompile_component(bytes)
            .map_err(|e| format!("{e:#}"))?;
        match write_atomically(&path, &artifact) {
            Ok(()) => {
                // SAFETY: as above; the file was written by this process just now.
                let component = unsafe { Component::deserialize_file(engine.wasmtime(), &path) }
                    .map_err(|e| format!("{e:#}"))?;
                Ok(Compiled {
                    component,
                    status: CacheStatus::Miss,
                    elapsed: start.elapsed(),
                    warning,
                })
            }
            Err(e) => {
                // SAFETY: `artifact` was produced by `precompile_component` on this very engine.
                let component = unsafe { Component::deserialize(engine.wasmtime(), &artifact) }
                    .map_err(|e| format!("{e:#}"))?;
                Ok(Compiled {
                    component,
                    status: CacheStatus::Uncached,
                    elapsed: start.elapsed(),
                    warning: Some(format!(
                        "cannot write compile cache {}: {e}",
                        path.display()
                    )),
                })
            }
        }
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into place.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let tmp = dir.join(format!(
        ".{}.{}.{nanos}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("cache"),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
