//! Per-call resource limits: linear memory (per instance and, through the
//! budget, per process) and wall-time deadline.

use std::sync::Arc;
use std::time::Duration;

use super::memory::{Grant, MemoryBudget};

/// Default memory limit per instance: 2 GiB.
pub const DEFAULT_MEMORY_LIMIT: u64 = 2 << 30;
/// Default deadline per call: 120 s.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);

/// Limits applied to every call of a module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum total linear memory of one instance, in bytes.
    pub memory_bytes: u64,
    /// Maximum wall time of one call (checked every epoch tick).
    pub deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: DEFAULT_MEMORY_LIMIT,
            deadline: DEFAULT_DEADLINE,
        }
    }
}

/// Why a memory growth was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Past the instance's own limit.
    Instance,
    /// The process-wide budget was spent.
    Budget,
}

/// A `ResourceLimiter` that caps one store's linear memory, draws every
/// growth from the process-wide [`MemoryBudget`], and remembers why a growth
/// was refused.
#[derive(Debug)]
pub(crate) struct MemoryLimiter {
    pub(crate) max_bytes: u64,
    pub(crate) refused: Option<Refusal>,
    grant: Grant,
    /// The last growth granted, given back if wasmtime then fails it.
    pending: u64,
}

impl MemoryLimiter {
    pub(crate) fn new(max_bytes: u64, budget: Arc<MemoryBudget>) -> Self {
        MemoryLimiter {
            max_bytes,
            refused: None,
            grant: Grant::new(budget),
            pending: 0,
        }
    }

    /// Linear memory this store holds now (every memory of the component;
    /// wasm memories never shrink, so this is also its high-water mark).
    pub(crate) fn memory_bytes(&self) -> u64 {
        self.grant.bytes()
    }

    /// The budget this store draws from.
    pub(crate) fn budget_limit(&self) -> u64 {
        self.grant.budget().limit()
    }

    /// Whether a growth of `current` to `desired` bytes is allowed, taking
    /// it from the budget when it is.
    fn allow(&mut self, current: usize, desired: usize) -> bool {
        let delta = (desired as u64).saturating_sub(current as u64);
        // Against the store's total: a component has one memory per core
        // module instance, and the limit is the instance's.
        if self.grant.bytes().saturating_add(delta) > self.max_bytes {
            self.refused = Some(Refusal::Instance);
            return false;
        }
        if !self.grant.grow(delta) {
            self.refused = Some(Refusal::Budget);
            return false;
        }
        self.pending = delta;
        true
    }
}

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // A refused growth makes memory.grow return -1; a Rust guest then
        // aborts, and the host reports the limit instead of a bare trap.
        Ok(self.allow(current, desired))
    }

    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        self.grant.shrink(pending);
        Ok(())
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 1 << 20)
    }

    fn instances(&self) -> usize {
        1000
    }

    fn tables(&self) -> usize {
        1000
    }

    fn memories(&self) -> usize {
        100
    }
}
