// Draws the app icon (an open book with a speech bubble on a teal tile) and writes every format
// the installers need into build/: icon.png (1024), icons/NxN.png (Linux), icon.ico (Windows,
// PNG-compressed entries), icon.icns (macOS, PNG entries). No image library: shapes are drawn by
// coverage at 4×4 samples per pixel, then box-filtered down. Run: node dist/electron/packaging/make-icons.js
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

type RGBA = [number, number, number, number];
type Point = [number, number];
interface Image {
  size: number;
  data: Float64Array; // premultiplied RGBA, 0..1
}

const TEAL_TOP: RGBA = [0.07, 0.55, 0.6, 1];
const TEAL_BOTTOM: RGBA = [0.03, 0.36, 0.42, 1];
const PAGE: RGBA = [1, 1, 1, 1];
const INK: RGBA = [0.55, 0.78, 0.8, 1];
const BUBBLE: RGBA = [1, 0.79, 0.25, 1];

/** Convex polygon test (points in either winding). */
function inPolygon([x, y]: Point, poly: readonly Point[]): boolean {
  let sign = 0;
  for (let i = 0; i < poly.length; i++) {
    const [ax, ay] = poly[i]!;
    const [bx, by] = poly[(i + 1) % poly.length]!;
    const cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    if (cross !== 0) {
      if (sign === 0) sign = Math.sign(cross);
      else if (Math.sign(cross) !== sign) return false;
    }
  }
  return true;
}

function inRoundedSquare([x, y]: Point, inset: number, radius: number): boolean {
  const lo = inset + radius;
  const hi = 1 - inset - radius;
  const dx = Math.max(lo - x, 0, x - hi);
  const dy = Math.max(lo - y, 0, y - hi);
  return x >= inset && x <= 1 - inset && y >= inset && y <= 1 - inset && dx * dx + dy * dy <= radius * radius;
}

const LEFT_PAGE: Point[] = [
  [0.17, 0.4],
  [0.485, 0.46],
  [0.485, 0.8],
  [0.17, 0.74],
];
const RIGHT_PAGE: Point[] = LEFT_PAGE.map(([x, y]) => [1 - x, y]);
/** Text lines on each page: thin slanted bands. */
const LINES: Point[][] = [0.5, 0.57, 0.64].flatMap((y) => {
  const left: Point[] = [
    [0.22, y],
    [0.44, y + 0.042],
    [0.44, y + 0.067],
    [0.22, y + 0.025],
  ];
  return [left, left.map(([px, py]): Point => [1 - px, py])];
});
const BUBBLE_CENTRE: Point = [0.66, 0.27];
const BUBBLE_RADIUS = 0.13;
const BUBBLE_TAIL: Point[] = [
  [0.57, 0.33],
  [0.64, 0.38],
  [0.53, 0.44],
];

/** The colour at a point of the unit square, or null outside the tile. */
function colourAt(p: Point): RGBA | null {
  if (!inRoundedSquare(p, 0.04, 0.2)) return null;
  const [x, y] = p;
  const dx = x - BUBBLE_CENTRE[0];
  const dy = y - BUBBLE_CENTRE[1];
  if (dx * dx + dy * dy <= BUBBLE_RADIUS ** 2 || inPolygon(p, BUBBLE_TAIL)) return BUBBLE;
  if (LINES.some((line) => inPolygon(p, line))) return INK;
  if (inPolygon(p, LEFT_PAGE) || inPolygon(p, RIGHT_PAGE)) return PAGE;
  const t = (y - 0.04) / 0.92;
  return TEAL_TOP.map((c, i) => c + (TEAL_BOTTOM[i]! - c) * t) as RGBA;
}

function draw(size: number, samples = 4): Image {
  const data = new Float64Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const c = colourAt([(px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size]);
          if (!c) continue;
          for (let i = 0; i < 3; i++) acc[i]! += c[i]! * c[3];
          acc[3]! += c[3];
        }
      }
      const o = (py * size + px) * 4;
      for (let i = 0; i < 4; i++) data[o + i] = acc[i]! / (samples * samples);
    }
  }
  return { size, data };
}

/** Box filter down by a whole factor (premultiplied, so edges stay clean). */
function shrink(src: Image, size: number): Image {
  const f = src.size / size;
  const data = new Float64Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let i = 0; i < 4; i++) {
        let sum = 0;
        for (let yy = 0; yy < f; yy++)
          for (let xx = 0; xx < f; xx++) sum += src.data[((y * f + yy) * src.size + x * f + xx) * 4 + i]!;
        data[(y * size + x) * 4 + i] = sum / (f * f);
      }
    }
  }
  return { size, data };
}

function png({ size, data }: Image): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 4;
      const a = data[o + 3]!;
      const at = y * (size * 4 + 1) + 1 + x * 4;
      for (let i = 0; i < 3; i++) raw[at + i] = a > 0 ? Math.round((data[o + i]! / a) * 255) : 0;
      raw[at + 3] = Math.round(a * 255);
    }
  }
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0);
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Windows .ico holding PNG images (supported since Vista; 256 is written as 0). */
function ico(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png: body }, i) => {
    const e = 6 + 16 * i;
    header[e] = size >= 256 ? 0 : size;
    header[e + 1] = size >= 256 ? 0 : size;
    header.writeUInt16LE(1, e + 4); // planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(body.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += body.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.png)]);
}

/** macOS .icns with PNG entries, by OSType. */
function icns(entries: { type: string; png: Buffer }[]): Buffer {
  const parts = entries.map(({ type, png: body }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(body.length + 8, 4);
    return Buffer.concat([head, body]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

function main(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const out = join(root, 'build');
  mkdirSync(join(out, 'icons'), { recursive: true });
  const big = draw(1024);
  const sizes = [512, 256, 128, 64, 32, 16] as const;
  const pngs = new Map<number, Buffer>([[1024, png(big)]]);
  for (const size of sizes) pngs.set(size, png(shrink(big, size)));
  // 48 and 24 are not powers of two; draw them directly.
  for (const size of [48, 24]) pngs.set(size, png(draw(size, 8)));
  const get = (size: number) => pngs.get(size)!;

  writeFileSync(join(out, 'icon.png'), get(1024));
  for (const size of [16, 24, 32, 48, 64, 128, 256, 512])
    writeFileSync(join(out, 'icons', `${size}x${size}.png`), get(size));
  writeFileSync(join(out, 'icon.ico'), ico([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: get(size) }))));
  writeFileSync(
    join(out, 'icon.icns'),
    icns([
      { type: 'icp4', png: get(16) },
      { type: 'icp5', png: get(32) },
      { type: 'ic11', png: get(32) },
      { type: 'ic12', png: get(64) },
      { type: 'ic07', png: get(128) },
      { type: 'ic13', png: get(256) },
      { type: 'ic08', png: get(256) },
      { type: 'ic14', png: get(512) },
      { type: 'ic09', png: get(512) },
      { type: 'ic10', png: get(1024) },
    ]),
  );
  console.log(`icons written to ${out}`);
}

main();
