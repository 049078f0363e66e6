// Types of table-model.js for the TypeScript tests that import it (the browser needs none).
export interface Check { name: string; kind: 'metric' | 'webhook'; verdict: string; value?: number | null; min?: number; max?: number; message?: string; time: string }
export interface Row { key: string; namespace: string; name: string; phase: string; weight: number; maxWeight?: number; failedChecks: number; threshold: number; checks: Check[]; since?: string; message?: string }
export interface Filter { namespace?: string; phase?: string; text?: string }
export const PHASES: readonly string[];
export const SORTABLE: readonly string[];
export function checkText(check: Check): string;
export function ago(since: string | undefined, now: number): string;
export function weightText(row: Row): string;
export function filterRows<R extends Row>(rows: readonly R[], filter?: Filter): R[];
export function sortRows<R extends Row>(rows: readonly R[], key?: string, direction?: 'ascending' | 'descending'): R[];
export function countByPhase(rows: readonly Row[]): [string, number][];
export function applyChanges<R extends Row>(byKey: Map<string, R>, changes: { upsert?: R[]; remove?: string[] }): Map<string, R>;
