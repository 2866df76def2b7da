#!/usr/bin/env python3
"""Hops and turns of a ping-pong, from `perf script -F tid,cpu,time,event,trace` on stdin.

Run by `Benchmarks/hops.sh` (which records the trace); `hop_latency.py --header` prints the
table's header. The trace holds the process's send calls, and the entries to and exits from
the calls its threads sleep in (`ppoll`, `poll`, `epoll_wait`, a blocking `recvfrom`).

- A hop runs from the first datagram a turn sends to the moment another thread returns from
  its sleep with something to read (a return value above zero: a sleep that timed out, or a
  read that found nothing, wakes nobody). It is split by whether that thread woke on the
  sender's CPU or on the other one.
- A turn runs from a thread's wake to the last datagram it sends before it sleeps again:
  ENet acknowledges a packet in a datagram of its own before the game's reply, so the turn
  ends at the reply, not at the acknowledgement. A turn the thread sleeps in (waiting for a
  hand-off to another thread to come back) or whose reply another thread sends is not
  counted: the table shows it by counting fewer turns than hops.

A round trip is two hops and two turns.
"""

import statistics
import sys

SLEEP_CALLS = ("ppoll", "poll", "epoll_wait", "recvfrom")


def syscall(event, prefix):
    """The system call a `syscalls:sys_enter_…` or `sys_exit_…` event names, else None."""
    marker = "syscalls:" + prefix
    if not event.startswith(marker):
        return None
    return event[len(marker):].rstrip(":")


def returned_something(fields):
    """Whether an exit event's return value (its last field, in hex) is above zero."""
    try:
        value = int(fields[-1], 16)
    except ValueError:
        return False
    return 0 < value < 1 << 63


def main():
    if sys.argv[1:] == ["--header"]:
        print("%-22s %-10s %7s %12s %12s" % ("contender", "hop/turn", "count", "median us", "p90 us"))
        return
    contender = sys.argv[1]
    hops = {"same CPU": [], "other CPU": []}
    turns = []
    first_send = None  # (tid, cpu, time) of the first datagram of the turn now running
    turn = {}  # tid -> [woke at, last send or None] while that thread's turn runs
    for line in sys.stdin:
        fields = line.split()
        if len(fields) < 4:
            continue
        tid, cpu, time, event = fields[0], fields[1], float(fields[2].rstrip(":")), fields[3]
        entered = syscall(event, "sys_enter_")
        exited = syscall(event, "sys_exit_")
        if entered and entered.startswith("send"):
            if first_send is None:
                first_send = (tid, cpu, time)
            if tid in turn:
                turn[tid][1] = time
        elif entered in SLEEP_CALLS:
            woke, last_send = turn.pop(tid, (None, None))
            if woke is not None and last_send is not None:
                turns.append((last_send - woke) * 1e6)
        elif exited in SLEEP_CALLS and returned_something(fields):
            if first_send and tid != first_send[0]:
                where = "same CPU" if cpu == first_send[1] else "other CPU"
                hops[where].append((time - first_send[2]) * 1e6)
                first_send = None
                turn[tid] = [time, None]
    rows = list(hops.items()) + [("turn", turns)]
    for name, values in rows:
        if not values:
            continue
        values.sort()
        print("%-22s %-10s %7d %12.1f %12.1f" % (
            contender, name, len(values), statistics.median(values), values[int(len(values) * 0.9)]))


if __name__ == "__main__":
    main()
