// Draws Draftline's icon — a page with lines of text and a progress bar on a blue rounded square —
// and writes it as PNG files (512 and 256 pixels) and a Windows .ico, with Node's zlib only:
//   build/icon.png, build/icons/{512x512,256x256}.png, build/icon.ico, assets/icon.png
// Run `node scripts/make-icons.mjs` after changing the drawing; the files are committed.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { deflateSync } from "node:zlib";

const root = path.resolve(import.meta.dirname, "..");

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGBA PNG of `rgba` (width × height × 4 bytes). */
export function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A Windows icon holding PNG images (Windows Vista and later read these). */
export function encodeIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size; // 0 means 256
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

/** Coverage of a rounded rectangle at a point, in 0..1 units of the icon. */
function insideRoundedRect(x, y, left, top, right, bottom, radius) {
  const cx = Math.min(Math.max(x, left + radius), right - radius);
  const cy = Math.min(Math.max(y, top + radius), bottom - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2 && x >= left && x <= right && y >= top && y <= bottom;
}

const BLUE_TOP = [47, 94, 168];
const BLUE_BOTTOM = [28, 56, 112];
const PAGE = [250, 248, 242];
const INK = [64, 74, 92];
const ACCENT = [242, 160, 61];

/** The colour at a point of the icon (coordinates 0..1), or null where it is transparent. */
function colourAt(x, y) {
  if (!insideRoundedRect(x, y, 0.04, 0.04, 0.96, 0.96, 0.2)) return null;
  const background = BLUE_TOP.map((top, i) => top + (BLUE_BOTTOM[i] - top) * y);
  if (!insideRoundedRect(x, y, 0.24, 0.16, 0.76, 0.84, 0.04)) return background;
  // Lines of text on the page, the last one shorter, as in a paragraph.
  const lines = [
    [0.3, 0.7, 0.28],
    [0.3, 0.66, 0.38],
    [0.3, 0.7, 0.48],
    [0.3, 0.54, 0.58],
  ];
  for (const [from, to, at] of lines) if (insideRoundedRect(x, y, from, at - 0.018, to, at + 0.018, 0.018)) return INK;
  // The word count against its budget: a progress bar at the foot of the page.
  if (insideRoundedRect(x, y, 0.3, 0.7, 0.7, 0.75, 0.025)) return insideRoundedRect(x, y, 0.3, 0.7, 0.56, 0.75, 0.025) ? ACCENT : [226, 222, 212];
  return PAGE;
}

/** Renders the icon at `size` pixels, 4×4 samples per pixel for smooth edges. */
export function renderIcon(size) {
  const samples = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = colourAt((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!colour) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          a += 1;
        }
      }
      const at = (py * size + px) * 4;
      if (a > 0) {
        rgba[at] = Math.round(r / a);
        rgba[at + 1] = Math.round(g / a);
        rgba[at + 2] = Math.round(b / a);
        rgba[at + 3] = Math.round((255 * a) / samples ** 2);
      }
    }
  }
  return encodePng(size, size, rgba);
}

function write(relative, bytes) {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  console.log(`${relative}: ${bytes.length} bytes`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const png512 = renderIcon(512);
  const png256 = renderIcon(256);
  const small = [48, 32, 16].map((size) => ({ size, png: renderIcon(size) }));
  write("build/icon.png", png512);
  write("build/icons/512x512.png", png512);
  write("build/icons/256x256.png", png256);
  write("build/icon.ico", encodeIco([{ size: 256, png: png256 }, ...small]));
  write("assets/icon.png", png512);
}
