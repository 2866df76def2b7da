// Counts heap allocations made by the calling thread, for the allocation regression tests.
//
// On Linux (glibc) this target defines malloc and its siblings, which the dynamic linker then
// prefers over libc's for the whole test process (ELF symbol interposition); each forwards to
// glibc's own entry point (`__libc_malloc` …) after counting. Counting is per thread and off
// until a thread asks for it, so the event-loop threads of other tests never add to a count.
// Elsewhere nothing is interposed and `netplay_allocation_counting_available` says so.
#ifndef NETPLAY_ALLOCATION_COUNTER_H
#define NETPLAY_ALLOCATION_COUNTER_H

#include <stdint.h>

/// 1 where allocations can be counted (Linux with glibc), else 0.
int netplay_allocation_counting_available(void);

/// Starts counting this thread's allocations from zero.
void netplay_allocation_counting_start(void);

/// Stops counting on this thread and returns the allocations made since the start.
int64_t netplay_allocation_counting_stop(void);

/// Counts again after a stop, keeping the totals (to count one party's share of a conversation).
void netplay_allocation_counting_resume(void);

/// Starts keeping a table of the blocks this thread allocates while counting, until they are
/// freed on this thread (whether counting or not): the heap the counted code holds on to.
/// One thread at a time.
void netplay_footprint_start(void);

/// Heap bytes (glibc's usable size plus its size word) of the blocks kept and not yet freed;
/// -1 if more blocks were live than the table holds (32,768).
int64_t netplay_footprint_bytes(void);

/// Stops keeping the table (its figure stays readable).
void netplay_footprint_stop(void);

#endif
