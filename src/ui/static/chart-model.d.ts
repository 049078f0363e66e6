// Types of chart-model.js for the TypeScript tests that import it.
export interface WeightPoint { time: string; weight: number; phase: string }
export const CHART: { width: number; height: number; left: number; right: number; top: number; bottom: number };
export function weightChart(points: readonly WeightPoint[], now: number, maxWeight?: number): {
  d: string;
  points: { x: number; y: number; weight: number; time: string; phase: string }[];
  ticks: { weight: number; y: number }[];
  start: number;
  end: number;
};
