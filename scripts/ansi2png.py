#!/usr/bin/env python3
"""Render a terminal screen (ANSI text from `tmux capture-pane -p -e`) to a PNG that looks like a terminal.

    pip install pyte pillow          # fonts: Debian fonts-dejavu-core (DejaVu Sans Mono)
    tmux capture-pane -p -e -N -t SESSION > screen.ans
    python3 scripts/ansi2png.py screen.ans out.png --cols 100 --rows 30

scripts/screenshot.sh runs a program in tmux and does both steps (the usual way in).

or from Python:  ansi_to_png(text, cols, rows, "out.png").
pyte interprets the escape sequences (SGR colours, bold, dim, reverse, 256/truecolour); Pillow draws each cell.
Box-drawing characters (U+2500-U+257F) and block elements are drawn as vector lines, the way terminal emulators do,
so that lines join without gaps whatever the font's line height; everything else comes from DejaVu Sans Mono.
"""
from __future__ import annotations

import argparse
import os
import sys

import pyte
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
# Fallbacks for what DejaVu lacks, used when installed (Debian fonts-noto-cjk, fonts-symbola).
FALLBACK_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
    "/usr/share/fonts/truetype/ancient-scripts/Symbola.ttf",
]

# A dark theme (xterm-like hues, softened). Keys are pyte's colour names.
PALETTE = {
    "black": (0x1d, 0x1f, 0x21), "red": (0xcc, 0x66, 0x66), "green": (0x8c, 0xc0, 0x5a), "brown": (0xe0, 0xb8, 0x4e),
    "blue": (0x5f, 0x8f, 0xd7), "magenta": (0xb2, 0x94, 0xbb), "cyan": (0x5f, 0xc0, 0xc8), "white": (0xc5, 0xc8, 0xc6),
    "brightblack": (0x66, 0x66, 0x66), "brightred": (0xff, 0x55, 0x55), "brightgreen": (0x9e, 0xe0, 0x6e),
    "brightbrown": (0xff, 0xd8, 0x5e), "brightblue": (0x81, 0xa2, 0xbe), "brightmagenta": (0xd0, 0xa0, 0xe0),
    "brightcyan": (0x8a, 0xe0, 0xe8), "brightwhite": (0xff, 0xff, 0xff),
}
DEFAULT_FG, DEFAULT_BG = (0xd8, 0xd8, 0xd8), (0x16, 0x18, 0x1c)


def _color(name: str, default: tuple[int, int, int]) -> tuple[int, int, int]:
    if name == "default":
        return default
    if name in PALETTE:
        return PALETTE[name]
    if len(name) == 6:                       # pyte gives 256-colour / truecolour as "rrggbb"
        try:
            return (int(name[0:2], 16), int(name[2:4], 16), int(name[4:6], 16))
        except ValueError:
            pass
    return default


# Box drawing: for U+2500..U+257F the (left, right, up, down) arms; 1 light, 2 heavy, 3 double.
def _box_table() -> dict[str, tuple[int, int, int, int]]:
    t: dict[str, tuple[int, int, int, int]] = {}
    light = {"─": "lr", "│": "ud", "┌": "rd", "┐": "ld", "└": "ru", "┘": "lu", "├": "udr", "┤": "udl", "┬": "lrd",
             "┴": "lru", "┼": "lrud", "╴": "l", "╵": "u", "╶": "r", "╷": "d", "╭": "rd", "╮": "ld", "╯": "lu", "╰": "ru"}
    for ch, arms in light.items():
        t[ch] = tuple(1 if a in arms else 0 for a in "lrud")  # type: ignore[assignment]
    heavy = {"━": "lr", "┃": "ud", "┏": "rd", "┓": "ld", "┗": "ru", "┛": "lu", "┣": "udr", "┫": "udl", "┳": "lrd",
             "┻": "lru", "╋": "lrud"}
    for ch, arms in heavy.items():
        t[ch] = tuple(2 if a in arms else 0 for a in "lrud")  # type: ignore[assignment]
    double = {"═": "lr", "║": "ud", "╔": "rd", "╗": "ld", "╚": "ru", "╝": "lu", "╠": "udr", "╣": "udl", "╦": "lrd",
              "╩": "lru", "╬": "lrud"}
    for ch, arms in double.items():
        t[ch] = tuple(3 if a in arms else 0 for a in "lrud")  # type: ignore[assignment]
    return t


