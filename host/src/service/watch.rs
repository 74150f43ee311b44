//! Hot swap: the modules folder is rescanned (at start and then every few
//! hundred milliseconds); a new or changed `.wasm` is compiled and checked
//! beside the running version and switched in atomically only when it loads.
//! Calls already running keep their `Arc` to the old version and finish on it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::Serialize;

use super::Service;
use crate::runtime::{module_files, LoadError, LoadedModule};

/// What identifies a file version without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
}

/// One change the rescan made (or refused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SwapEvent {
    /// A module was loaded for the first time.
    Added {
        /// Module name.
        name: String,
        /// Version.
        version: String,
        /// sha256.
        sha256: String,
    },
    /// A module was replaced by a new version.
    Replaced {
        /// Module name.
        name: String,
        /// Old version.
        old_version: String,
        /// New version.
        version: String,
        /// New sha256.
        sha256: String,
    },
    /// A module's file disappeared.
    Removed {
        /// Module name.
        name: String,
    },
    /// A file could not be loaded; whatever served before keeps serving.
    Rejected {
        /// The file.
        file: String,
        /// Why.
        reason: String,
    },
}

fn stamp(path: &std::path::Path) -> Option<FileStamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some(FileStamp {
        len: meta.len(),
        modified: meta.modified().ok(),
    })
}

impl Service {
    /// Loads new and changed module files and drops removed ones.
    pub async fn rescan(&self) -> Result<Vec<SwapEvent>, LoadError> {
        let files = if self.modules_dir.is_dir() {
            module_files(&self.modules_dir)?
        } else {
            Vec::new()
        };
        let mut events = Vec::new();
        let mut seen: BTreeMap<PathBuf, FileStamp> = BTreeMap::new();
        for file in files {
            let Some(now) = stamp(&file) else { continue };
            seen.insert(file.clone(), now);
            let known = self
                .stamps
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&file)
                .copied();
            if known == Some(now) {
                continue;
            }
            let outcome = self.load_file(&file).await;
            self.stamps
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(file.clone(), now);
            match outcome {
                Ok(Some(ev)) => {
                    self.rejected
                        .write()
                        .unwrap_or_else(|p| p.into_inner())
                        .remove(&file);
                    events.push(ev);
                }
                Ok(None) => {
                    self.rejected
                        .write()
                        .unwrap_or_else(|p| p.into_inner())
                        .remove(&file);
                }
                Err(reason) => {
                    self.rejected
                        .write()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(file.clone(), reason.clone());
                    events.push(SwapEvent::Rejected {
                        file: file.display().to_string(),
                        reason,
                    });
                }
            }
        }
        // Files that are gone: unload what they provided.
        let gone: Vec<PathBuf> = {
            let mut stamps = self.stamps.lock().unwrap_or_else(|p| p.into_inner());
            let gone: Vec<PathBuf> = stamps
                .keys()
                .filter(|f| !seen.contains_key(*f))
                .cloned()
                .collect();
            for f in &gone {
                stamps.remove(f);
            }
            gone
        };
        for file in gone {
            self.rejected
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&file);
            let mut guard = self.modules.write().unwrap_or_else(|p| p.into_inner());
            let names: Vec<String> = guard
                .iter()
                .filter(|(_, m)| m.path() == file)
                .map(|(n, _)| n.clone())
                .collect();
            if names.is_empty() {
                continue;
            }
            let mut next = guard.as_ref().clone();
            for n in &names {
                next.remove(n);
                events.push(SwapEvent::Removed { name: n.clone() });
            }
            *guard = Arc::new(next);
        }
        for ev in &events {
            let outcome = match ev {
                SwapEvent::Rejected { .. } => "rejected",
                SwapEvent::Removed { .. } => "removed",
                _ => "loaded",
            };
            self.metrics
                .inc("grace_module_swaps_total", &[("outcome", outcome)]);
        }
        Ok(events)
    }

    /// Loads one file and switches it in; `Ok(None)` when its bytes are what already serves.
    async fn load_file(&self, file: &std::path::Path) -> Result<Option<SwapEvent>, String> {
        let bytes = std::fs::read(file).map_err(|e| format!("cannot read: {e}"))?;
        let sha = crate::sha256_hex(&bytes);
        if self
            .modules()
            .values()
            .any(|m| m.sha256() == sha && m.path() == file)
        {
            return Ok(None);
        }
        let module =
            LoadedModule::load_bytes(&self.engine, file.to_path_buf(), bytes, &self.load_options)
                .await
                .map_err(|e| e.to_string())?;
        let module = Arc::new(module);
        let mut guard = self.modules.write().unwrap_or_else(|p| p.into_inner());
        if let Some(other) = guard.get(module.name()) {
            if other.path() != file {
                return Err(format!(
                    "module name {:?} is already served from {}",
                    module.name(),
                    other.path().display()
                ));
            }
        }
        let mut next = guard.as_ref().clone();
        // A file that used to provide another name no longer does.
        next.retain(|name, m| !(m.path() == file && name != module.name()));
        let old = next.insert(module.name().to_string(), module.clone());
        *guard = Arc::new(next);
        Ok(Some(match old {
            Some(old) => SwapEvent::Replaced {
                name: module.name().into(),
                old_version: old.version().into(),
                version: module.version().into(),
                sha256: module.sha256().into(),
            },
            None => SwapEvent::Added {
                name: module.name().into(),
                version: module.version().into(),
                sha256: module.sha256().into(),
            },
        }))
    }

    /// Rescans every `interval` until the service is dropped, calling `report` with each change.
    pub fn spawn_watcher(
        self: &Arc<Self>,
        interval: Duration,
        report: impl Fn(&SwapEvent) + Send + Sync + 'static,
    ) -> tokio::task::JoinHandle<()> {
        let weak = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(interval).await;
                let Some(service) = weak.upgrade() else { break };
                match service.rescan().await {
                    Ok(events) => events.iter().for_each(&report),
                    Err(e) => tracing::warn!(error = %e, "cannot rescan the modules folder"),
                }
            }
        })
    }
}
