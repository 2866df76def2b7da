#!/usr/bin/env bash
# Instructions per delivered message, Netplay and ENet, under `valgrind --tool=callgrind`:
# a figure that repeats on a busy machine, where wall-clock rates do not. Run by
# `run.sh --instructions` after the release build; `instructions.sh <netplay-bench binary>`.
#
# Each stream runs twice, with N and 2N messages; (instructions(2N) − instructions(N)) /
# (delivered(2N) − delivered(N)) cancels what does not grow with the message count (process
# start, handshake, teardown). Every thread of the process is counted.
set -euo pipefail

binary="$1"
# N: small enough that a run takes seconds under valgrind, large enough that the fixed costs
# cancel cleanly.
messages="${NETPLAY_INSTRUCTIONS_MESSAGES:-4000}"
# A stream under callgrind runs some 50 times slower than without: allow it.
export NETPLAY_BENCH_RUN_TIMEOUT="${NETPLAY_BENCH_RUN_TIMEOUT:-900}"
contenders="${NETPLAY_INSTRUCTIONS_CONTENDERS:-netplay enet}"

if ! command -v valgrind >/dev/null; then
    echo "valgrind is not installed (apt-get install valgrind)" >&2
    exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# valgrind 3.19 cannot read DWARF 5 (what Swift 6 emits): measure a copy without debug info.
cp "$binary" "$work/netplay-bench"
objcopy --strip-debug "$work/netplay-bench"

# Prints "<instructions> <delivered>" for one stream run.
measure() {
    local contender="$1" delivery="$2" count="$3" log="$work/log" out
    out="$(valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.%p" --log-file="$log" \
        "$work/netplay-bench" stream "$contender" "$delivery" "$count")"
    local delivered instructions
    delivered="$(printf '%s\n' "$out" | awk '/^delivered/ { print $2 }')"
    instructions="$(awk '/Collected :/ { print $NF }' "$log" | tail -n 1)"
    if [ -z "$delivered" ] || [ -z "$instructions" ]; then
        echo "stream $contender $delivery $count failed: $out" >&2
        return 1
    fi
    echo "$instructions $delivered"
}

echo "== Instructions per delivered message (callgrind; N = $messages and 2N, every thread)"
printf '%-18s %-12s %16s %12s\n' stream contender instructions/msg delivered
declare -A perMessage
for delivery in reliable-ordered unreliable; do
    for contender in $contenders; do
        # A stream can fail under valgrind's slowdown (ENet's reliable window has stalled at
        # 1,024 of 8,000 once): try each run twice, and skip the row rather than print a
        # figure made of a missing one.
        read -r i1 d1 <<<"$(measure "$contender" "$delivery" "$messages" || measure "$contender" "$delivery" "$messages" || true)"
        read -r i2 d2 <<<"$(measure "$contender" "$delivery" "$((2 * messages))" || measure "$contender" "$delivery" "$((2 * messages))" || true)"
        if [ -z "${d1:-}" ] || [ -z "${d2:-}" ]; then
            echo "$contender $delivery: the stream failed twice under callgrind; no figure" >&2
            continue
        fi
        if [ "$d2" -le "$d1" ]; then
            echo "$contender $delivery: no more delivered with 2N ($d1, $d2)" >&2
            continue
        fi
        value=$(( (i2 - i1) / (d2 - d1) ))
        perMessage["$delivery/$contender"]=$value
        printf '%-18s %-12s %16d %12s\n' "$delivery" "$contender" "$value" "$d1/$d2"
    done
done
for delivery in reliable-ordered unreliable; do
    netplay="${perMessage[$delivery/netplay]:-}"
    enet="${perMessage[$delivery/enet]:-}"
    if [ -n "$netplay" ] && [ -n "$enet" ] && [ "$enet" -gt 0 ]; then
        awk -v n="$netplay" -v e="$enet" -v d="$delivery" \
            'BEGIN { printf "%s: Netplay / ENet = %.2fx instructions per delivered message\n", d, n / e }'
    fi
done
