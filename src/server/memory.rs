//! Start-up leaves the heap with free memory it will not need again (the SDK's configuration
//! chain, the catalog and the JSON schemas parsed and dropped, the routers built): handed back to
//! the kernel once, it no longer counts in the server's resident memory (docs/benchmarks.md,
//! "Allocator, again"). It sits in glibc's heap; with feature `jemalloc` (then the binary's
//! allocator for Rust, `src/main.rs`) mostly in jemalloc's, glibc's keeping what the C code
//! linked in (aws-lc) allocates.

/// Returns the heaps' free pages to the kernel: glibc's (`malloc_trim`) and, when it is the
/// allocator, jemalloc's dirty pages (the start-up thread's cache flushed first, so that what it
/// holds is free to go).
pub fn release_startup_heap() {
    #[cfg(feature = "jemalloc")]
    #[allow(unsafe_code)]
    // SAFETY: both names are void controls (no old or new value: every pointer null, length 0),
    // which jemalloc's mallctl documents for them; the names are NUL-terminated literals.
    // 4096 is MALLCTL_ARENAS_ALL (jemalloc_macros.h): every arena. A failure (a name this build of
    // jemalloc lacks) only leaves the pages resident, so its status is not an error to report.
    unsafe {
        use std::ptr::null_mut;
        for name in [c"thread.tcache.flush", c"arena.4096.purge"] {
            tikv_jemalloc_sys::mallctl(name.as_ptr(), null_mut(), null_mut(), null_mut(), 0);
        }
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: malloc_trim only walks glibc's own arenas under their locks; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}
