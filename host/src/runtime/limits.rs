//! Per-call resource limits: linear memory and wall-time deadline.

use std::time::Duration;

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

/// A `ResourceLimiter` that caps linear memory and remembers whether the cap was hit.
#[derive(Debug)]
pub(crate) struct MemoryLimiter {
    pub(crate) max_bytes: u64,
    pub(crate) hit: bool,
}

impl MemoryLimiter {
    pub(crate) fn new(max_bytes: u64) -> Self {
        MemoryLimiter {
            max_bytes,
            hit: false,
        }
    }
}

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired as u64 > self.max_bytes {
            // Refuse the growth (memory.grow returns -1); a Rust guest then
            // aborts, and the host reports MemoryLimit instead of a bare trap.
            self.hit = true;
            return Ok(false);
        }
        Ok(true)
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
