// Baton's icons, drawn in code so they can be regenerated at any size without an image editor:
// a relay baton (a capsule with a band) crossing a rounded square, the handoff in one picture.
// `npm run icons` writes the PNGs in this folder; icon.svg is the same drawing as a vector.
import { deflateSync } from 'node:zlib';

export const TEAL = [0x0f, 0x76, 0x6e] as const;
export const AMBER = [0xf5, 0x9e, 0x0b] as const;
export const WHITE = [0xff, 0xff, 0xff] as const;

type Rgb = readonly [number, number, number];
type Shape = (x: number, y: number) => Rgb | null;

/** Signed distance to a capsule from (ax, ay) to (bx, by) with radius r (negative inside). */
function capsule(px: number, py: number, ax: number, ay: number, bx: number, by: number, r: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy)) - r;
}

/** Signed distance to a rounded square centred in the unit square. */
function roundedSquare(px: number, py: number, half: number, radius: number): number {
  const qx = Math.abs(px - 0.5) - half + radius;
  const qy = Math.abs(py - 0.5) - half + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

// The baton runs from lower left to upper right; the band across its middle is where the hands meet.
const BATON = { ax: 0.26, ay: 0.74, bx: 0.74, by: 0.26, r: 0.1 };
const BAND_HALF_WIDTH = 0.06;

/** Distance from the baton's middle, measured along the baton. */
function alongBaton(x: number, y: number, scale = 1): number {
  const axis = Math.SQRT1_2;
  return Math.abs((x - 0.5) * axis - (y - 0.5) * axis) / scale;
}

/** The app icon: a white baton with an amber band, on a teal rounded square. */
export const appIcon: Shape = (x, y) => {
  if (capsule(x, y, BATON.ax, BATON.ay, BATON.bx, BATON.by, BATON.r) <= 0) return alongBaton(x, y) <= BAND_HALF_WIDTH ? AMBER : WHITE;
  if (roundedSquare(x, y, 0.46, 0.2) <= 0) return TEAL;
  return null;
};

/** The macOS menu-bar icon: the baton alone, black on transparent (a template image), the band a gap. */
export const trayTemplate: Shape = (x, y) => {
  const k = 1.3; // larger: the menu-bar icon has no background
  const s = (v: number) => 0.5 + (v - 0.5) * k;
  if (capsule(x, y, s(BATON.ax), s(BATON.ay), s(BATON.bx), s(BATON.by), BATON.r * k * 1.2) > 0) return null;
  return alongBaton(x, y, k) <= BAND_HALF_WIDTH * 0.6 ? null : [0, 0, 0];
};

/** RGBA pixels of a shape at `size`×`size`, each pixel averaged over 4×4 samples. */
export function render(shape: Shape, size: number): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = shape((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!colour) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          a++;
        }
      }
      const at = (py * size + px) * 4;
      if (a > 0) {
        pixels[at] = Math.round(r / a);
        pixels[at + 1] = Math.round(g / a);
        pixels[at + 2] = Math.round(b / a);
      }
      pixels[at + 3] = Math.round((255 * a) / (samples * samples));
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG file (8-bit RGBA, no interlace) of `size`×`size` RGBA pixels. */
export function encodePng(rgba: Buffer, size: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4); // filter 0 per row
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** Every icon file Baton ships, by path under build/icons/. */
export const ICON_FILES: Array<{ file: string; shape: Shape; size: number }> = [
  { file: 'icon.png', shape: appIcon, size: 1024 },
  ...[16, 32, 48, 64, 128, 256, 512].map((size) => ({ file: `linux/${size}x${size}.png`, shape: appIcon, size })),
  { file: 'tray.png', shape: appIcon, size: 32 },
  { file: 'trayTemplate.png', shape: trayTemplate, size: 16 },
  { file: 'trayTemplate@2x.png', shape: trayTemplate, size: 32 },
];
