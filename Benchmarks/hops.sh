#!/usr/bin/env bash
# Where a loopback round trip goes: each contender's ping-pong under `perf` syscall
# tracepoints, read by Scripts/hop_latency.py into hops (a datagram sent, to the moment the
# thread that reads it returns from its sleep, split by whether that thread woke on the
# sender's CPU or on the other one) and turns (from a thread's wake to the last datagram it
# sends before it sleeps again). A round trip is two hops and two turns. On a virtual machine
# whose idle CPUs halt at once, waking a thread on an idle CPU costs tens of microseconds;
# handing the sender's own CPU to it, a few.
#
#   Benchmarks/hops.sh [contender…]      # default: udp enet netplay netplay-executor netplay-game-thread
#
# Needs `perf` (Debian: linux-perf; Ubuntu: linux-tools-$(uname -r)), python3, and the right to
# record syscall tracepoints: root, or perf_event_paranoid ≤ 1 with read access to tracefs.
# x86-64 only (arm64 has no `poll` or `epoll_wait` system call to trace). Tracing adds a few
# microseconds to every traced call: compare contenders within one run, not with the
# untraced round trips of run.sh. A hop starts at the first datagram of a turn, so ENet's,
# whose turn sends an acknowledgement before the reply, include the gap between the two.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
contenders=("$@")
if [ ${#contenders[@]} -eq 0 ]; then
    contenders=(udp enet netplay netplay-executor netplay-game-thread)
fi
roundTrips="${NETPLAY_HOPS_ROUND_TRIPS:-3000}"
for tool in perf python3; do
    if ! command -v "$tool" >/dev/null; then
        echo "$tool is not installed" >&2
        exit 1
    fi
done
swift build -c release --manifest-cache none --package-path "$here" --product netplay-bench >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

events=syscalls:sys_enter_sendto,syscalls:sys_enter_sendmsg,syscalls:sys_enter_sendmmsg
for call in ppoll poll epoll_wait recvfrom; do
    events+=",syscalls:sys_enter_$call,syscalls:sys_exit_$call"
done

python3 "$here/Scripts/hop_latency.py" --header
for contender in "${contenders[@]}"; do
    if ! perf record --quiet -e "$events" -o "$work/perf.data" \
        "$here/.build/release/netplay-bench" pingpong "$contender" "$roundTrips" >"$work/out" 2>"$work/err" \
        || ! grep -q '^delivered' "$work/out"; then
        echo "$contender: the traced run failed: $(cat "$work/out" "$work/err" | tail -n 3)" >&2
        continue
    fi
    perf script -i "$work/perf.data" -F tid,cpu,time,event,trace 2>/dev/null \
        | python3 "$here/Scripts/hop_latency.py" "$contender"
done
