// Images by risk as a bar per severity (recharts), worst first, in the colours the risk badges use.
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { SEVERITY_COLORS } from '../ui/tags';

const ORDER: [string, string][] = [
  ['High', 'High'],
  ['Medium', 'Medium'],
  ['Low', 'Low'],
  ['Security', 'No risk'],
  ['unscanned', 'Not scanned'],
];

export function RiskChart({ counts }: { counts: Record<string, number> }) {
  const data = ORDER.map(([key, label]) => ({ key, label, images: counts[key] ?? 0 }));
  return (
    <div role="img" aria-label={data.map((d) => `${d.label}: ${d.images}`).join(', ')} style={{ height: 240 }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" />
          <YAxis allowDecimals={false} width={48} />
          <Tooltip />
          <Bar dataKey="images" isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.key} fill={SEVERITY_COLORS[d.key]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
