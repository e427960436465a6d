import { AxisTitles, ChartFrame, type ChartLabels } from './chart-frame.js';
import { AXIS_COLOUR, GRID_COLOUR } from './palette.js';
import { niceTicks, position, shortLabel } from './scale.js';

export interface BarSegment {
  /** Names the part of the bar for tests and styling (an aging bucket, "value"). */
  readonly key: string;
  readonly value: number;
  readonly colour: string;
  /** Shown on hover; the same figure is in the data table. */
  readonly tooltip: string;
}

export interface BarRow {
  readonly label: string;
  /** Drawn end to end; empty for a row without a figure. */
  readonly segments: readonly BarSegment[];
  /** Written after the bar: the row's figure ("€385.00", "28.9 %", "no figure"). */
  readonly valueText: string;
  readonly emphasised?: boolean;
}

export interface HorizontalBarsProps extends ChartLabels {
  readonly categoryAxisTitle: string;
  readonly valueAxisTitle: string;
  readonly rows: readonly BarRow[];
  readonly tickText: (value: number) => string;
  /** The axis end; by default the rounded largest row. */
  readonly max?: number;
  readonly legend?: readonly { readonly label: string; readonly colour: string }[];
}

const WIDTH = 720;
const LABEL_END = 196;
const PLOT_START = 204;
const PLOT_WIDTH = WIDTH - PLOT_START - 104;
const ROW_HEIGHT = 30;
const BAR_HEIGHT = 18;

/** Rows of horizontal bars (stacked when a row has several segments) on a value axis from zero, as static SVG. */
export function HorizontalBars(props: HorizontalBarsProps) {
  const largest = Math.max(0, ...props.rows.map((row) => row.segments.reduce((sum, segment) => sum + segment.value, 0)));
  const ticks = niceTicks(props.max ?? largest);
  const max = props.max ?? ticks.at(-1)!;
  const top = props.legend ? 30 : 8;
  const plotHeight = props.rows.length * ROW_HEIGHT;
  const height = top + plotHeight + 52;
  const x = (value: number) => position(value, max, PLOT_START, PLOT_WIDTH);
  return (
    <ChartFrame id={props.id} title={props.title} description={props.description} width={WIDTH} height={height} data={props.data}>
      {props.legend ? (
        <g class="legend">
          {props.legend.map((entry, index) => (
            <g>
              <rect x={PLOT_START + index * 100} y="6" width="12" height="12" fill={entry.colour} />
              <text x={PLOT_START + index * 100 + 16} y="16">
                {entry.label}
              </text>
            </g>
          ))}
        </g>
      ) : null}
      <g class="grid">
        {ticks.map((tick) => (
          <g>
            <line x1={x(tick)} x2={x(tick)} y1={top} y2={top + plotHeight} stroke={GRID_COLOUR} />
            <text x={x(tick)} y={top + plotHeight + 16} text-anchor="middle" fill={AXIS_COLOUR}>
              {props.tickText(tick)}
            </text>
          </g>
        ))}
      </g>
      {props.rows.map((row, index) => {
        const y = top + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2;
        let start = 0;
        return (
          <g class="bar-row" data-label={row.label}>
            <text x={LABEL_END} y={y + 13} text-anchor="end" font-weight={row.emphasised ? 'bold' : undefined}>
              {shortLabel(row.label, 30)}
            </text>
            {row.segments
              .filter((segment) => segment.value > 0)
              .map((segment) => {
                const from = x(start);
                start += segment.value;
                return (
                  <rect class="bar" data-key={segment.key} data-value={String(segment.value)} x={from} y={y} width={Math.max(1, x(start) - from)} height={BAR_HEIGHT} fill={segment.colour} stroke="#ffffff">
                    <title>{segment.tooltip}</title>
                  </rect>
                );
              })}
            <text x={x(start) + 6} y={y + 13} font-weight={row.emphasised ? 'bold' : undefined}>
              {row.valueText}
            </text>
          </g>
        );
      })}
      <line x1={PLOT_START} x2={PLOT_START} y1={top} y2={top + plotHeight} stroke={AXIS_COLOUR} />
      <AxisTitles below={props.valueAxisTitle} beside={props.categoryAxisTitle} centreX={PLOT_START + PLOT_WIDTH / 2} bottomY={height - 8} middleY={top + plotHeight / 2} />
    </ChartFrame>
  );
}
