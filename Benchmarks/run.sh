#!/usr/bin/env bash
# Netplay's figures, side by side with raw UDP, ENet and PodSixNet, in one run on this machine.
# Installs what it needs (libenet-dev, PodSixNet), builds in release, runs every figure
# alternately, prints medians and ratios, and writes the README table to Benchmarks/results.md.
#
#   Benchmarks/run.sh                         # everything (about 10 minutes on 2 cores)
#   Benchmarks/run.sh --runs 3 --only rtt,cpu # fewer runs, some figures
#   Benchmarks/run.sh --contenders netplay,enet
#   Benchmarks/run.sh --instructions          # instructions per delivered message, under callgrind
#
# Figure keys: rtt reliable unreliable bulk connect memory cpu. Contenders: netplay udp enet podsixnet.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# ENet from the distribution, as games on Debian/Ubuntu link it.
if [ ! -f /usr/include/enet/enet.h ]; then
    echo "Installing libenet-dev…"
    sudo_if_needed apt-get update
    sudo_if_needed apt-get install -y libenet-dev
fi
# PodSixNet is built on asyncore, which Python 3.12 removed: it needs Python ≤ 3.11.
if ! python3 -c "import PodSixNet" 2>/dev/null; then
    echo "Installing PodSixNet…"
    python3 -m pip install --quiet podsixnet || echo "PodSixNet could not be installed; its rows will show errors."
fi

export NETPLAY_BENCH_SWIFT_VERSION="$(swift --version 2>&1 | head -n 1)"
export NETPLAY_BENCH_SCRIPTS="$here/Scripts"

# --manifest-cache none: the manifest looks at the Netplay checkout (NETPLAY_ROOT) each time.
swift build -c release --manifest-cache none --package-path "$here" --product netplay-bench

if [ "${1:-}" = "--instructions" ]; then
    "$here/instructions.sh" "$here/.build/release/netplay-bench"
    exit 0
fi
"$here/.build/release/netplay-bench" --markdown "$here/results.md" "$@"

# Figure 6, wire: the main package's own measurement (`netplay bench wire`), built from the
# same checkout as a product of the dependency.
echo
echo "== Wire: netplay bench wire"
swift build -c release --manifest-cache none --package-path "$here" --product netplay
"$here/.build/release/netplay" bench wire | tee -a "$here/results.md"

# Figure 6, replication: the standard scene (Netplay deltas against full snapshots and JSON;
# the references have no replication layer), also the main package's own measurement.
echo
echo "== Replication: netplay bench replication"
"$here/.build/release/netplay" bench replication | tee -a "$here/results.md"

echo
echo "Table for README written to $here/results.md"
