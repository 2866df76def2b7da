#!/bin/sh
# Takes the README's screenshot: two bot players, host and joiner, each in its own
# skirmish-sdl window on a virtual X display, over loopback only (nothing leaves 127.0.0.1).
# The joiner's window is saved after SECONDS of play, once enough creeps are on screen, as PNG.
#
# Needs: libsdl2-dev, xvfb, python3.   Usage: Scripts/screenshot.sh [OUT.png] [SECONDS]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/../../docs/skirmish-sdl.png}
# 15 s reaches wave 3 or 4; then the first frame with a crowd of creeps is taken, so the
# picture shows a fight rather than the breather between two waves.
seconds=${2:-15}
creeps=10
display=:${SKIRMISH_SDL_DISPLAY:-99}
# Seconds the joiner may take beyond SECONDS: discovery, connecting, a wave big enough, saving.
join_allowance=60

swift build --package-path "$here"
bin=$(swift build --package-path "$here" --show-bin-path)/skirmish-sdl
work=$(mktemp -d)

Xvfb "$display" -screen 0 1024x768x24 >"$work/xvfb.log" 2>&1 &
xvfb=$!
host=""
cleanup() {
    # SDL turns SIGTERM into the window's quit event, so the host leaves the way a player
    # would, before its display goes away. (Not SIGINT: a script's background jobs ignore it.)
    if [ -n "$host" ]; then kill -TERM "$host" 2>/dev/null || true; wait "$host" || true; fi
    kill "$xvfb" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
sleep 1

DISPLAY=$display "$bin" host --discovery loopback --bot >"$work/host.log" 2>&1 &
host=$!
sleep 2
# A joiner that hangs (no game found, a stuck display) fails the script instead of blocking it.
DISPLAY=$display timeout $((seconds + join_allowance)) "$bin" join --discovery loopback --bot --screenshot "$work/shot.bmp" --after "$seconds" --min-creeps "$creeps"
python3 "$here/Scripts/bmp-to-png.py" "$work/shot.bmp" "$out"
echo "Wrote $out"
