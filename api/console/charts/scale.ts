/**
 * Axis arithmetic for the console's charts, written by hand: the charts are a few bars drawn on
 * the server as static SVG (no script in the page, nothing from a CDN), and no kept chart library
 * renders to a string without a DOM; the whole need is a rounded maximum and evenly spaced ticks.
 */

/** A step of 1, 2 or 5 × 10ⁿ that splits `max` into at most `count` intervals, so tick labels read as round numbers. */
export function niceStep(max: number, count: number): number {
  if (max <= 0) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= raw)!;
  return Math.max(1, step);
}

/** Ticks from zero to the first multiple of the step at or above `max` (at least one interval). */
export function niceTicks(max: number, count = 5): number[] {
  const step = niceStep(max, count);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let tick = 0; tick <= top; tick += step) ticks.push(tick);
  return ticks;
}

/** Position of `value` on an axis running from 0 (at `start`) to `max` (at `start + length`), clamped to it. */
export function position(value: number, max: number, start: number, length: number): number {
  const share = max <= 0 ? 0 : Math.min(1, Math.max(0, value / max));
  return Math.round((start + share * length) * 10) / 10;
}

/** A label cut to `length` characters with an ellipsis; the full text stays in the data table and the bar's tooltip. */
export function shortLabel(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
