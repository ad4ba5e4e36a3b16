import { type CostReport, LINE_ITEMS, type LineItem } from './model.ts';

const usd = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A Markdown table of line items, one column per report (e.g. 10 GB, 100 GB, 1 TB per day). */
export function costTable(columns: readonly { title: string; report: CostReport }[]): string {
  const items = (Object.keys(LINE_ITEMS) as LineItem[]).filter((k) =>
    columns.some((c) => c.report.lines[k] > 0),
  );
  const rows = [
    ['Monthly cost (USD)', ...columns.map((c) => c.title)],
    ...items.map((k) => [LINE_ITEMS[k], ...columns.map((c) => usd(c.report.lines[k]))]),
    ['**Total**', ...columns.map((c) => `**${usd(c.report.total)}**`)],
    [
      'per GB of raw logs',
      ...columns.map((c) => {
        const perGb = (c.report.assumptions.comparison as { perGb: number }).perGb;
        return `$${perGb.toFixed(4)}`;
      }),
    ],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    `| ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}
