#!/usr/bin/env bash
# Instructions per delivered message, Netplay and ENet, under `valgrind --tool=callgrind`:
# a figure that repeats on a busy machine, where wall-clock rates do not. Also instructions
# per ping-pong round trip, for each way Netplay can take events (what the wall-clock round
# trip cannot show on a shared machine: whether a change made the path longer or shorter).
# Callgrind counts user-space instructions only: a thread wake-up saved costs time, not
# instructions, so the network-executor front's gain over the pool does not show here. Run by
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
# Sessions never spin before they sleep (`NetOptions.spinBeforeSleeping`): a spin's looks are
# time spent waiting, not work a message needs, and how many there are follows the timing, so
# the counts would no longer repeat.
export NETPLAY_BENCH_SPIN_US="${NETPLAY_BENCH_SPIN_US:-0}"
contenders="${NETPLAY_INSTRUCTIONS_CONTENDERS:-netplay enet}"
roundTrips="${NETPLAY_INSTRUCTIONS_ROUND_TRIPS:-1000}"
roundTripContenders="${NETPLAY_INSTRUCTIONS_RTT_CONTENDERS:-netplay netplay-executor netplay-game-thread enet}"

if ! command -v valgrind >/dev/null; then
    echo "valgrind is not installed (apt-get install valgrind)" >&2
    exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# valgrind 3.19 cannot read DWARF 5 (what Swift 6 emits): measure a copy without debug info.
cp "$binary" "$work/netplay-bench"
objcopy --strip-debug "$work/netplay-bench"

# Prints "<instructions> <delivered>" for one stream run (or ping-pong run: "round-trip").
measure() {
    local contender="$1" delivery="$2" count="$3" log="$work/log" out
    local run=(stream "$contender" "$delivery" "$count")
    if [ "$delivery" = round-trip ]; then run=(pingpong "$contender" "$count"); fi
    out="$(valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.%p" --log-file="$log" \
        "$work/netplay-bench" "${run[@]}")"
    local delivered instructions
    delivered="$(printf '%s\n' "$out" | awk '/^delivered/ { print $2 }')"
    instructions="$(awk '/Collected :/ { print $NF }' "$log" | tail -n 1)"
    if [ -z "$delivered" ] || [ -z "$instructions" ]; then
        echo "$delivery $contender $count failed: $out" >&2
        return 1
    fi
    echo "$instructions $delivered"
}

echo "== Instructions per delivered message (callgrind; N = $messages and 2N, every thread)"
printf '%-18s %-20s %16s %12s\n' run contender 'instructions/each' delivered
declare -A perMessage
for delivery in reliable-ordered unreliable round-trip; do
    list="$contenders"
    count="$messages"
    if [ "$delivery" = round-trip ]; then list="$roundTripContenders"; count="$roundTrips"; fi
    for contender in $list; do
        # A stream can fail under valgrind's slowdown (ENet's reliable window has stalled at
        # 1,024 of 8,000 once): try each run twice, and skip the row rather than print a
        # figure made of a missing one.
        read -r i1 d1 <<<"$(measure "$contender" "$delivery" "$count" || measure "$contender" "$delivery" "$count" || true)"
        read -r i2 d2 <<<"$(measure "$contender" "$delivery" "$((2 * count))" || measure "$contender" "$delivery" "$((2 * count))" || true)"
        if [ -z "${d1:-}" ] || [ -z "${d2:-}" ]; then
            echo "$contender $delivery: the run failed twice under callgrind; no figure" >&2
            continue
        fi
        if [ "$d2" -le "$d1" ]; then
            echo "$contender $delivery: no more delivered with 2N ($d1, $d2)" >&2
            continue
        fi
        value=$(( (i2 - i1) / (d2 - d1) ))
        perMessage["$delivery/$contender"]=$value
        printf '%-18s %-20s %16d %12s\n' "$delivery" "$contender" "$value" "$d1/$d2"
    done
done
for row in reliable-ordered/netplay unreliable/netplay round-trip/netplay round-trip/netplay-executor \
    round-trip/netplay-game-thread; do
    delivery="${row%%/*}"
    netplay="${perMessage[$row]:-}"
    enet="${perMessage[$delivery/enet]:-}"
    unit="delivered message"
    if [ "$delivery" = round-trip ]; then unit="round trip"; fi
    if [ -n "$netplay" ] && [ -n "$enet" ] && [ "$enet" -gt 0 ]; then
        awk -v n="$netplay" -v e="$enet" -v r="$row" -v u="$unit" \
            'BEGIN { printf "%s: Netplay / ENet = %.2fx instructions per %s\n", r, n / e, u }'
    fi
done
