// HyperLogLog sketches of people (recipients, openers, clickers): a fixed 4 KB per sketch whatever the number of
// people, merged by taking each register's maximum, so unique people across issues are counted from sketches alone.
// Adding is idempotent and merging is a union: a person added twice, or by two writers, counts once.
import { createHash } from 'node:crypto';

/** 2^12 registers: a relative standard error of 1.04 / sqrt(4096) ≈ 1.6 %. */
export const SKETCH_PRECISION = 12;
export const SKETCH_REGISTERS = 1 << SKETCH_PRECISION;
/** The estimate's relative standard error, for the report's footnote. */
export const SKETCH_ERROR = 1.04 / Math.sqrt(SKETCH_REGISTERS);
/** Bits of the hash left after the register index; a register holds 1 + their leading zeros (at most 53). */
const VALUE_BITS = 64 - SKETCH_PRECISION;

export type Registers = Uint8Array;

export const emptySketch = (): Registers => new Uint8Array(SKETCH_REGISTERS);

/** Which register a person's id falls in, and the value it raises that register to. */
export function registerOf(id: string): { index: number; rank: number } {
  const hash = createHash('sha256').update(id).digest();
  const high = hash.readUInt32BE(0);
  const low = hash.readUInt32BE(4);
  const index = high >>> (32 - SKETCH_PRECISION);
  const rest = high & ((1 << (32 - SKETCH_PRECISION)) - 1);
  const rank =
    rest !== 0
      ? Math.clz32(rest) - SKETCH_PRECISION + 1
      : low !== 0
        ? 32 - SKETCH_PRECISION + Math.clz32(low) + 1
        : VALUE_BITS + 1;
  return { index, rank };
}

/** Adds a person; true when the sketch changed. */
export function addTo(registers: Registers, id: string): boolean {
  const { index, rank } = registerOf(id);
  if (registers[index]! >= rank) return false;
  registers[index] = rank;
  return true;
}

/** Merges `from` into `into` (the union of both); true when `into` changed. */
export function mergeInto(into: Registers, from: Registers): boolean {
  let changed = false;
  for (let i = 0; i < SKETCH_REGISTERS; i++) {
    if (from[i]! > into[i]!) {
      into[i] = from[i]!;
      changed = true;
    }
  }
  return changed;
}

/** A new sketch: the union of several. */
export function union(sketches: Iterable<Registers>): Registers {
  const merged = emptySketch();
  for (const sketch of sketches) mergeInto(merged, sketch);
  return merged;
}

// Ertl's improved estimator ("New cardinality estimation algorithms for HyperLogLog sketches", 2017): unbiased
// from a handful of people to billions, with no empirical bias tables.
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const before = z;
    z += x * y;
    y += y;
    if (z === before) return z;
  }
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const before = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
    if (z === before) return z / 3;
  }
}

/** The estimated number of people in a sketch, rounded. */
export function estimate(registers: Registers): number {
  const m = SKETCH_REGISTERS;
  const histogram = new Array<number>(VALUE_BITS + 2).fill(0);
  for (let i = 0; i < m; i++) histogram[registers[i]!]! += 1;
  let z = m * tau(1 - histogram[VALUE_BITS + 1]! / m);
  for (let k = VALUE_BITS; k >= 1; k--) z = 0.5 * (z + histogram[k]!);
  z += m * sigma(histogram[0]! / m);
  return Math.round((m * m) / (2 * Math.LN2) / z);
}
