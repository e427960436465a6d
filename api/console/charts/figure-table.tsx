/** One figure of a row: money carries its minor units for tests and copying; counts and ratios do not. */
export interface FigureCell {
  readonly text: string;
  readonly minor?: number;
}

export interface FigureRow {
  /** Written as the row's `data-<rowKey>` attribute ("EUR", "email"). */
  readonly key: string;
  /** The row's heading cell, what its figures are of ("EUR", "Email"). */
  readonly heading: string;
  readonly cells: readonly FigureCell[];
}

export interface FigureTableProps {
  /** Written as `data-table`. */
  readonly name: string;
  readonly caption: string;
  /** What a row is of, written as `data-<rowKey>` on each row. */
  readonly rowKey: 'currency' | 'channel';
  /** The column headings, the row heading's first. */
  readonly headings: readonly string[];
  readonly rows: readonly FigureRow[];
}

/** The data table beside a chart: one row per currency or channel, its heading then its figures. */
export function FigureTable({ name, caption, rowKey, headings, rows }: FigureTableProps) {
  return (
    <table class="report-table" data-table={name}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {headings.map((heading) => (
            <th scope="col">{heading}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr {...{ [`data-${rowKey}`]: row.key }}>
            <th scope="row">{row.heading}</th>
            {row.cells.map((cell) => (
              <td class="num" data-minor={cell.minor === undefined ? undefined : String(cell.minor)}>
                {cell.text}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
