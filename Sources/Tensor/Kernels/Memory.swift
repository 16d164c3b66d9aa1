import CAllocator

/// How the process's memory allocator treats tensors' storage.
///
/// A training step frees and allocates the same big arrays (activations,
/// gradients, optimizer temporaries) every step. glibc's defaults hand blocks
/// over 128 KiB straight back to the system and map fresh, zeroed pages for the
/// next ones, so each step paid page faults and page clearing for all of them
/// (on two cores, about a fifth of a keypoint-model step). Programs that train
/// call `keepFreedBlocks` once at start; `releaseFreedBlocks` returns what is
/// free when a long computation ends, so an idle REPL does not hold its peak.
/// Both do nothing where the C library has no such settings (macOS's allocator
/// already keeps and reuses big blocks).
public enum Memory {
    /// Serve big blocks from the heap, and keep freed memory for reuse.
    public static func keepFreedBlocks() { ainb_keep_freed_blocks() }

    /// Return the heap's free memory to the system.
    public static func releaseFreedBlocks() { ainb_release_freed_blocks() }
}
