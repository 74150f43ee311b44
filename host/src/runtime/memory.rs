//! Linear memory accounting across every store of the process: one budget
//! that all instance pools draw from, so many instances growing at once
//! are refused one at a time with a typed error instead of taking the host
//! into the kernel's OOM killer.
//!
//! The accounting is of granted linear memory (what `memory.grow` was
//! allowed to reach), an upper bound of what the instances can commit.
//! Idle pooled instances hold their memory too; when a grant does not fit,
//! the budget first asks the pools to drop their idle instances and tries
//! again, so memory parked in one module's pool never refuses another's call.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// Something that can give memory back by dropping idle instances.
pub(crate) trait Reclaim: Send + Sync {
    /// Drops every idle instance; returns how many were dropped.
    fn reclaim(&self) -> usize;
}

/// The memory all instances of the process may hold together.
pub struct MemoryBudget {
    limit: u64,
    used: AtomicU64,
    peak: AtomicU64,
    refused: AtomicU64,
    reclaimers: Mutex<Vec<Weak<dyn Reclaim>>>,
}

impl std::fmt::Debug for MemoryBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryBudget")
            .field("limit", &self.limit)
            .field("used", &self.used())
            .finish_non_exhaustive()
    }
}

/// A snapshot of the budget, for `/metrics` and `/health`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct BudgetStats {
    /// The budget, bytes (`u64::MAX` when unlimited).
    pub limit: u64,
    /// Granted to live stores now, bytes.
    pub used: u64,
    /// The most ever granted at once, bytes.
    pub peak: u64,
    /// Grants refused because the budget was spent.
    pub refused: u64,
}

impl MemoryBudget {
    /// A budget of `limit` bytes.
    pub fn new(limit: u64) -> Arc<MemoryBudget> {
        Arc::new(MemoryBudget {
            limit,
            used: AtomicU64::new(0),
            peak: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            reclaimers: Mutex::new(Vec::new()),
        })
    }

    /// No budget: every grant fits (one-off tools, `grace preinit`).
    pub fn unlimited() -> Arc<MemoryBudget> {
        Self::new(u64::MAX)
    }

    /// The budget in bytes.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Bytes granted to live stores now.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> BudgetStats {
        BudgetStats {
            limit: self.limit,
            used: self.used(),
            peak: self.peak.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
        }
    }

    /// Takes `bytes` from the budget if they fit.
    fn try_take(&self, bytes: u64) -> bool {
        let granted = self
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(bytes).filter(|total| *total <= self.limit)
            });
        match granted {
            Ok(before) => {
                self.peak.fetch_max(before + bytes, Ordering::Relaxed);
                true
            }
            Err(_) => false,
        }
    }

    /// Grants `bytes`, after dropping idle pooled instances when they do not
    /// fit at first; false (and counted) when they still do not fit.
    pub(crate) fn grant(&self, bytes: u64) -> bool {
        if self.try_take(bytes) {
            return true;
        }
        if self.reclaim_idle() > 0 && self.try_take(bytes) {
            return true;
        }
        self.refused.fetch_add(1, Ordering::Relaxed);
        false
    }

    /// Gives `bytes` back (a store dropped, a grant that did not happen).
    pub(crate) fn release(&self, bytes: u64) {
        // Saturating: a release never underflows whatever the caller's bug.
        let _ = self
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                Some(used.saturating_sub(bytes))
            });
    }

    /// Registers a pool whose idle instances may be dropped to make room.
    pub(crate) fn add_reclaimer(&self, pool: Weak<dyn Reclaim>) {
        let mut list = self.reclaimers.lock().unwrap_or_else(|p| p.into_inner());
        list.retain(|w| w.strong_count() > 0);
        list.push(pool);
    }

    fn reclaim_idle(&self) -> usize {
        // Upgrade under the lock, reclaim outside it: dropping instances
        // releases memory, which must not wait on this list.
        let pools: Vec<Arc<dyn Reclaim>> = self
            .reclaimers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
        pools.iter().map(|p| p.reclaim()).sum()
    }
}

