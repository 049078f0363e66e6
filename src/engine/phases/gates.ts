import type { HookType } from '../../api/index.js';
import { type Ctx, event, id, notify } from '../context.js';
import { hooksOfType } from '../settings.js';

/**
 * Records that a confirm-* gate is closed. The clock starts at the first refusal and keeps running
 * across reconciles, so a gate's deadline is measured from when the rollout first waited.
 */
export function closeGate(ctx: Ctx, type: HookType, hookName: string): void {
  const already = ctx.status.gate?.type === type;
  ctx.status = { ...ctx.status, gate: { type, since: already && ctx.status.gate ? ctx.status.gate.since : ctx.now.toISOString() } };
  if (already) return;
  event(ctx, 'Warning', 'WaitingForApproval', `Halt ${id(ctx)} advancement waiting for approval ${hookName}`);
  const muted = hooksOfType(ctx.canary, type).find((h) => h.name === hookName)?.muteAlert ?? false;
  if (!muted) notify(ctx, 'warn', `${id(ctx)} is waiting for approval: ${type} ${hookName}`);
}

export function openGate(ctx: Ctx): void {
  if (!ctx.status.gate) return;
  const { gate: _gate, ...rest } = ctx.status;
  ctx.status = rest;
}
