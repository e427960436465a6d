import type { AgingBuckets } from '../../../domain/reports/aging.js';

export type AgingBucket = Exclude<keyof AgingBuckets, 'totalMinor'>;

/**
 * The aging buckets in order, with their labels and colours: teal and blue for what is young,
 * amber to dark red as it ages. Each colour has at least 4.5:1 contrast on white, segments are
 * separated by a white line, and every figure is also in the table beside the chart.
 */
export const AGING_BUCKETS: readonly { key: AgingBucket; label: string; colour: string }[] = [
  { key: 'currentMinor', label: 'Current', colour: '#0f766e' },
  { key: 'days1to30Minor', label: '1–30 days', colour: '#3b6ea5' },
  { key: 'days31to60Minor', label: '31–60 days', colour: '#a16207' },
  { key: 'days61to90Minor', label: '61–90 days', colour: '#c2410c' },
  { key: 'over90Minor', label: 'Over 90 days', colour: '#991b1b' },
];

export const BAR_COLOUR = '#3b6ea5';
export const TEXT_COLOUR = '#1f2328';
export const AXIS_COLOUR = '#57606a';
export const GRID_COLOUR = '#d0d7de';
export const FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';
