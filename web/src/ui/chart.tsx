// Horizontal bar chart of counts (Chart.js, only the parts a bar chart needs).
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface BarsProps {
  labels: string[];
  values: number[];
  colors?: string[];
  height?: number;
}

export function Bars(p: BarsProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar'> | null>(null);

  useEffect(() => {
    if (!canvas.current) return;
    chart.current = new Chart(canvas.current, {
      type: 'bar',
      data: { labels: [], datasets: [{ data: [], backgroundColor: '#4f6d8f', borderRadius: 3, barThickness: 'flex', maxBarThickness: 18 }] },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { tooltip: { enabled: true }, legend: { display: false } },
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0, color: '#5b6675', font: { size: 11 } }, grid: { color: '#e5e9ee' } },
          y: { ticks: { color: '#1f2a37', font: { size: 12 } }, grid: { display: false } },
        },
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
    <div class="chart" style={{ height: (p.height ?? Math.max(120, p.labels.length * 24 + 30)) + 'px' }}>
      <canvas ref={canvas} data-testid="chart" />
    </div>
  );
}
