/* How the C allocator treats the engine's big blocks. Swift cannot see
 * mallopt (malloc.h is not in the Glibc module), so these wrappers do. */
#ifndef AINB_ALLOCATOR_H
#define AINB_ALLOCATOR_H

#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>

/* Serve every block from the heap and keep freed memory there. By default
 * glibc maps blocks over 128 KiB to fresh pages and unmaps them on free, so a
 * training step that allocates the same activations and gradients again
 * faults in and zeroes every page of them anew (a fifth of a keypoint step). */
static inline void ainb_keep_freed_blocks(void) {
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

/* Give the heap's free memory back to the system (after training). */
static inline void ainb_release_freed_blocks(void) { malloc_trim(0); }
#else
static inline void ainb_keep_freed_blocks(void) {}
static inline void ainb_release_freed_blocks(void) {}
#endif

#endif
