import { AxisTitles, ChartFrame, type ChartLabels } from './chart-frame.js';
import { AXIS_COLOUR, BAR_COLOUR, GRID_COLOUR } from './palette.js';
import { niceTicks, position } from './scale.js';

export interface Column {
  /** The category under the column ("8 Jun"). */
  readonly label: string;
  readonly value: number;
  readonly tooltip: string;
}

export interface VerticalBarsProps extends ChartLabels {
  readonly categoryAxisTitle: string;
  readonly valueAxisTitle: string;
  readonly columns: readonly Column[];
  readonly tickText: (value: number) => string;
}

const WIDTH = 720;
const PLOT_START = 96;
const PLOT_WIDTH = WIDTH - PLOT_START - 16;
const PLOT_TOP = 12;
const PLOT_HEIGHT = 200;
const HEIGHT = PLOT_TOP + PLOT_HEIGHT + 56;
/** Category labels at most this many across; with more columns every n-th is labelled. */
const MAX_LABELS = 8;

/** Columns on a value axis from zero (one series), as static SVG. */
export function VerticalBars(props: VerticalBarsProps) {
  const ticks = niceTicks(Math.max(0, ...props.columns.map((column) => column.value)));
  const max = ticks.at(-1)!;
  const bottom = PLOT_TOP + PLOT_HEIGHT;
  const y = (value: number) => bottom - (position(value, max, 0, PLOT_HEIGHT));
  const slot = PLOT_WIDTH / Math.max(1, props.columns.length);
  const labelEvery = Math.ceil(props.columns.length / MAX_LABELS);
  return (
    <ChartFrame id={props.id} title={props.title} description={props.description} width={WIDTH} height={HEIGHT} data={props.data}>
      <g class="grid">
        {ticks.map((tick) => (
          <g>
            <line x1={PLOT_START} x2={PLOT_START + PLOT_WIDTH} y1={y(tick)} y2={y(tick)} stroke={GRID_COLOUR} />
            <text x={PLOT_START - 6} y={y(tick) + 4} text-anchor="end" fill={AXIS_COLOUR}>
              {props.tickText(tick)}
            </text>
          </g>
        ))}
      </g>
      {props.columns.map((column, index) => {
        const centre = Math.round((PLOT_START + slot * (index + 0.5)) * 10) / 10;
        const width = Math.max(2, Math.round(slot * 0.7 * 10) / 10);
        return (
          <g class="column" data-label={column.label}>
            {column.value > 0 ? (
              <rect class="bar" data-key="value" data-value={String(column.value)} x={centre - width / 2} y={y(column.value)} width={width} height={bottom - y(column.value)} fill={BAR_COLOUR}>
                <title>{column.tooltip}</title>
              </rect>
            ) : null}
            {index % labelEvery === 0 ? (
              <text x={centre} y={bottom + 16} text-anchor="middle" fill={AXIS_COLOUR}>
                {column.label}
              </text>
            ) : null}
          </g>
        );
      })}
      <line x1={PLOT_START} x2={PLOT_START + PLOT_WIDTH} y1={bottom} y2={bottom} stroke={AXIS_COLOUR} />
      <AxisTitles below={props.categoryAxisTitle} beside={props.valueAxisTitle} centreX={PLOT_START + PLOT_WIDTH / 2} bottomY={HEIGHT - 8} middleY={PLOT_TOP + PLOT_HEIGHT / 2} />
    </ChartFrame>
  );
}
