//! Every module of a folder, keyed by the name its descriptor gives.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::engine::GraceEngine;
use super::error::LoadError;
use super::module::{LoadOptions, LoadedModule};

/// Loaded modules by name.
#[derive(Debug, Default, Clone)]
pub struct Registry {
    modules: BTreeMap<String, Arc<LoadedModule>>,
}

/// The `*.wasm` files directly inside `dir`, sorted by file name.
pub fn module_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let read_dir = std::fs::read_dir(dir).map_err(|source| LoadError::ReadDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files = Vec::new();
    for entry in read_dir {
        let entry = entry.map_err(|source| LoadError::ReadDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "wasm") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads every `*.wasm` in `dir`; any broken file or duplicate name is an error.
    pub async fn load_dir(
        engine: &GraceEngine,
        dir: impl AsRef<Path>,
        options: &LoadOptions,
    ) -> Result<Registry, LoadError> {
        let mut registry = Registry::new();
        for file in module_files(dir.as_ref())? {
            let module = LoadedModule::load(engine, &file, options).await?;
            registry.insert(Arc::new(module))?;
        }
        Ok(registry)
    }

    /// Loads every `*.wasm` in `dir`, skipping broken files (returned beside
    /// the registry); an unreadable folder or a duplicate name is still an error.
    pub async fn load_dir_lenient(
        engine: &GraceEngine,
        dir: impl AsRef<Path>,
        options: &LoadOptions,
    ) -> Result<(Registry, Vec<LoadError>), LoadError> {
        let mut registry = Registry::new();
        let mut skipped = Vec::new();
        for file in module_files(dir.as_ref())? {
            match LoadedModule::load(engine, &file, options).await {
                Ok(module) => registry.insert(Arc::new(module))?,
                Err(e) => skipped.push(e),
            }
        }
        Ok((registry, skipped))
    }

    /// Adds a module; a module with the same name already present is an error.
    pub fn insert(&mut self, module: Arc<LoadedModule>) -> Result<(), LoadError> {
        if let Some(existing) = self.modules.get(module.name()) {
            return Err(LoadError::DuplicateName {
                name: module.name().to_string(),
                first: existing.path().to_path_buf(),
                second: module.path().to_path_buf(),
            });
        }
        self.modules.insert(module.name().to_string(), module);
        Ok(())
    }

    /// Adds or replaces a module by name, returning the previous one (hot swap).
    pub fn replace(&mut self, module: Arc<LoadedModule>) -> Option<Arc<LoadedModule>> {
        self.modules.insert(module.name().to_string(), module)
    }

    /// Removes a module by name.
    pub fn remove(&mut self, name: &str) -> Option<Arc<LoadedModule>> {
        self.modules.remove(name)
    }

    /// The module with this name.
    pub fn get(&self, name: &str) -> Option<Arc<LoadedModule>> {
        self.modules.get(name).cloned()
    }

    /// Module names, sorted.
    pub fn names(&self) -> Vec<String> {
        self.modules.keys().cloned().collect()
    }

    /// Modules sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<LoadedModule>> {
        self.modules.values()
    }

    /// Number of modules.
    pub fn len(&self) -> usize {
        self.modules.len()
    }

    /// True when no module is loaded.
    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }
}
