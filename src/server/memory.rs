//! Start-up leaves the heap with free memory it will not need again (the SDK's configuration
//! chain, the catalog and the JSON schemas parsed and dropped, the routers built): handed back to
//! the kernel once, it no longer counts in the server's resident memory (2.5 MB of an idle
//! server's 5 MB of heap, measured: docs/benchmarks.md).

/// Returns the heap's free pages to the kernel (glibc's `malloc_trim`; a no-op elsewhere).
pub fn release_startup_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: malloc_trim only walks glibc's own arenas under their locks; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}
