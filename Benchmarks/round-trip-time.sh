#!/usr/bin/env bash
# Where a loopback round trip's time goes, per contender: user and system time and the
# system calls, each per round trip. Each contender's ping-pong (`netplay-bench pingpong`) runs
# twice, with a short and a long count, and the difference over the extra round trips is what
# one round trip costs (process start, connection and close cancel out). With `strace`
# installed, one more run counts the system calls a round trip.
#
#   Benchmarks/round-trip-time.sh <netplay-bench> [contender…]   # default: netplay-game-thread enet
#
# Needs GNU time (`/usr/bin/time`, Debian package `time`); `strace` is optional. The two runs
# of a pair are timed back to back; on a busy machine run it twice and compare the pairs. See
# `hops.sh` for where the round trip waits between the threads.
set -euo pipefail

binary="$1"
shift
contenders=("$@")
if [ ${#contenders[@]} -eq 0 ]; then
    contenders=(netplay-game-thread enet)
fi
short="${NETPLAY_RTT_SHORT:-5000}"
long="${NETPLAY_RTT_LONG:-45000}"
if [ ! -x /usr/bin/time ]; then
    echo "GNU time is not installed (apt-get install time)" >&2
    exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Runs `command…`, one ping-pong run of `contender` for `count` round trips; fails, saying
# why, unless it completed them all. Called in `$(…)`, where `set -e` does not reach: its
# failure is the assignment's, which stops the script.
completes() {
    local contender="$1" count="$2"
    shift 2
    if ! "$@" >"$work/out" || ! grep -q "^delivered $count\$" "$work/out"; then
        echo "$contender: $(cat "$work/out")" >&2
        return 1
    fi
}

# Prints "elapsed user system" in seconds for one run of `count` round trips.
timed() {
    completes "$1" "$2" /usr/bin/time -o "$work/time" -f "%e %U %S" "$binary" pingpong "$1" "$2" || return 1
    cat "$work/time"
}

# Prints the system calls one run of `count` round trips made (`strace -c`'s total line: the
# calls are its fourth field).
traced_calls() {
    completes "$1" "$2" strace -f -c -o "$work/strace" "$binary" pingpong "$1" "$2" || return 1
    awk '$NF == "total" { print $4 }' "$work/strace"
}

printf "%-22s %14s %14s %14s %16s\n" contender "elapsed µs/RT" "user µs/RT" "system µs/RT" "syscalls/RT"
for contender in "${contenders[@]}"; do
    first="$(timed "$contender" "$short")"
    second="$(timed "$contender" "$long")"
    read -r e1 u1 s1 <<<"$first"
    read -r e2 u2 s2 <<<"$second"
    calls="-"
    if command -v strace >/dev/null; then
        # The same difference, over fewer round trips: tracing slows every call.
        c1="$(traced_calls "$contender" 2000)"
        c2="$(traced_calls "$contender" 6000)"
        calls="$(awk -v a="$c1" -v b="$c2" 'BEGIN { printf "%.1f", (b - a) / 4000 }')"
    fi
    awk -v c="$contender" -v n=$((long - short)) -v e1="$e1" -v e2="$e2" -v u1="$u1" -v u2="$u2" \
        -v s1="$s1" -v s2="$s2" -v calls="$calls" 'BEGIN {
            printf "%-22s %14.1f %14.1f %14.1f %16s\n", c, (e2 - e1) * 1e6 / n, (u2 - u1) * 1e6 / n,
                (s2 - s1) * 1e6 / n, calls
        }'
done
