import type { Ratio } from './types.ts';

/** Exact fractions of bigints for the counting: no float ever decides anything. */

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function ratio(num: bigint, den = 1n): Ratio {
  if (den === 0n) throw new RangeError('ratio with a zero denominator');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  if (den === 1n) return { num, den };
  const g = gcd(num, den);
  return g === 1n ? { num, den } : { num: num / g, den: den / g };
}

export const ZERO: Ratio = { num: 0n, den: 1n };

export const add = (a: Ratio, b: Ratio): Ratio =>
  a.den === b.den ? ratio(a.num + b.num, a.den) : ratio(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Ratio, b: Ratio): Ratio =>
  a.den === b.den ? ratio(a.num - b.num, a.den) : ratio(a.num * b.den - b.num * a.den, a.den * b.den);
export const mulInt = (a: Ratio, k: bigint): Ratio => ratio(a.num * k, a.den);
export const divInt = (a: Ratio, k: bigint): Ratio => ratio(a.num, a.den * k);
export const div = (a: Ratio, b: Ratio): Ratio => ratio(a.num * b.den, a.den * b.num);

/** −1, 0 or 1 as a <, =, > b. */
export function cmp(a: Ratio, b: Ratio): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** a compared with the integer k. */
export function cmpInt(a: Ratio, k: bigint): number {
  const r = k * a.den;
  return a.num < r ? -1 : a.num > r ? 1 : 0;
}

export const min = (a: Ratio, b: Ratio): Ratio => (cmp(a, b) <= 0 ? a : b);
