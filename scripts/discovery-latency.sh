#!/bin/sh
# Time from `netplay discover` start to the game listed, on each link type discovery must
# handle, in network namespaces this script creates and deletes (root only).
#
#   sudo scripts/discovery-latency.sh [.build/debug/netplay] [runs]
#
# For each link: the median of `foundAfterMs` (measured inside the tool from the start of the
# command) and of the wall time from exec to the line (process start included), over RUNS runs.
set -eu
NETPLAY=${1:-.build/debug/netplay}
RUNS=${2:-20}
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)"; exit 1; }
NETPLAY=$(realpath "$NETPLAY")
TAG=npl$$
HOSTPID=""

cleanup() {
    [ -n "$HOSTPID" ] && kill "$HOSTPID" 2>/dev/null && wait "$HOSTPID" 2>/dev/null || true
    for ns in ${TAG}h ${TAG}c0 ${TAG}c1; do ip netns delete "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

# setup LINK: subnet | default | linklocal | twosubnets | ipv6
setup() {
    cleanup
    links=1; [ "$1" = twosubnets ] && links=2
    clients=""
    for ns in ${TAG}h $(seq -f "${TAG}c%g" 0 $((links - 1))); do
        ip netns add "$ns"
        ip -n "$ns" link set lo up
        if [ "$1" = ipv6 ]; then
            ip netns exec "$ns" sh -c 'echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad'
        else
            ip netns exec "$ns" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6'
        fi
    done
    for link in $(seq 0 $((links - 1))); do
        ip link add ${TAG}h$link type veth peer name ${TAG}c${link}v
        ip link set ${TAG}h$link netns ${TAG}h
        ip link set ${TAG}c${link}v netns ${TAG}c$link
        for end in 1 2; do
            if [ $end = 1 ]; then ns=${TAG}h; dev=${TAG}h$link; else ns=${TAG}c$link; dev=${TAG}c${link}v; fi
            case $1 in
                subnet|default|twosubnets) ip -n $ns addr add 10.77.$link.$end/24 dev $dev ;;
                linklocal) ip -n $ns addr add 169.254.77.$end/16 dev $dev ;;
            esac
            ip -n $ns link set $dev up
            [ "$1" = default ] && ip -n $ns route add default dev $dev
        done
        clients="$clients ${TAG}c$link"
    done
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

for kind in ${LINKS:-subnet default linklocal twosubnets ipv6}; do
    setup $kind
    ip netns exec ${TAG}h "$NETPLAY" host --game latency --duration 600 --stats-interval 0 >/dev/null 2>&1 &
    HOSTPID=$!
    sleep 1
    for client in $clients; do
        inner=""; outer=""; misses=0
        for _ in $(seq "$RUNS"); do
            sleep "${PAUSE:-0}"
            start=$(date +%s%N)
            line=$(ip netns exec "$client" "$NETPLAY" discover --game latency --first --json --timeout 2 2>/dev/null || true)
            end=$(date +%s%N)
            ms=$(echo "$line" | sed -n 's/.*"foundAfterMs":\([0-9.]*\).*/\1/p')
            if [ -z "$ms" ]; then misses=$((misses + 1)); continue; fi
            inner="$inner $ms"
            outer="$outer $(( (end - start) / 1000000 ))"
        done
        printf '%-10s %-8s in-tool median %6s ms  wall median %5s ms  (%s runs, %s not found)\n' \
            "$kind" "${client#$TAG}" "$(echo $inner | tr ' ' '\n' | median)" \
            "$(echo $outer | tr ' ' '\n' | median)" "$RUNS" "$misses"
    done
    kill "$HOSTPID"; wait "$HOSTPID" 2>/dev/null || true; HOSTPID=""
done
