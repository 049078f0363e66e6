// Where the weight-over-time line goes: pure geometry, drawn by canary.js as inline SVG.

export const CHART = { width: 640, height: 200, left: 36, right: 12, top: 12, bottom: 28 };

/**
 * Points of the weight history scaled into the chart (time → x, weight 0..top → y), and the SVG path
 * through them as steps: the weight holds until the next change. `now` extends the last step.
 */
export function weightChart(points, now, maxWeight = 100) {
  const { width, height, left, right, top, bottom } = CHART;
  const times = points.map((p) => Date.parse(p.time)).filter(Number.isFinite);
  const start = times.length ? Math.min(...times) : now;
  const end = Math.max(now, start + 1000);
  const peak = Math.max(maxWeight || 0, ...points.map((p) => p.weight), 1);
  const x = (t) => left + ((t - start) / (end - start)) * (width - left - right);
  const y = (w) => top + (1 - w / peak) * (height - top - bottom);
  const placed = points.map((p) => ({ x: round(x(Date.parse(p.time))), y: round(y(p.weight)), weight: p.weight, time: p.time, phase: p.phase }));
  let d = '';
  placed.forEach((p, i) => {
    d += i === 0 ? `M${p.x},${p.y}` : `H${p.x}V${p.y}`;
  });
  if (placed.length) d += `H${round(x(end))}`;
  const ticks = [0, peak / 2, peak].map((w) => ({ weight: Math.round(w), y: round(y(w)) }));
  return { d, points: placed, ticks, start, end };
}

const round = (n) => Math.round(n * 10) / 10;
