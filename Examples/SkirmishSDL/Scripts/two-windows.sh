#!/bin/sh
# Checks that a host's and a joiner's windows open apart on one screen (the host's at the
# left, the joiner's at the right): two bot players in skirmish-sdl windows on a virtual
# 1600 × 900 X display, over loopback only. Reads each window's position back from the X
# server, fails if there are not two windows at two different places, and saves the whole
# screen as PNG for a person to look at (the "you" label, both players).
#
# Needs: libsdl2-dev, xvfb, x11-utils (xwininfo), x11-apps (xwd), imagemagick (convert).
# Usage: Scripts/two-windows.sh [OUT.png] [SECONDS]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-two-windows.png}
# Long enough to join, fill the jitter buffer and see wave 1's creeps walk in.
seconds=${2:-8}
display=:${SKIRMISH_SDL_DISPLAY:-98}
screen=1600x900x24

swift build --package-path "$here"
bin=$(swift build --package-path "$here" --show-bin-path)/skirmish-sdl
work=$(mktemp -d)

Xvfb "$display" -screen 0 "$screen" >"$work/xvfb.log" 2>&1 &
xvfb=$!
host=""
joiner=""
cleanup() {
    # SIGTERM is the windows' quit event: each leaves the way a player would.
    for pid in $joiner $host; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    kill "$xvfb" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
sleep 1

DISPLAY=$display "$bin" host --discovery loopback --port 0 --bot >"$work/host.log" 2>&1 &
host=$!
sleep 2
DISPLAY=$display "$bin" join --discovery loopback --bot >"$work/join.log" 2>&1 &
joiner=$!
sleep "$seconds"

# Each Skirmish window's absolute top-left corner, as the X server has it.
xwininfo -display "$display" -root -tree | grep '"Skirmish"' | awk '{print $NF}' | sort -u >"$work/corners"
echo "Skirmish windows' top-left corners (x, y on the screen):"
cat "$work/corners"
xwd -display "$display" -root -silent | convert xwd:- "$out"
echo "Wrote $out"
if [ "$(wc -l <"$work/corners")" -ne 2 ]; then
    echo "FAIL: expected two Skirmish windows at two different places" >&2
    cat "$work/host.log" "$work/join.log" >&2
    exit 1
fi
