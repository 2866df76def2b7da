#include "AllocationCounter.h"

#if defined(__linux__) && defined(__GLIBC__)
#include <errno.h>
#include <malloc.h>
#include <stddef.h>

// glibc's own allocator entry points, which stay reachable under these names whatever
// interposes `malloc`.
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *pointer);

// initial-exec: the variables live in the executable's static TLS block, so reading them
// never calls into the dynamic linker (which could allocate, and recurse into malloc).
static __thread int counting __attribute__((tls_model("initial-exec")));
static __thread int64_t allocations __attribute__((tls_model("initial-exec")));
/// Whether this thread's allocations are kept in the footprint table.
static __thread int keeping __attribute__((tls_model("initial-exec")));

// The footprint table: the blocks allocated on the keeping thread and not yet freed, with
// their sizes. Open addressing with linear probing and backward-shift deletion (no
// tombstones, so a long run of allocations and frees never slows lookups). One thread keeps
// at a time; the test that keeps runs alone on its thread.
#define FOOTPRINT_SLOTS (1 << 16)
struct KeptBlock { void *pointer; int64_t bytes; };
static struct KeptBlock kept[FOOTPRINT_SLOTS];
static int64_t keptBytes;
static int64_t keptCount;
static int keptOverflow;

static inline size_t keptSlot(void *pointer) {
    return (size_t)(((uintptr_t)pointer >> 4) * 0x9E3779B97F4A7C15ull >> 48) & (FOOTPRINT_SLOTS - 1);
}

/// The heap a block occupies: what it can hold plus glibc's size word in front of it.
static inline int64_t footprint(void *pointer) { return (int64_t)(malloc_usable_size(pointer) + sizeof(size_t)); }

static void keep(void *pointer) {
    if (pointer == NULL) return;
    if (keptCount >= FOOTPRINT_SLOTS / 2) { keptOverflow = 1; return; }
    size_t slot = keptSlot(pointer);
    while (kept[slot].pointer != NULL) slot = (slot + 1) & (FOOTPRINT_SLOTS - 1);
    kept[slot].pointer = pointer;
    kept[slot].bytes = footprint(pointer);
    keptBytes += kept[slot].bytes;
    keptCount += 1;
}

static void release(void *pointer) {
    if (pointer == NULL || keptCount == 0) return;
    size_t slot = keptSlot(pointer);
    while (kept[slot].pointer != pointer) {
        if (kept[slot].pointer == NULL) return;  // not kept
        slot = (slot + 1) & (FOOTPRINT_SLOTS - 1);
    }
    keptBytes -= kept[slot].bytes;
    keptCount -= 1;
    // Backward-shift deletion: pull later entries of the probe run into the hole.
    size_t hole = slot;
    for (size_t next = (hole + 1) & (FOOTPRINT_SLOTS - 1); kept[next].pointer != NULL;
         next = (next + 1) & (FOOTPRINT_SLOTS - 1)) {
        size_t home = keptSlot(kept[next].pointer);
        // Move it unless its home lies cyclically in (hole, next].
        int homeBetween = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
        if (!homeBetween) {
            kept[hole] = kept[next];
            hole = next;
        }
    }
    kept[hole].pointer = NULL;
}

static inline void *count(void *pointer) {
    if (counting) allocations += 1;
    if (keeping && counting) keep(pointer);
    return pointer;
}

void *malloc(size_t size) { return count(__libc_malloc(size)); }

void *calloc(size_t count_, size_t size) { return count(__libc_calloc(count_, size)); }

void *realloc(void *pointer, size_t size) {
    if (keeping) release(pointer);
    return count(__libc_realloc(pointer, size));
}

void *memalign(size_t alignment, size_t size) { return count(__libc_memalign(alignment, size)); }

void *aligned_alloc(size_t alignment, size_t size) { return count(__libc_memalign(alignment, size)); }

void free(void *pointer) {
    if (keeping) release(pointer);
    __libc_free(pointer);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    // POSIX: a power of two that is a multiple of sizeof(void *).
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *pointer = count(__libc_memalign(alignment, size));
    if (pointer == NULL && size != 0) return ENOMEM;
    *result = pointer;
    return 0;
}

int netplay_allocation_counting_available(void) { return 1; }

void netplay_allocation_counting_start(void) {
    allocations = 0;
    counting = 1;
}

void netplay_allocation_counting_resume(void) { counting = 1; }

void netplay_footprint_start(void) {
    for (size_t slot = 0; slot < FOOTPRINT_SLOTS; slot++) kept[slot].pointer = NULL;
    keptBytes = 0;
    keptCount = 0;
    keptOverflow = 0;
    keeping = 1;
}

int64_t netplay_footprint_bytes(void) { return keptOverflow ? -1 : keptBytes; }

void netplay_footprint_stop(void) { keeping = 0; }

int64_t netplay_allocation_counting_stop(void) {
    counting = 0;
    return allocations;
}

#else

int netplay_allocation_counting_available(void) { return 0; }
void netplay_allocation_counting_start(void) {}
int64_t netplay_allocation_counting_stop(void) { return 0; }
void netplay_allocation_counting_resume(void) {}
void netplay_footprint_start(void) {}
int64_t netplay_footprint_bytes(void) { return 0; }
void netplay_footprint_stop(void) {}

#endif
