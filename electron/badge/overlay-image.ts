// Windows has no numeric badge: the count goes on the taskbar button as a 16×16 overlay icon.
// Drawn here as a raw bitmap (for nativeImage.createFromBitmap) so no image files are needed.

/** 3×5 pixel digits and a plus sign, one string per row. */
const GLYPHS: Record<string, string[]> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '010', '010', '010'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  '+': ['000', '010', '111', '010', '000'],
};

export const OVERLAY_SIZE = 32; // drawn at 2× for high-DPI taskbars
const RED = [0x25, 0x30, 0xd9] as const; // BGR of #D93025
const WHITE = [0xff, 0xff, 0xff] as const;

export function badgeText(count: number): string {
  return count > 9 ? '9+' : String(Math.max(0, Math.floor(count)));
}

/** A red disc with the count in white, as BGRA pixels (premultiplied alpha), OVERLAY_SIZE square. */
export function drawBadgeBitmap(count: number): Buffer {
  const size = OVERLAY_SIZE;
  const pixels = Buffer.alloc(size * size * 4);
  const centre = (size - 1) / 2;
  const radius = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Coverage of the disc by 4×4 samples, for a smooth edge.
      let inside = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const dx = x - centre + (sx - 1.5) / 4;
          const dy = y - centre + (sy - 1.5) / 4;
          if (dx * dx + dy * dy <= radius * radius) inside++;
        }
      }
      const alpha = inside / 16;
      const at = (y * size + x) * 4;
      pixels[at] = Math.round(RED[0] * alpha);
      pixels[at + 1] = Math.round(RED[1] * alpha);
      pixels[at + 2] = Math.round(RED[2] * alpha);
      pixels[at + 3] = Math.round(255 * alpha);
    }
  }
  const text = badgeText(count);
  // One digit at 4× (12×20 px); "9+" at 3× so both fit inside the disc.
  const scale = text.length > 1 ? 3 : 4;
  const gap = 2;
  const width = text.length * 3 * scale + (text.length - 1) * gap;
  let left = Math.floor((size - width) / 2);
  const top = Math.floor((size - 5 * scale) / 2);
  for (const char of text) {
    GLYPHS[char]!.forEach((row, gy) => {
      [...row].forEach((bit, gx) => {
        if (bit !== '1') return;
        for (let py = 0; py < scale; py++) {
          for (let px = 0; px < scale; px++) {
            const at = ((top + gy * scale + py) * size + left + gx * scale + px) * 4;
            pixels[at] = WHITE[0];
            pixels[at + 1] = WHITE[1];
            pixels[at + 2] = WHITE[2];
            pixels[at + 3] = 0xff;
          }
        }
      });
    });
    left += 3 * scale + gap;
  }
  return pixels;
}
