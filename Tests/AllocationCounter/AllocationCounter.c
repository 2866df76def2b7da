#include "AllocationCounter.h"

#if defined(__linux__) && defined(__GLIBC__)
#include <errno.h>
#include <stddef.h>

// glibc's own allocator entry points, which stay reachable under these names whatever
// interposes `malloc`.
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

// initial-exec: the variables live in the executable's static TLS block, so reading them
// never calls into the dynamic linker (which could allocate, and recurse into malloc).
static __thread int counting __attribute__((tls_model("initial-exec")));
static __thread int64_t allocations __attribute__((tls_model("initial-exec")));

static inline void count(void) {
    if (counting) allocations += 1;
}

void *malloc(size_t size) {
    count();
    return __libc_malloc(size);
}

void *calloc(size_t count_, size_t size) {
    count();
    return __libc_calloc(count_, size);
}

void *realloc(void *pointer, size_t size) {
    count();
    return __libc_realloc(pointer, size);
}

void *memalign(size_t alignment, size_t size) {
    count();
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    count();
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    // POSIX: a power of two that is a multiple of sizeof(void *).
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    count();
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL && size != 0) return ENOMEM;
    *result = pointer;
    return 0;
}

int netplay_allocation_counting_available(void) { return 1; }

void netplay_allocation_counting_start(void) {
    allocations = 0;
    counting = 1;
}

int64_t netplay_allocation_counting_stop(void) {
    counting = 0;
    return allocations;
}

#else

int netplay_allocation_counting_available(void) { return 0; }
void netplay_allocation_counting_start(void) {}
int64_t netplay_allocation_counting_stop(void) { return 0; }

#endif
