/**
 * What every bench returns: one row per figure, with the baseline it is compared against and
 * the budget it is held to (architecture §6). Benches print figures; they never fail a test run.
 */
export interface BenchRow {
  name: string;
  figure: number;
  unit: string;
  /** the same work done the obvious way, in the same unit; null when there is none */
  baseline: number | null;
  baselineName: string | null;
  /** figure / baseline */
  ratio: number | null;
  /** the budget in words, e.g. "≥ 20 MB/s and ≥ 10× RegExp"; '' for a figure without one */
  budget: string;
  /** whether the figure keeps its budget; null when it has none */
  ok: boolean | null;
}

/** Nearest-rank percentile (p in 0..100) of the values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const round = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);

/** Prints rows as an aligned plain-text table. */
export function printTable(rows: readonly BenchRow[]): void {
  const header = ['bench', 'figure', 'baseline', 'ratio', 'budget', 'ok'];
  const lines = rows.map((row) => [
    row.name,
    `${round(row.figure)} ${row.unit}`,
    row.baseline === null ? '' : `${round(row.baseline)} ${row.unit} (${row.baselineName ?? ''})`,
    row.ratio === null ? '' : `${round(row.ratio)}×`,
    row.budget,
    row.ok === null ? '' : row.ok ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  console.log(format(header));
  console.log(format(widths.map((width) => '-'.repeat(width))));
  for (const line of lines) console.log(format(line));
}
