// A confusion matrix as a table: rows are actual classes, columns predicted; each cell is shaded
// by its share of the row, green on the diagonal and red off it.
import { ChartFrame } from './chart-frame';

export function ConfusionMatrix({
  title,
  description,
  classes,
  matrix,
  empty,
}: {
  title: string;
  description?: string;
  classes: string[];
  /** matrix[actual][predicted] = count. */
  matrix: number[][];
  empty: string;
}) {
  const total = matrix.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  return (
    <ChartFrame title={title} description={description} height={160} empty={total > 0 ? undefined : empty}>
      <div className="overflow-x-auto">
        <table className="w-full border-separate border-spacing-1 text-sm" aria-label={title}>
          <thead>
            <tr>
              <th scope="col" className="text-left text-xs font-medium text-slate-500">
                actual ↓ · predicted →
              </th>
              {classes.map((c) => (
                <th key={c} scope="col" className="px-2 text-center text-xs font-medium text-slate-700">
                  {c}
                </th>
              ))}
              <th scope="col" className="px-2 text-right text-xs font-medium text-slate-500">
                total
              </th>
            </tr>
          </thead>
          <tbody>
            {matrix.map((row, i) => {
              const rowTotal = row.reduce((a, b) => a + b, 0);
              return (
                <tr key={classes[i]}>
                  <th scope="row" className="pr-2 text-left text-xs font-medium text-slate-700">
                    {classes[i]}
                  </th>
                  {row.map((n, j) => {
                    const share = rowTotal > 0 ? n / rowTotal : 0;
                    const rgb = i === j ? '5 150 105' : '220 38 38';
                    return (
                      <td
                        key={classes[j]}
                        className="rounded px-3 py-2.5 text-center tabular-nums"
                        style={{ backgroundColor: `rgb(${rgb} / ${(0.08 + share * 0.6).toFixed(2)})`, color: share > 0.6 ? '#fff' : '#0f172a' }}
                        title={`actual ${classes[i]}, predicted ${classes[j]}: ${n} (${Math.round(share * 100)}% of the row)`}
                      >
                        <div className="font-semibold">{n.toLocaleString('en-GB')}</div>
                        <div className="text-[11px] opacity-80">{Math.round(share * 100)}%</div>
                      </td>
                    );
                  })}
                  <td className="px-2 text-right text-xs tabular-nums text-slate-500">{rowTotal.toLocaleString('en-GB')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </ChartFrame>
  );
}
