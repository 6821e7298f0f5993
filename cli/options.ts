/** Parsers for command-line values: a bad value is a usage error (exit 2) with a message naming the option. */
import { InvalidArgumentError } from 'commander';

export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected a whole number ≥ 0, got '${value}'`);
  }
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a number > 0, got '${value}'`);
  return n;
}

export function rate(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1) {
    throw new InvalidArgumentError(`expected a share in [0, 1), got '${value}'`);
  }
  return n;
}
