"""Draws the extension icon (128x128 PNG) with the standard library only: zlib and struct.

A rounded dark-blue square, a yellow TOML-style bracket pair `[ ]` and a check mark.
Usage: python3 scripts/make-icon.py images/icon.png
"""

import struct
import sys
import zlib

SIZE = 128
BG = (31, 64, 104)  # Python blue, darkened
FG = (255, 212, 59)  # Python yellow
CHECK = (120, 220, 140)


def inside_rounded_square(x: float, y: float, r: float = 22.0) -> bool:
    lo, hi = r, SIZE - 1 - r
    cx = min(max(x, lo), hi)
    cy = min(max(y, lo), hi)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def on_segment(px, py, ax, ay, bx, by, width):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    qx, qy = ax + t * dx, ay + t * dy
    return (px - qx) ** 2 + (py - qy) ** 2 <= (width / 2) ** 2


def pixel(x: int, y: int):
    if not inside_rounded_square(x, y):
        return (0, 0, 0, 0)
    # Brackets: vertical bars with short serifs, at x=26 and x=101.
    for bar, serif in ((26, 1), (101, -1)):
        if on_segment(x, y, bar, 28, bar, 99, 9):
            return FG + (255,)
        for yy in (28, 99):
            if on_segment(x, y, bar, yy, bar + serif * 16, yy, 9):
                return FG + (255,)
    # Check mark in the middle.
    if on_segment(x, y, 42, 66, 58, 82, 11) or on_segment(x, y, 58, 82, 88, 44, 11):
        return CHECK + (255,)
    return BG + (255,)


def png(width: int, height: int, rows) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(v for px in row for v in px) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else "images/icon.png"
    rows = [[pixel(x, y) for x in range(SIZE)] for y in range(SIZE)]
    with open(out, "wb") as f:
        f.write(png(SIZE, SIZE, rows))


if __name__ == "__main__":
    main()
