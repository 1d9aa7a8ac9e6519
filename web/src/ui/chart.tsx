// Bar chart of counts (Chart.js, only the parts a bar chart needs): horizontal by default,
// vertical for a trend over time.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface BarsProps {
  labels: string[];
  values: number[];
  colors?: string[];
  height?: number;
  /** Bars standing up, one per period left to right (a trend). */
  vertical?: boolean;
  /** What the chart shows, for screen readers (the canvas is an image to them). */
  label?: string;
}

export function Bars(p: BarsProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar'> | null>(null);

  useEffect(() => {
    if (!canvas.current) return;
    const counts = { beginAtZero: true, ticks: { precision: 0, color: '#5b6675', font: { size: 11 } }, grid: { color: '#e5e9ee' } };
    const names = { ticks: { color: '#1f2a37', font: { size: 12 }, autoSkip: !!p.vertical, maxRotation: 0 }, grid: { display: false } };
    chart.current = new Chart(canvas.current, {
      type: 'bar',
      data: { labels: [], datasets: [{ data: [], backgroundColor: '#4f6d8f', borderRadius: 3, barThickness: 'flex', maxBarThickness: 18 }] },
      options: {
        indexAxis: p.vertical ? 'x' : 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { tooltip: { enabled: true }, legend: { display: false } },
        scales: p.vertical ? { x: names, y: counts } : { x: counts, y: names },
      },
    });
    return () => chart.current?.destroy();
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.labels = p.labels;
    const ds = c.data.datasets[0]!;
    ds.data = p.values;
    ds.backgroundColor = p.colors ?? '#4f6d8f';
    c.update();
  }, [p.labels.join('|'), p.values.join('|'), (p.colors ?? []).join('|')]);

  return (
    <div class="chart" style={{ height: (p.height ?? (p.vertical ? 200 : Math.max(120, p.labels.length * 24 + 30))) + 'px' }}>
      <canvas ref={canvas} data-testid="chart" role={p.label ? 'img' : undefined} aria-label={p.label} />
    </div>
  );
}
