//! A global allocator that zeroes large blocks when they are freed.
//!
//! Linear memory never shrinks, and a pre-initialized snapshot (see the
//! host's `grace preinit`) stores every non-zero byte of it. A module whose
//! warm-up allocates big scratch tensors would otherwise carry their stale
//! contents in its `.wasm`. Zeroing only blocks of at least
//! [`ZERO_FROM_BYTES`] keeps the cost to a memset of buffers that were just
//! written anyway.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks at least this large are zeroed when freed.
pub const ZERO_FROM_BYTES: usize = 256 * 1024;

/// [`System`] with large blocks zeroed on free.
pub struct ZeroLargeFrees;

// SAFETY: every call is forwarded to `System` with the caller's arguments;
// the extra writes stay inside a block the caller still owns.
unsafe impl GlobalAlloc for ZeroLargeFrees {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe {
            if layout.size() >= ZERO_FROM_BYTES {
                ptr.write_bytes(0, layout.size());
                // Stores into a block about to be freed are dead to the
                // optimizer; letting the pointer escape keeps them.
                std::hint::black_box(ptr);
            }
            System.dealloc(ptr, layout)
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe {
            if layout.size() < ZERO_FROM_BYTES {
                return System.realloc(ptr, layout, new_size);
            }
            // A large block may move: copy it, then free (and zero) the old one.
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let new = System.alloc(new_layout);
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_round_trip_through_the_allocator() {
        let a = ZeroLargeFrees;
        for size in [16, ZERO_FROM_BYTES, ZERO_FROM_BYTES * 3] {
            let layout = Layout::from_size_align(size, 8).unwrap();
            unsafe {
                let p = a.alloc(layout);
                assert!(!p.is_null());
                p.write_bytes(7, size);
                let q = a.realloc(p, layout, size * 2);
                assert!(!q.is_null());
                assert_eq!(*q.add(size - 1), 7, "contents kept by realloc");
                a.dealloc(q, Layout::from_size_align(size * 2, 8).unwrap());
            }
        }
    }
}
