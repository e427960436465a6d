import { vi } from 'vitest';

/**
 * Setup of the `clock+1y` project: the pure tests run again with Date a year (and a day) ahead,
 * still ticking. A test that reads the clock instead of the `now` it passes to the code fails here.
 */
const YEAR_AND_A_DAY_MS = 366 * 86_400_000;
vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + YEAR_AND_A_DAY_MS, shouldAdvanceTime: true });