/// One store's share of the budget: what its memories were granted, given
/// back when the store is dropped.
#[derive(Debug)]
pub(crate) struct Grant {
    budget: Arc<MemoryBudget>,
    bytes: u64,
}

impl Grant {
    pub(crate) fn new(budget: Arc<MemoryBudget>) -> Self {
        Grant { budget, bytes: 0 }
    }

    /// Bytes this store holds.
    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Grows the share by `bytes`, if the budget has them.
    pub(crate) fn grow(&mut self, bytes: u64) -> bool {
        if self.budget.grant(bytes) {
            self.bytes += bytes;
            true
        } else {
            false
        }
    }

    /// Shrinks the share by `bytes` (a growth that failed after its grant).
    pub(crate) fn shrink(&mut self, bytes: u64) {
        let bytes = bytes.min(self.bytes);
        self.bytes -= bytes;
        self.budget.release(bytes);
    }

    pub(crate) fn budget(&self) -> &MemoryBudget {
        &self.budget
    }
}

impl Drop for Grant {
    fn drop(&mut self) {
        self.budget.release(self.bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn grants_fit_or_are_refused_and_counted() {
        let budget = MemoryBudget::new(100);
        let mut a = Grant::new(budget.clone());
        let mut b = Grant::new(budget.clone());
        assert!(a.grow(60));
        assert!(!b.grow(41), "60 + 41 is over 100");
        assert!(b.grow(40));
        assert_eq!(budget.used(), 100);
        assert!(!a.grow(1));
        let s = budget.stats();
        assert_eq!((s.used, s.peak, s.refused), (100, 100, 2));
        drop(a);
        assert_eq!(budget.used(), 40, "a dropped store gives its grant back");
        assert!(b.grow(60));
        b.shrink(1000);
        assert_eq!(b.bytes(), 0, "a shrink never goes below zero");
        assert_eq!(budget.used(), 0);
        drop(b);
        assert_eq!(budget.used(), 0, "a dropped empty grant releases nothing");
        assert_eq!(budget.stats().peak, 100);
    }

    #[test]
    fn unlimited_never_refuses_and_never_overflows() {
        let budget = MemoryBudget::unlimited();
        let mut a = Grant::new(budget.clone());
        assert!(a.grow(u64::MAX / 2));
        assert!(a.grow(u64::MAX / 2));
        let mut b = Grant::new(budget.clone());
        assert!(!b.grow(u64::MAX), "the sum would overflow u64");
        drop(a);
        assert!(b.grow(1 << 40));
    }

    /// A pool of idle grants that are dropped when asked.
    struct IdlePool {
        idle: Mutex<Vec<Grant>>,
        calls: AtomicUsize,
    }

    impl Reclaim for IdlePool {
        fn reclaim(&self) -> usize {
            self.calls.fetch_add(1, Ordering::Relaxed);
            let dropped: Vec<Grant> = std::mem::take(&mut *self.idle.lock().unwrap());
            dropped.len()
        }
    }

    #[test]
    fn idle_instances_are_dropped_before_a_grant_is_refused() {
        let budget = MemoryBudget::new(100);
        let mut idle = Grant::new(budget.clone());
        assert!(idle.grow(70));
        let pool = Arc::new(IdlePool {
            idle: Mutex::new(vec![idle]),
            calls: AtomicUsize::new(0),
        });
        let weak: Weak<dyn Reclaim> = Arc::downgrade(&(pool.clone() as Arc<dyn Reclaim>));
        budget.add_reclaimer(weak);
        let mut busy = Grant::new(budget.clone());
        assert!(busy.grow(50), "the idle 70 were dropped to make room");
        assert_eq!(pool.calls.load(Ordering::Relaxed), 1);
        assert_eq!(budget.used(), 50);
        // Nothing idle left: refused, after one more (empty) reclaim.
        assert!(!busy.grow(51));
        assert_eq!(budget.stats().refused, 1);
        // A pool that went away is skipped (and forgotten on the next add).
        drop(pool);
        assert!(!busy.grow(51));
        assert_eq!(budget.stats().refused, 2);
    }
}
