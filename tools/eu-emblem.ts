// Draws the EU emblem from its geometric definition into assets/eu/ (SVG, and PNG through resvg): `npx tsx tools/eu-emblem.ts`.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import { EU_EMBLEM } from '../contracts/eu-funding.ts';

export const ASSETS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets', 'eu');

/** Drawing units per emblem height: 900 makes the circle (300), star (50) and border (36) radii whole numbers. */
const UNITS = 900;

export type EmblemKind = 'plain' | 'white-border';

/** Size of the image in drawing units: the rectangle, plus the white border around it when asked for. */
function extent(kind: EmblemKind): { width: number; height: number; border: number } {
  const border = kind === 'white-border' ? UNITS * EU_EMBLEM.whiteBorder : 0;
  return { width: UNITS * EU_EMBLEM.aspectRatio + 2 * border, height: UNITS + 2 * border, border };
}

/** Pixel size of an emblem whose blue rectangle is `height` pixels high. */
export function pixelSize(kind: EmblemKind, height: number): { width: number; height: number } {
  const units = extent(kind);
  return { width: Math.round((units.width * height) / UNITS), height: Math.round((units.height * height) / UNITS) };
}

// Fixed decimals keep the SVG text, and so the PNGs, the same from run to run and machine to machine.
const num = (value: number): string => String(Number(value.toFixed(3)));

/**
 * One upright five-pointed star: its points on a circle of radius `r`, one point straight up, and the inner corners
 * where the regular pentagram's edges cross (radius r·cos 72°/cos 36°).
 */
function starPath(cx: number, cy: number, r: number): string {
  const inner = (r * Math.cos((72 * Math.PI) / 180)) / Math.cos((36 * Math.PI) / 180);
  const corners: string[] = [];
  for (let i = 0; i < 10; i++) {
    const radius = i % 2 === 0 ? r : inner;
    const angle = (-90 + i * 36) * (Math.PI / 180);
    corners.push(`${num(cx + radius * Math.cos(angle))} ${num(cy + radius * Math.sin(angle))}`);
  }
  return `M${corners.join('L')}Z`;
}

/** Centres of the twelve stars, at the hours of a clock on a circle round the rectangle's centre. */
export function starCentres(kind: EmblemKind = 'plain'): { x: number; y: number }[] {
  const { border } = extent(kind);
  const cx = border + (UNITS * EU_EMBLEM.aspectRatio) / 2;
  const cy = border + UNITS / 2;
  const radius = UNITS * EU_EMBLEM.circleRadius;
  return Array.from({ length: EU_EMBLEM.stars }, (_, hour) => {
    const angle = (hour * 2 * Math.PI) / EU_EMBLEM.stars;
    return { x: cx + radius * Math.sin(angle), y: cy - radius * Math.cos(angle) };
  });
}

/** The emblem as SVG; `height` sets the pixel size of the blue rectangle (the viewBox keeps it scalable). */
export function emblemSvg(kind: EmblemKind, height: number): string {
  const { width: w, height: h, border } = extent(kind);
  const size = pixelSize(kind, height);
  const stars = starCentres(kind)
    .map(({ x, y }) => starPath(x, y, UNITS * EU_EMBLEM.starRadius))
    .join('');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}" viewBox="0 0 ${w} ${h}">`,
    kind === 'white-border' ? `<rect width="${w}" height="${h}" fill="#FFFFFF"/>` : '',
    `<rect x="${border}" y="${border}" width="${UNITS * EU_EMBLEM.aspectRatio}" height="${UNITS}" fill="${EU_EMBLEM.colours.reflexBlue}"/>`,
    `<path fill="${EU_EMBLEM.colours.yellow}" d="${stars}"/>`,
    '</svg>\n',
  ];
  return parts.join('');
}

let wasmReady: Promise<void> | undefined;

/** resvg's WebAssembly build draws the same pixels on every platform, unlike a native rasterizer. */
function resvgReady(): Promise<void> {
  wasmReady ??= readFile(createRequire(import.meta.url).resolve('@resvg/resvg-wasm/index_bg.wasm')).then(initWasm);
  return wasmReady;
}

export type RenderedEmblem = { png: Uint8Array; width: number; height: number; pixels: Uint8Array };

/** The emblem rasterized with anti-aliasing, as PNG bytes and as RGBA pixels (row by row, 4 bytes each). */
export async function renderEmblem(kind: EmblemKind, height: number): Promise<RenderedEmblem> {
  await resvgReady();
  const resvg = new Resvg(emblemSvg(kind, height), { font: { loadSystemFonts: false } });
  const image = resvg.render();
  try {
    return { png: image.asPng(), width: image.width, height: image.height, pixels: image.pixels };
  } finally {
    image.free();
    resvg.free();
  }
}

const DENSITIES = { '1x': 1, '2x': 2, '3x': 3 } as const;

/** Every file of assets/eu/, by name: what the command writes and what the test compares with the repository. */
export async function emblemAssets(): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const text = (svg: string) => new TextEncoder().encode(svg);
  const { displayHeight } = EU_EMBLEM;
  files.set(EU_EMBLEM.files.svg, text(emblemSvg('plain', displayHeight)));
  files.set(EU_EMBLEM.files.whiteBorderSvg, text(emblemSvg('white-border', displayHeight)));
  for (const [density, factor] of Object.entries(DENSITIES) as [keyof typeof DENSITIES, number][]) {
    files.set(EU_EMBLEM.files.png[density], (await renderEmblem('plain', displayHeight * factor)).png);
    files.set(
      EU_EMBLEM.files.whiteBorderPng[density],
      (await renderEmblem('white-border', displayHeight * factor)).png,
    );
  }
  return files;
}

async function main(): Promise<void> {
  await mkdir(ASSETS_DIR, { recursive: true });
  for (const [name, bytes] of await emblemAssets()) {
    await writeFile(join(ASSETS_DIR, name), bytes);
    console.log(`assets/eu/${name} (${bytes.length} bytes)`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
