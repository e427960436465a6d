import type { Child } from 'hono/jsx';
import { FONT, TEXT_COLOUR } from './palette.js';

/** What names a chart: the frame's own props and part of every chart's. */
export interface ChartLabels {
  /** Unique in the page: the SVG's title and description are referenced by it. */
  readonly id: string;
  readonly title: string;
  /** States the chart's figures in words, for screen readers. */
  readonly description: string;
  /** Written as `data-<name>` attributes on the SVG, for tests and styling. */
  readonly data?: Readonly<Record<string, string>>;
}

export interface ChartFrameProps extends ChartLabels {
  readonly width: number;
  readonly height: number;
  readonly children?: Child;
}

/** The accessible SVG root every chart draws in: an image labelled by its own title and description. */
export function ChartFrame(props: ChartFrameProps) {
  const dataAttributes = Object.fromEntries(Object.entries(props.data ?? {}).map(([name, value]) => [`data-${name}`, value]));
  return (
    <svg
      class="chart"
      role="img"
      aria-labelledby={`${props.id}-title ${props.id}-desc`}
      viewBox={`0 0 ${props.width} ${props.height}`}
      width={props.width}
      height={props.height}
      font-family={FONT}
      font-size="12"
      fill={TEXT_COLOUR}
      {...dataAttributes}
    >
      <title id={`${props.id}-title`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.description}</desc>
      {props.children}
    </svg>
  );
}

export interface AxisTitlesProps {
  /** The title under the plot, centred on `centreX` at height `bottomY`. */
  readonly below: string;
  /** The title turned up the left edge, centred on `middleY`. */
  readonly beside: string;
  readonly centreX: number;
  readonly bottomY: number;
  readonly middleY: number;
}

/** A chart's two axis titles, drawn inside its frame. */
export function AxisTitles(props: AxisTitlesProps) {
  return (
    <>
      <text class="axis-title" x={props.centreX} y={props.bottomY} text-anchor="middle">
        {props.below}
      </text>
      <text class="axis-title" x="14" y={props.middleY} text-anchor="middle" transform={`rotate(-90 14 ${props.middleY})`}>
        {props.beside}
      </text>
    </>
  );
}
