#!/usr/bin/env bash
# Host instructions per received input, figure 5's host child under `valgrind --tool=callgrind`:
# a figure that repeats on a busy machine, where "% of a core" does not.
#
#   Benchmarks/host-instructions.sh <netplay-bench> [contender] [clients] [host binary]
#
# The parent (first binary) drives the clients; the host child (the same binary, or another
# build's, to compare) runs under callgrind. Once the child has reported, the parent holds the
# load for a while (NETPLAY_BENCH_LOAD_HOLD_SECONDS); the counters are zeroed a second into that
# window and dumped a second before its end, so start-up, handshakes and close are not counted.
# SwiftNIO reads = calls of the driver's `UDPDatagramHandler.channelRead` in that window,
# printed for a host child built before the twenty-sixth stop of the fast path, whose network
# thread was SwiftNIO's (none since); every contender's figure is divided by the inputs the clients sent
# (clients × 60 Hz × window), which the host receives all of while it keeps up.
#
# Caveat (measured on a shared 2-core machine): under callgrind the host runs some 50 times
# slower, so with many clients it falls behind and reads in larger bursts, which changes the
# work per datagram; and valgrind's start-up can exceed the parent's 10 s wait for the port
# line. Runs of the same build differed by 2–3x there: use few clients (8–16), an idle machine,
# and check the receive rate against the clients' before trusting a figure.
set -euo pipefail
parent="$1"
contender="${2:-netplay}"
clients="${3:-16}"
child="${4:-$parent}"
hold="${NETPLAY_BENCH_LOAD_HOLD_SECONDS:-8}"
work="$(mktemp -d)"
trap '[ -n "${NETPLAY_KEEP_CALLGRIND:-}" ] && cp "$work"/callgrind.out.* "$NETPLAY_KEEP_CALLGRIND"/ 2>/dev/null; rm -rf "$work"' EXIT
# valgrind 3.19 cannot read DWARF 5 (what Swift 6 emits): measure a copy without debug info.
cp "$child" "$work/child"
objcopy --strip-debug "$work/child"
export NETPLAY_BENCH_RUN_TIMEOUT=300
# Sessions never spin before they sleep (`NetOptions.spinBeforeSleeping`): a spin's looks are
# time spent waiting, not work a message needs, and how many there are follows the timing, so
# the counts would no longer repeat.
export NETPLAY_BENCH_SPIN_US="${NETPLAY_BENCH_SPIN_US:-0}"
export NETPLAY_BENCH_LOAD_CLIENTS="$clients"
export NETPLAY_BENCH_LOAD_HOLD_SECONDS="$hold"
export NETPLAY_BENCH_HOST_BINARY="$work/child"
export NETPLAY_BENCH_HOST_WRAPPER="valgrind --tool=callgrind --callgrind-out-file=$work/callgrind.out --log-file=$work/valgrind.log"
"$parent" --runs 1 --only cpu --contenders "$contender" >"$work/parent.out" 2>"$work/parent.err" &
parentPID=$!
while ! grep -q "holding load" "$work/parent.err" 2>/dev/null; do
    if ! kill -0 "$parentPID" 2>/dev/null; then
        echo "parent ended before holding the load:" >&2
        cat "$work/parent.out" "$work/parent.err" >&2
        exit 1
    fi
    sleep 0.2
done
childPID="$(pgrep -P "$parentPID" | head -n 1)"
sleep 1
callgrind_control --zero "$childPID" >/dev/null
start=$(date +%s.%N)
sleep "$((hold - 2))"
callgrind_control --dump "$childPID" >/dev/null
end=$(date +%s.%N)
wait "$parentPID" || true
dump="$(ls "$work"/callgrind.out.* | head -n 1)"
python3 - "$dump" "$contender" "$clients" "$start" "$end" <<'PY'
import re, sys
path, contender, clients, start, end = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
total = 0
calls = 0
names = {}
target = None
with open(path) as f:
    lines = f.read().splitlines()
for line in lines:
    if line.startswith("summary:") or line.startswith("totals:"):
        total = int(line.split()[1])
# Calls to the host's receive entry point: `calls=` lines under a cfn= naming it.
pending = None
for line in lines:
    m = re.match(r"c?fn=\((\d+)\)(?: (.*))?", line)
    if m:
        ident, name = m.group(1), m.group(2)
        if name: names[ident] = name
        if line.startswith("cfn="):
            pending = names.get(ident, "")
        continue
    if line.startswith("calls=") and pending is not None:
        # The driver's channelRead: NIO calls it through the handler existential, never inlined.
        if contender == "netplay" and "UDPDatagramHandler" in pending and "channelRead" in pending and "Complete" not in pending:
            calls += int(line.split("=")[1].split()[0])
        pending = None
seconds = end - start
sent = clients * 60 * seconds
print(f"window {seconds:.2f} s, {total} instructions, {total / seconds:,.0f} per second")
if calls:
    # Not datagrams: after SwiftNIO's first two reads of a burst the driver reads the rest itself.
    print(f"SwiftNIO reads: {calls} ({calls / seconds:,.0f}/s; the clients sent about {sent:,.0f} inputs)")
print(f"instructions per input sent (clients x 60 Hz): {total / sent:,.0f}")
PY
