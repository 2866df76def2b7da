#!/usr/bin/env python3
"""Converts the 32-bit BMP `skirmish-sdl --screenshot` writes into a PNG.

Standard library only (zlib), so taking the README's screenshot needs no ImageMagick.
Usage: bmp-to-png.py IN.bmp OUT.png
"""
import struct
import sys
import zlib

# BMP header fields (BITMAPFILEHEADER + BITMAPINFOHEADER offsets, little-endian).
PIXEL_DATA_OFFSET_AT = 10
INFO_HEADER_AT = 18
SDL_BITS_PER_PIXEL = 32  # SDL_SaveBMP keeps the ARGB8888 surface as 32-bit BGRA rows
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_BIT_DEPTH = 8
PNG_COLOUR_TRUECOLOUR = 2
PNG_FILTER_NONE = b"\x00"
ZLIB_BEST = 9


def chunk(kind, payload):
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def convert(bmp):
    (offset,) = struct.unpack_from("<I", bmp, PIXEL_DATA_OFFSET_AT)
    width, height, _planes, bits = struct.unpack_from("<iiHH", bmp, INFO_HEADER_AT)
    if bits != SDL_BITS_PER_PIXEL:
        sys.exit(f"expected a {SDL_BITS_PER_PIXEL}-bit BMP from skirmish-sdl, got {bits}-bit")
    bottom_up = height > 0  # a positive height means rows are stored bottom row first
    height = abs(height)
    stride = width * 4
    rows = []
    for y in range(height):
        source = height - 1 - y if bottom_up else y
        row = bmp[offset + source * stride : offset + (source + 1) * stride]
        rgb = bytearray(PNG_FILTER_NONE)
        for x in range(width):
            blue, green, red = row[4 * x : 4 * x + 3]
            rgb += bytes((red, green, blue))
        rows.append(bytes(rgb))
    header = struct.pack(">IIBBBBB", width, height, PNG_BIT_DEPTH, PNG_COLOUR_TRUECOLOUR, 0, 0, 0)
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), ZLIB_BEST)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: bmp-to-png.py IN.bmp OUT.png")
    with open(sys.argv[1], "rb") as source:
        png = convert(source.read())
    with open(sys.argv[2], "wb") as target:
        target.write(png)
