"""Draw the integration's brand images into ``custom_components/bragerone/brand/``.

Our own mark, not the vendor's logo: a boiler outline with a flame inside (the icon) and,
for the landscape logo, the same boiler feeding a radiator. Light and ``dark_`` variants
at the sizes of home-assistant/brands' rules: ``icon.png`` 256x256 and ``icon@2x.png``
512x512; ``logo.png`` 512x256 and ``logo@2x.png`` 1024x512 (shortest side 128-256 and
256-512); transparent background, trimmed, losslessly compressed PNG. Home Assistant
2026.x serves a custom integration's images from that folder.

Run with any Python that has Pillow (Home Assistant's own venv has it):
``scripts/py314 .venv/bin/python scripts/brand.py``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = (
    Path(__file__).resolve().parent.parent / "custom_components" / "bragerone" / "brand"
)
SCALE = 4
"""Supersampling factor: shapes are drawn this much larger, then reduced (antialiasing)."""

FLAME_OUTER = (239, 108, 0, 255)
FLAME_INNER = (255, 193, 7, 255)
LINES = {"": (55, 71, 79, 255), "dark_": (236, 239, 241, 255)}
"""Outline colour on a light background, and on a dark one (``dark_`` files)."""


def _flame(draw: ImageDraw.ImageDraw, cx: float, base: float, height: float) -> None:
    """Draw a two-tone flame whose bottom centre is (cx, base)."""
    for color, shrink in ((FLAME_OUTER, 1.0), (FLAME_INNER, 0.55)):
        h = height * shrink
        w = h * 0.62
        bottom = base - (height - h) * 0.08
        # Body: a circle at the bottom, a pointed top from a polygon.
        radius = w / 2
        draw.ellipse(
            (cx - radius, bottom - 2 * radius, cx + radius, bottom), fill=color
        )
        draw.polygon(
            [
                (cx - radius * 0.98, bottom - radius * 1.05),
                (cx + radius * 0.12, bottom - h),
                (cx + radius * 0.55, bottom - h * 0.62),
                (cx + radius * 0.98, bottom - radius * 1.05),
            ],
            fill=color,
        )


def _boiler(
    draw: ImageDraw.ImageDraw,
    box: tuple[float, float, float, float],
    line: tuple[int, ...],
) -> None:
    """Draw the boiler: a rounded body, a control strip with two knobs, the flame window."""
    left, top, right, bottom = box
    width = right - left
    stroke = width * 0.085
    draw.rounded_rectangle(box, radius=width * 0.14, outline=line, width=round(stroke))
    strip = top + (bottom - top) * 0.24
    draw.line(
        (left + stroke / 2, strip, right - stroke / 2, strip),
        fill=line,
        width=round(stroke * 0.7),
    )
    knob = width * 0.055
    for x in (left + width * 0.3, left + width * 0.5):
        cy = (top + strip) / 2 + stroke * 0.15
        draw.ellipse((x - knob, cy - knob, x + knob, cy + knob), fill=line)
    _flame(
        draw,
        (left + right) / 2,
        bottom - (bottom - strip) * 0.14,
        (bottom - strip) * 0.7,
    )


def _radiator(
    draw: ImageDraw.ImageDraw,
    box: tuple[float, float, float, float],
    line: tuple[int, ...],
) -> None:
    """Draw a radiator of five fins joined top and bottom."""
    left, top, right, bottom = box
    fins = 5
    stroke = (bottom - top) * 0.07
    gap = (right - left) / fins
    for n in range(fins):
        x0 = left + n * gap + gap * 0.12
        draw.rounded_rectangle(
            (x0, top, x0 + gap * 0.76, bottom),
            radius=gap * 0.38,
            outline=line,
            width=round(stroke),
        )
    for y in (top + (bottom - top) * 0.12, bottom - (bottom - top) * 0.12):
        draw.line((left, y, right, y), fill=line, width=round(stroke))


def _trimmed(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Reduce the supersampled drawing to ``size``: trim, fit, centre."""
    image = image.crop(image.getbbox())
    image.thumbnail(size, Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    canvas.paste(image, ((size[0] - image.width) // 2, (size[1] - image.height) // 2))
    return canvas


def icon(size: int, line: tuple[int, ...]) -> Image.Image:
    """Return the square icon."""
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    _boiler(draw, (big * 0.16, big * 0.02, big * 0.84, big * 0.98), line)
    return _trimmed(image, (size, size))


def logo(height: int, line: tuple[int, ...]) -> Image.Image:
    """Return the landscape logo: boiler, pipe, radiator (twice as wide as high)."""
    big = height * SCALE
    image = Image.new("RGBA", (big * 2, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    boiler = (big * 0.04, big * 0.02, big * 0.72, big * 0.98)
    _boiler(draw, boiler, line)
    stroke = round(big * 0.05)
    for y in (big * 0.42, big * 0.8):
        draw.line((boiler[2], y, big * 1.02, y), fill=line, width=stroke)
    _radiator(draw, (big * 1.02, big * 0.3, big * 1.96, big * 0.92), line)
    return _trimmed(image, (height * 2, height))


def main() -> None:
    """Write the eight PNG files."""
    OUT.mkdir(parents=True, exist_ok=True)
    for prefix, line in LINES.items():
        for suffix, factor in (("", 1), ("@2x", 2)):
            icon(256 * factor, line).save(
                OUT / f"{prefix}icon{suffix}.png", optimize=True
            )
            logo(256 * factor, line).save(
                OUT / f"{prefix}logo{suffix}.png", optimize=True
            )
    for path in sorted(OUT.glob("*.png")):
        with Image.open(path) as image:
            print(
                f"{path.name}: {image.width}x{image.height}, {path.stat().st_size} bytes"
            )


if __name__ == "__main__":
    main()
