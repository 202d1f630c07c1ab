/** A live line chart (uPlot); the parent passes the whole series each time it changes. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartProps {
  title: string;
  series: { label: string; stroke: string }[];
  /** [timestamps (s), ...one array per series] */
  data: number[][];
  format?: (value: number) => string;
}

export function Chart({ title, series, data, format }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const element = host.current!;
    const options: uPlot.Options = {
      width: Math.max(280, element.clientWidth || 420),
      height: 180,
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, ...(format ? { value: (_u: uPlot, v: number | null) => (v === null ? '–' : format(v)) } : {}) }))],
      axes: [{}, { size: 64, ...(format ? { values: (_u: uPlot, values: number[]) => values.map(format) } : {}) }],
      legend: { live: false },
      cursor: { show: false },
    };
    plot.current = new uPlot(options, data as uPlot.AlignedData, element);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(280, element.clientWidth), height: 180 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);
  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={host} role="img" aria-label={`${title} chart`} />
    </figure>
  );
}
