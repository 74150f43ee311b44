//! A global allocator with caps, so an input that makes a decoder allocate
//! without bound is a crash that is saved, not an abort that loses it.
//!
//! Over a cap while a thread runs an input, the input is written to the
//! crash folder and the process aborts (an allocator must not unwind).
//! Outside fuzzed code the request fails as any failed allocation does.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Largest single allocation of fuzzed code (inputs are at most 256 KiB;
/// every decoder caps its output well below this).
pub const MAX_SINGLE_ALLOC: usize = 3 << 30;
/// Most bytes live in the whole process.
pub const MAX_LIVE_BYTES: usize = 8 << 30;

static LIVE: AtomicUsize = AtomicUsize::new(0);

/// The capped allocator; installed as the global one by this crate.
pub struct CappedAlloc;

#[global_allocator]
static GLOBAL: CappedAlloc = CappedAlloc;

thread_local! {
    static INFLIGHT: Cell<(*const u8, usize)> = const { Cell::new((std::ptr::null(), 0)) };
    static TARGET: Cell<&'static str> = const { Cell::new("") };
    static HANDLING: Cell<bool> = const { Cell::new(false) };
}

pub(crate) fn set_inflight(target: &'static str, data: &[u8]) {
    TARGET.with(|t| t.set(target));
    INFLIGHT.with(|c| c.set((data.as_ptr(), data.len())));
}

pub(crate) fn clear_inflight() {
    INFLIGHT.with(|c| c.set((std::ptr::null(), 0)));
}

pub(crate) fn set_crash_dir(dir: &Path) {
    let _ = crate::crash_dir_cell().set(dir.to_path_buf());
}

/// Bytes live now.
pub fn live_bytes() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Checks a request of `size` bytes; on an input thread over a cap, saves
/// the input and aborts.
fn check(size: usize) {
    let over = size > MAX_SINGLE_ALLOC
        || LIVE.load(Ordering::Relaxed).saturating_add(size) > MAX_LIVE_BYTES;
    if !over {
        return;
    }
    let Ok((ptr, len)) = INFLIGHT.try_with(Cell::get) else {
        return;
    };
    if ptr.is_null() || HANDLING.try_with(|h| h.replace(true)).unwrap_or(true) {
        return;
    }
    // SAFETY: set_inflight stored the slice of the input being run; it
    // lives until clear_inflight, after the target returns.
    let data = unsafe { std::slice::from_raw_parts(ptr, len) };
    let target = TARGET.with(Cell::get);
    let dir = crate::crash_dir_cell()
        .get()
        .cloned()
        .unwrap_or_else(|| crate::crate_dir().join("crashes"));
    let path = crate::save_input(&dir, target, data);
    eprintln!(
        "grace-fuzz: {target}: allocation of {size} bytes with {} live, over the cap ({MAX_SINGLE_ALLOC} single, {MAX_LIVE_BYTES} live); input saved to {}; aborting",
        live_bytes(),
        path.display()
    );
    std::process::abort();
}

// SAFETY: every call forwards to `System` with the same layout; the
// counters are only statistics.
unsafe impl GlobalAlloc for CappedAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        let p = System.alloc(layout);
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            check(new_size - layout.size());
            if new_size > MAX_SINGLE_ALLOC {
                check(new_size);
            }
        }
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE.fetch_add(new_size, Ordering::Relaxed);
        }
        p
    }
}
