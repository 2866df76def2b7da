#!/usr/bin/env bash
# Where a loopback round trip goes: each one-way hop of a ping-pong, from a thread's send to
# the moment the thread that receives it returns from its sleep (`ppoll`, `poll`, `epoll_wait`
# or a blocking `recvfrom`), split by whether that thread woke on the sender's CPU or on the
# other one; and each side's turn, from that wake to the next datagram it sends (the reply,
# with whatever hand-offs to other threads it took). On a virtual machine whose idle CPUs halt
# at once, waking a thread on an idle CPU costs tens of microseconds; handing the sender's own
# CPU to it, a few. A round trip is two hops and two turns.
#
#   Benchmarks/hops.sh [contender…]      # default: udp enet netplay netplay-executor netplay-game-thread
#
# Needs `perf` and permission to record syscall tracepoints (root, or perf_event_paranoid ≤ 1).
# Tracing adds a few microseconds to every traced system call: compare contenders within one
# run, not with the untraced round trips of run.sh.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
contenders=("$@")
if [ ${#contenders[@]} -eq 0 ]; then
    contenders=(udp enet netplay netplay-executor netplay-game-thread)
fi
roundTrips="${NETPLAY_HOPS_ROUND_TRIPS:-3000}"
if ! command -v perf >/dev/null; then
    echo "perf is not installed (apt-get install linux-perf)" >&2
    exit 1
fi
swift build -c release --manifest-cache none --package-path "$here" --product netplay-bench >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

events=syscalls:sys_enter_sendto,syscalls:sys_enter_sendmsg,syscalls:sys_enter_sendmmsg
events+=,syscalls:sys_exit_ppoll,syscalls:sys_exit_poll,syscalls:sys_exit_epoll_wait,syscalls:sys_exit_recvfrom

printf '%-22s %-10s %7s %12s %12s\n' contender 'hop/turn' count 'median µs' 'p90 µs'
for contender in "${contenders[@]}"; do
    perf record --quiet -e "$events" -o "$work/perf.data" \
        "$here/.build/release/netplay-bench" pingpong "$contender" "$roundTrips" >/dev/null 2>&1
    perf script -i "$work/perf.data" -F tid,cpu,time,event 2>/dev/null | python3 -c '
import statistics, sys
contender = sys.argv[1]
last_send = None
hops = {"same CPU": [], "other CPU": []}
turns = []
woke = None  # (tid, time) of the receiver of the last hop, until it sends
for line in sys.stdin:
    fields = line.split()
    if len(fields) < 4:
        continue
    tid, cpu, time, event = fields[0], fields[1], float(fields[2].rstrip(":")), fields[3]
    if "sys_enter_send" in event:
        if woke and woke[0] == tid:
            turns.append((time - woke[1]) * 1e6)
            woke = None
        # From the first datagram of a burst: ENet sends an acknowledgement and the reply in
        # two, and its peer wakes for the first.
        if last_send is None:
            last_send = (tid, cpu, time)
    elif "sys_exit_" in event and last_send and tid != last_send[0]:
        # The first thread to return from its sleep after the send, other than the sender.
        hops["same CPU" if cpu == last_send[1] else "other CPU"].append((time - last_send[2]) * 1e6)
        last_send = None
        woke = (tid, time)
for where, values in list(hops.items()) + [("turn", turns)]:
    if values:
        values.sort()
        print("%-22s %-10s %7d %12.1f %12.1f" % (
            contender, where, len(values), statistics.median(values), values[int(len(values) * 0.9)]))
' "$contender"
done
