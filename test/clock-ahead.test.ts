import { expect, it } from 'vitest';

// Runs only in the `clock+1y` project: proves its setup really moved the clock the pure tests see.
it('sees Date a year ahead of the real clock (performance.timeOrigin is not faked)', () => {
  const realNow = performance.timeOrigin + performance.now();
  expect(Date.now() - realNow).toBeGreaterThan(365 * 86_400_000);
  expect(new Date().getUTCFullYear()).toBeGreaterThan(new Date(realNow).getUTCFullYear());
});
