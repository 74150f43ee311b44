//! Typed errors of loading and running modules.

use std::path::PathBuf;
use std::time::Duration;

/// Why a module (or a modules folder) could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The wasmtime engine could not be created.
    #[error("cannot create the wasmtime engine: {0}")]
    Engine(String),
    /// The module file could not be read.
    #[error("cannot read module file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The modules folder could not be listed.
    #[error("cannot list modules folder {path}: {source}")]
    ReadDir {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The bytes are not a valid WebAssembly component for this engine.
    #[error("cannot compile {path} as a WebAssembly component: {message}")]
    Compile {
        /// The file.
        path: PathBuf,
        /// What wasmtime said.
        message: String,
    },
    /// The component does not link against the host (e.g. unknown imports) or its start code failed.
    #[error("cannot instantiate {path}: {message}")]
    Instantiate {
        /// The file.
        path: PathBuf,
        /// What wasmtime said.
        message: String,
    },
    /// Calling `describe()` trapped or failed.
    #[error("{path}: describe() failed: {message}")]
    Describe {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// `describe()` returned a descriptor the host does not accept.
    #[error("{path}: invalid descriptor: {message}")]
    InvalidDescriptor {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Two files describe themselves with the same module name.
    #[error(
        "module name {name:?} is used by two files: {first} and {second}; remove or rename one"
    )]
    DuplicateName {
        /// The module name.
        name: String,
        /// The file loaded first.
        first: PathBuf,
        /// The file that clashes with it.
        second: PathBuf,
    },
}

/// Why one `run` call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// The module rejected the input (`failure::invalid-input`).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The module cannot handle this well-formed input (`failure::unsupported`).
    #[error("unsupported input: {0}")]
    Unsupported(String),
    /// The module reported an internal error (`failure::internal`).
    #[error("module internal error: {0}")]
    Internal(String),
    /// The module trapped (panic, unreachable, out-of-bounds...); its instance was discarded.
    #[error("module trapped: {0}")]
    Trap(String),
    /// The call exceeded its deadline; its instance was discarded.
    #[error("deadline of {0:?} exceeded")]
    Timeout(Duration),
    /// The module tried to grow its memory past the limit; its instance was discarded.
    #[error("memory limit of {limit} bytes exceeded")]
    MemoryLimit {
        /// The limit in bytes.
        limit: u64,
    },
    /// Granting the memory would have taken the process past its memory
    /// budget (`runtime.memory_budget_mib`), shared by every instance; the
    /// instance was discarded. Transient: other calls give memory back.
    #[error("the host's memory budget of {} MiB (runtime.memory_budget_mib) is held by other calls; retry later", limit >> 20)]
    MemoryBudget {
        /// The budget in bytes.
        limit: u64,
    },
    /// The host could not prepare an instance for the call.
    #[error("host error: {0}")]
    Host(String),
}

impl RunError {
    /// A stable kebab-case code for JSON error objects and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            RunError::InvalidInput(_) => "invalid-input",
            RunError::Unsupported(_) => "unsupported",
            RunError::Internal(_) => "internal",
            RunError::Trap(_) => "trap",
            RunError::Timeout(_) => "timeout",
            RunError::MemoryLimit { .. } => "memory-limit",
            RunError::MemoryBudget { .. } => "memory-budget",
            RunError::Host(_) => "host",
        }
    }

    /// The same failure with `context: ` before its message (limits and
    /// timeouts, whose message the host writes, are kept as they are).
    pub fn in_context(self, context: &str) -> RunError {
        let wrap = |m: String| format!("{context}: {m}");
        match self {
            RunError::InvalidInput(m) => RunError::InvalidInput(wrap(m)),
            RunError::Unsupported(m) => RunError::Unsupported(wrap(m)),
            RunError::Internal(m) => RunError::Internal(wrap(m)),
            RunError::Trap(m) => RunError::Trap(wrap(m)),
            RunError::Host(m) => RunError::Host(wrap(m)),
            other => other,
        }
    }

    /// The message without the kind prefix (the module's own text for module failures).
    pub fn message(&self) -> String {
        match self {
            RunError::InvalidInput(m)
            | RunError::Unsupported(m)
            | RunError::Internal(m)
            | RunError::Trap(m)
            | RunError::Host(m) => m.clone(),
            other => other.to_string(),
        }
    }

    /// True when the failure is the caller's fault (bad or unsupported input).
    pub fn is_client_error(&self) -> bool {
        matches!(self, RunError::InvalidInput(_) | RunError::Unsupported(_))
    }
}
