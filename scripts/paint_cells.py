#!/usr/bin/env python3
"""Paints a cell grid written by `examples/screens.rs` as a PNG: one
monospace glyph per cell, with its foreground, background and attributes."""
import json
import sys

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
SIZE = 15
BACKGROUND = (24, 26, 33)
FOREGROUND = (220, 223, 228)
# ratatui's named colours, as a dark xterm theme shows them.
NAMED = {
    "Black": (0, 0, 0), "Red": (205, 49, 49), "Green": (13, 188, 121), "Yellow": (229, 229, 16),
    "Blue": (36, 114, 200), "Magenta": (188, 63, 188), "Cyan": (17, 168, 205), "Gray": (204, 204, 204),
    "DarkGray": (118, 118, 118), "LightRed": (241, 76, 76), "LightGreen": (35, 209, 139),
    "LightYellow": (245, 245, 67), "LightBlue": (59, 142, 234), "LightMagenta": (214, 112, 214),
    "LightCyan": (41, 184, 219), "White": (242, 242, 242),
}


def rgb(name, default):
    if name == "reset":
        return default
    if name.startswith("#"):
        return tuple(int(name[i:i + 2], 16) for i in (1, 3, 5))
    return NAMED.get(name, default)


# Box drawing: (left, right, up, down) arms, drawn as lines so borders join.
BOX = {
    "─": (1, 1, 0, 0), "│": (0, 0, 1, 1), "┌": (0, 1, 0, 1), "┐": (1, 0, 0, 1),
    "└": (0, 1, 1, 0), "┘": (1, 0, 1, 0), "├": (0, 1, 1, 1), "┤": (1, 0, 1, 1),
    "┬": (1, 1, 0, 1), "┴": (1, 1, 1, 0), "┼": (1, 1, 1, 1),
}


def box(draw, glyph, px, py, w, h, fill):
    left, right, up, down = BOX[glyph]
    cx, cy = px + w // 2, py + h // 2
    if left:
        draw.line([px, cy, cx, cy], fill=fill)
    if right:
        draw.line([cx, cy, px + w, cy], fill=fill)
    if up:
        draw.line([cx, py, cx, cy], fill=fill)
    if down:
        draw.line([cx, cy, cx, py + h], fill=fill)


def main(source, target):
    rows = [json.loads(line) for line in open(source, encoding="utf-8")]
    regular, bold = ImageFont.truetype(FONT, SIZE), ImageFont.truetype(BOLD, SIZE)
    left, top, right, bottom = regular.getbbox("M")
    cell_w = int(regular.getlength("M"))
    cell_h = int(SIZE * 1.3)
    width, height = cell_w * max(len(r) for r in rows), cell_h * len(rows)
    image = Image.new("RGB", (width + 16, height + 16), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(rows):
        for x, (symbol, fg, bg, flags) in enumerate(row):
            fg_rgb, bg_rgb = rgb(fg, FOREGROUND), rgb(bg, BACKGROUND)
            if "r" in flags:
                fg_rgb, bg_rgb = bg_rgb, fg_rgb
            px, py = 8 + x * cell_w, 8 + y * cell_h
            if bg_rgb != BACKGROUND:
                draw.rectangle([px, py, px + cell_w - 1, py + cell_h - 1], fill=bg_rgb)
            if symbol in BOX:
                box(draw, symbol, px, py, cell_w, cell_h, fg_rgb)
            elif symbol.strip():
                draw.text((px, py + 2), symbol, font=bold if "b" in flags else regular, fill=fg_rgb)
            if "u" in flags:
                draw.line([px, py + cell_h - 2, px + cell_w - 1, py + cell_h - 2], fill=fg_rgb)
    image.save(target)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