BOX = _box_table()
DASHED = {"╌": ("h", 2), "╍": ("h", 2), "┄": ("h", 3), "┈": ("h", 4), "╎": ("v", 2), "┆": ("v", 3), "┊": ("v", 4)}
ROUNDED = set("╭╮╯╰")


def _draw_box(d: ImageDraw.ImageDraw, ch: str, x: int, y: int, w: int, h: int, fg) -> bool:
    cx, cy = x + w // 2, y + h // 2
    lw = max(1, round(h / 10))   # ~2 px at 16 px: 1 px lines vanish when a viewer scales the PNG down
    _rect = d.rectangle

    class _D:  # rectangle() that tolerates empty extents
        @staticmethod
        def rectangle(xy, fill):
            x0, y0, x1, y1 = xy
            if x1 >= x0 and y1 >= y0:
                _rect([x0, y0, x1, y1], fill=fill)

        arc = d.arc
    d = _D()  # type: ignore[assignment]
    if ch in DASHED:
        orient, n = DASHED[ch]
        if orient == "h":
            seg = w / n
            for i in range(n):
                d.rectangle([x + i * seg, cy, x + i * seg + seg * 0.6, cy + lw - 1], fill=fg)
        else:
            seg = h / n
            for i in range(n):
                d.rectangle([cx, y + i * seg, cx + lw - 1, y + i * seg + seg * 0.6], fill=fg)
        return True
    if ch not in BOX:
        if ch == "█":
            d.rectangle([x, y, x + w - 1, y + h - 1], fill=fg)
            return True
        return False
    left, right, up, down = BOX[ch]
    if ch in ROUNDED:                        # quarter circle joining the two arms
        r = min(w, h) // 2
        box = {"╭": (cx, cy, cx + 2 * r, cy + 2 * r, 180, 270), "╮": (cx - 2 * r, cy, cx, cy + 2 * r, 270, 360),
               "╯": (cx - 2 * r, cy - 2 * r, cx, cy, 0, 90), "╰": (cx, cy - 2 * r, cx + 2 * r, cy, 90, 180)}[ch]
        x0, y0, x1, y1, a0, a1 = box
        d.arc([x0, y0, x1 + lw - 1, y1 + lw - 1], a0, a1, fill=fg, width=lw)
        if right:
            d.rectangle([cx + r, cy, x + w - 1, cy + lw - 1], fill=fg)
        if left:
            d.rectangle([x, cy, cx - r + lw - 1, cy + lw - 1], fill=fg)
        if down:
            d.rectangle([cx, cy + r, cx + lw - 1, y + h - 1], fill=fg)
        if up:
            d.rectangle([cx, y, cx + lw - 1, cy - r + lw - 1], fill=fg)
        return True

    def arm(kind: int, x0: float, y0: float, x1: float, y1: float, horizontal: bool) -> None:
        if not kind:
            return
        if kind == 3:                        # double line: two thin strokes
            g = max(2, lw * 2)
            if horizontal:
                d.rectangle([x0, y0 - g, x1, y0 - g + lw - 1], fill=fg)
                d.rectangle([x0, y0 + g, x1, y0 + g + lw - 1], fill=fg)
            else:
                d.rectangle([x0 - g, y0, x0 - g + lw - 1, y1], fill=fg)
                d.rectangle([x0 + g, y0, x0 + g + lw - 1, y1], fill=fg)
            return
        t = lw if kind == 1 else lw * 2
        if horizontal:
            d.rectangle([x0, y0 - (t - lw) // 2, x1, y0 - (t - lw) // 2 + t - 1], fill=fg)
        else:
            d.rectangle([x0 - (t - lw) // 2, y0, x0 - (t - lw) // 2 + t - 1, y1], fill=fg)

    arm(left, x, cy, cx + lw - 1, cy, True)
    arm(right, cx, cy, x + w - 1, cy, True)
    arm(up, cx, y, cx, cy + lw - 1, False)
    arm(down, cx, cy, cx, y + h - 1, False)
    return True


class _DimScreen(pyte.Screen):
    """pyte ignores SGR 2 (dim, ncurses A_DIM). Carry it in the otherwise unused blink flag."""

    def select_graphic_rendition(self, *attrs, **kwargs):
        mapped: list[int] = []
        for a in attrs:
            if a == 2:
                mapped.append(5)
            elif a == 22:
                mapped += [22, 25]
            elif a == 5:
                continue
            else:
                mapped.append(a)
        super().select_graphic_rendition(*mapped, **kwargs)


def ansi_to_png(text: str, cols: int, rows: int, out: str, font_size: int = 16, padding: int = 8) -> None:
    screen = _DimScreen(cols, rows)
    stream = pyte.Stream(screen)
    # capture-pane separates lines with bare LF; a terminal needs CR LF. Drop the final newline (no scroll).
    stream.feed(text.rstrip("\n").replace("\n", "\r\n"))

    font = ImageFont.truetype(FONT, font_size)
    bold = ImageFont.truetype(FONT_BOLD, font_size)
    fallbacks = [ImageFont.truetype(path, font_size) for path in FALLBACK_FONTS if os.path.exists(path)]
    try:
        from fontTools.ttLib import TTFont  # optional: pick the first font that has the glyph
        cmaps = [set(TTFont(FONT, fontNumber=0).getBestCmap())] + [
            set(TTFont(p, fontNumber=0).getBestCmap()) for p in FALLBACK_FONTS if os.path.exists(p)]
    except Exception:
        cmaps = None

    def font_for(glyph: str, is_bold: bool):
        if cmaps is None or ord(glyph[0]) in cmaps[0]:
            return bold if is_bold else font
        for f, cmap in zip(fallbacks, cmaps[1:]):
            if ord(glyph[0]) in cmap:
                return f
        return bold if is_bold else font
    ascent, descent = font.getmetrics()
    cw = round(font.getlength("M"))
    ch = ascent + descent
    img = Image.new("RGB", (cols * cw + 2 * padding, rows * ch + 2 * padding), DEFAULT_BG)
    d = ImageDraw.Draw(img)
    for y in range(rows):
        line = screen.buffer[y]
        for x in range(cols):
            c = line[x]
            fg = _color(c.fg, DEFAULT_FG)
            bg = _color(c.bg, DEFAULT_BG)
            if c.reverse:
                fg, bg = bg, fg
            if c.blink:                      # = SGR 2 (dim/faint), see _DimScreen
                fg = tuple((f + b) // 2 for f, b in zip(fg, bg))
            px, py = padding + x * cw, padding + y * ch
            if bg != DEFAULT_BG:
                d.rectangle([px, py, px + cw - 1, py + ch - 1], fill=bg)
            glyph = c.data
            if not glyph or glyph == " ":
                continue
            if _draw_box(d, glyph, px, py, cw, ch, fg):
                continue
            d.text((px, py), glyph, font=font_for(glyph, c.bold), fill=fg)
    img.save(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", help="ANSI text file from tmux capture-pane -p -e ('-' for stdin)")
    ap.add_argument("output", help="PNG path")
    ap.add_argument("--cols", type=int, default=100)
    ap.add_argument("--rows", type=int, default=30)
    ap.add_argument("--font-size", type=int, default=16)
    a = ap.parse_args()
    text = sys.stdin.read() if a.input == "-" else open(a.input, encoding="utf-8").read()
    ansi_to_png(text, a.cols, a.rows, a.output, a.font_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
