//! Warm instances of one module, reused across calls.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use wasmtime::Store;

use super::bindings;
use super::memory::Reclaim;
use super::sandbox::HostState;

/// An instantiated module with its own store, ready for the next call.
pub(crate) struct Warm {
    pub(crate) store: Store<HostState>,
    pub(crate) bindings: bindings::Module,
}

/// A snapshot of a module's instance pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PoolStats {
    /// Maximum number of instances (= concurrent calls) of this module.
    pub size: usize,
    /// Instantiated and waiting for a call.
    pub idle: usize,
    /// Calls running now.
    pub busy: usize,
    /// Instances created since load (including the one used by `describe`).
    pub created: u64,
    /// Instances thrown away after a trap, timeout or memory limit.
    pub discarded: u64,
    /// Healthy instances dropped after a call because their linear memory
    /// had grown past the recycle threshold (their memory goes back to the
    /// system instead of staying parked in the pool).
    pub recycled: u64,
    /// Calls started since load.
    pub calls: u64,
}

/// Up to `size` warm instances; at most `size` calls run at once, the rest wait.
pub(crate) struct InstancePool {
    size: usize,
    idle: Mutex<Vec<Warm>>,
    permits: Arc<Semaphore>,
    created: AtomicU64,
    discarded: AtomicU64,
    recycled: AtomicU64,
    calls: AtomicU64,
}

impl Reclaim for InstancePool {
    fn reclaim(&self) -> usize {
        self.clear()
    }
}

impl InstancePool {
    pub(crate) fn new(size: usize) -> Self {
        let size = size.max(1);
        InstancePool {
            size,
            idle: Mutex::new(Vec::with_capacity(size)),
            permits: Arc::new(Semaphore::new(size)),
            created: AtomicU64::new(0),
            discarded: AtomicU64::new(0),
            recycled: AtomicU64::new(0),
            calls: AtomicU64::new(0),
        }
    }

    /// Waits for a call slot (held until the permit drops).
    pub(crate) async fn slot(&self) -> OwnedSemaphorePermit {
        Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .expect("the pool semaphore is never closed")
    }

    /// A call slot if one is free now, without waiting.
    pub(crate) fn try_slot(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.permits).try_acquire_owned().ok()
    }

    /// Records a call started.
    pub(crate) fn note_call(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }

    /// Takes a warm instance, most recently used first (its caches are hottest).
    pub(crate) fn take(&self) -> Option<Warm> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop()
    }

    /// Returns a healthy instance to the pool.
    pub(crate) fn put(&self, warm: Warm) {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < self.size {
            idle.push(warm);
        }
    }

    /// Records a new instance.
    pub(crate) fn note_created(&self) {
        self.created.fetch_add(1, Ordering::Relaxed);
    }

    /// Records an instance thrown away.
    pub(crate) fn note_discarded(&self) {
        self.discarded.fetch_add(1, Ordering::Relaxed);
    }

    /// Records an instance dropped for its size.
    pub(crate) fn note_recycled(&self) {
        self.recycled.fetch_add(1, Ordering::Relaxed);
    }

    /// Drops every idle instance (they are recreated on demand); returns how many.
    pub(crate) fn clear(&self) -> usize {
        // Taken out under the lock, dropped after it: dropping a store
        // unmaps its memory, which need not block the pool.
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|p| p.into_inner()));
        idle.len()
    }

    pub(crate) fn stats(&self) -> PoolStats {
        PoolStats {
            size: self.size,
            idle: self.idle.lock().unwrap_or_else(|p| p.into_inner()).len(),
            busy: self.size - self.permits.available_permits(),
            created: self.created.load(Ordering::Relaxed),
            discarded: self.discarded.load(Ordering::Relaxed),
            recycled: self.recycled.load(Ordering::Relaxed),
            calls: self.calls.load(Ordering::Relaxed),
        }
    }
}
