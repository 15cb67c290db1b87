// The EU emblem in assets/eu/: made by tools/eu-emblem.ts from the emblem's geometry, committed byte for byte.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EU_EMBLEM } from '../../contracts/eu-funding.ts';
import {
  ASSETS_DIR,
  emblemAssets,
  pixelSize,
  renderEmblem,
  starCentres,
  type RenderedEmblem,
} from '../../tools/eu-emblem.ts';

const hex = (colour: string) => [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
const BLUE = [...hex(EU_EMBLEM.colours.reflexBlue), 255];
const YELLOW = [...hex(EU_EMBLEM.colours.yellow), 255];
const WHITE = [255, 255, 255, 255];

/** RGBA of the pixel that covers the point (x, y) of the image. */
function pixelAt(image: RenderedEmblem, x: number, y: number): number[] {
  const offset = (Math.floor(y) * image.width + Math.floor(x)) * 4;
  return Array.from(image.pixels.subarray(offset, offset + 4));
}

/** Width and height from a PNG's header chunk. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('the EU emblem files', () => {
  it('are exactly what the generator draws, so anyone can make them again', async () => {
    const fresh = await emblemAssets();
    expect((await readdir(ASSETS_DIR)).sort()).toEqual([...fresh.keys()].sort());
    for (const [name, bytes] of fresh) {
      const committed = new Uint8Array(await readFile(join(ASSETS_DIR, name)));
      expect(committed, name).toEqual(bytes);
    }
  });

  it('are 3:2 rectangles at 1x, 2x and 3x, and wider by the white border where they have one', async () => {
    for (const [density, factor] of [
      ['1x', 1],
      ['2x', 2],
      ['3x', 3],
    ] as const) {
      const height = EU_EMBLEM.displayHeight * factor;
      const plain = pngSize(await readFile(join(ASSETS_DIR, EU_EMBLEM.files.png[density])));
      expect(plain).toEqual({ width: height * 1.5, height });
      const border = height / 25;
      const bordered = pngSize(await readFile(join(ASSETS_DIR, EU_EMBLEM.files.whiteBorderPng[density])));
      expect(bordered).toEqual({ width: height * 1.5 + 2 * border, height: height + 2 * border });
    }
  });

  it('has a blue centre and a yellow star at each hour in the committed sizes', async () => {
    for (const factor of [2, 3]) {
      const image = await renderEmblem('plain', EU_EMBLEM.displayHeight * factor);
      const scale = image.height / 900;
      expect(pixelAt(image, image.width / 2, image.height / 2)).toEqual(BLUE);
      for (const star of starCentres()) expect(pixelAt(image, star.x * scale, star.y * scale)).toEqual(YELLOW);
    }
    // At 50 px a star is five pixels wide: its centre is mostly yellow, softened by anti-aliasing.
    const small = await renderEmblem('plain', EU_EMBLEM.displayHeight);
    for (const star of starCentres()) {
      const [red, , blue] = pixelAt(small, (star.x * small.height) / 900, (star.y * small.height) / 900);
      expect(red).toBeGreaterThan(200);
      expect(blue).toBeLessThan(80);
    }
  });
});

describe('the emblem drawn large', () => {
  const height = 900; // one pixel per drawing unit: star radius 50 px, circle radius 300 px
  const starRadius = height / 18;

  it('puts twelve stars on a circle of a third of the height, at the hours of a clock', async () => {
    const image = await renderEmblem('plain', height);
    const centre = { x: image.width / 2, y: image.height / 2 };
    const stars = starCentres();
    expect(stars).toHaveLength(12);
    stars.forEach((star, hour) => {
      expect(Math.hypot(star.x - centre.x, star.y - centre.y)).toBeCloseTo(height / 3, 6);
      const angle = (Math.atan2(star.x - centre.x, centre.y - star.y) * 180) / Math.PI;
      expect((angle + 360) % 360).toBeCloseTo(hour * 30, 6);
      expect(pixelAt(image, star.x, star.y)).toEqual(YELLOW);
    });
    // Halfway between two stars on the circle there is only blue sky.
    const between = (15 * Math.PI) / 180;
    expect(pixelAt(image, centre.x + 300 * Math.sin(between), centre.y - 300 * Math.cos(between))).toEqual(BLUE);
  });

  it('draws no yellow outside the circles of radius 1/18 of the height round the star centres', async () => {
    const image = await renderEmblem('plain', height);
    const stars = starCentres();
    let yellowPixels = 0;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        if (image.pixels[(y * image.width + x) * 4] === 0) continue; // red 0: pure blue
        yellowPixels++;
        const nearest = Math.min(...stars.map((star) => Math.hypot(x + 0.5 - star.x, y + 0.5 - star.y)));
        expect(nearest).toBeLessThan(starRadius + 1);
      }
    }
    expect(yellowPixels).toBeGreaterThan(12 * 1000);
  });

  it('stands every star upright: a point straight up, a notch straight down', async () => {
    const image = await renderEmblem('plain', height);
    for (const star of starCentres()) {
      expect(pixelAt(image, star.x, star.y - 0.7 * starRadius)).toEqual(YELLOW);
      expect(pixelAt(image, star.x, star.y + 0.7 * starRadius)).toEqual(BLUE);
      // The side points reach out level with each other, just above the centre (their tips at ±18° above level).
      const side = {
        dx: starRadius * Math.cos((18 * Math.PI) / 180) - 6,
        dy: -starRadius * Math.sin((18 * Math.PI) / 180) + 2,
      };
      expect(pixelAt(image, star.x - side.dx, star.y + side.dy)).toEqual(YELLOW);
      expect(pixelAt(image, star.x + side.dx, star.y + side.dy)).toEqual(YELLOW);
    }
  });

  it('puts a white border of 1/25 of the height round the unaltered rectangle for dark backgrounds', async () => {
    const image = await renderEmblem('white-border', height);
    const border = height / 25;
    expect({ width: image.width, height: image.height }).toEqual(pixelSize('white-border', height));
    expect(pixelAt(image, 0, 0)).toEqual(WHITE);
    expect(pixelAt(image, border - 1, image.height / 2)).toEqual(WHITE);
    expect(pixelAt(image, border, image.height / 2)).toEqual(BLUE);
    expect(pixelAt(image, image.width - border, image.height / 2)).toEqual(WHITE);
    expect(pixelAt(image, image.width - border - 1, image.height / 2)).toEqual(BLUE);
    const plain = await renderEmblem('plain', height);
    for (const star of starCentres('white-border')) expect(pixelAt(image, star.x, star.y)).toEqual(YELLOW);
    // Inside the border the picture is the plain emblem, pixel for pixel.
    for (let y = 0; y < plain.height; y += 7) {
      for (let x = 0; x < plain.width; x += 7)
        expect(pixelAt(image, x + border, y + border)).toEqual(pixelAt(plain, x, y));
    }
  });
});
