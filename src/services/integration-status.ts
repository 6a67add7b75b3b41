// The integration status machine (issue 7): pending → active | error, active → error | disconnected,
// error → active, disconnected → active. Staying in the same state is always allowed (a repeated
// successful test keeps an integration active and refreshes lastSyncAt).
import type { Integration } from '../../drizzle/schema';
import { AppError } from '../lib/errors';

export type IntegrationStatus = Integration['status'];

const transitions: Record<IntegrationStatus, readonly IntegrationStatus[]> = {
  pending: ['active', 'error'],
  active: ['error', 'disconnected'],
  error: ['active'],
  disconnected: ['active'],
};

export function canTransition(from: IntegrationStatus, to: IntegrationStatus): boolean {
  return from === to || transitions[from].includes(to);
}

export function assertTransition(from: IntegrationStatus, to: IntegrationStatus): void {
  if (!canTransition(from, to)) {
    throw new AppError('invalid_transition', `An integration cannot go from ${from} to ${to}`, {
      details: [{ path: 'status', message: `allowed from ${from}: ${transitions[from].join(', ') || 'none'}` }],
    });
  }
}

/**
 * Where an observed outcome (connection test, device callback) takes the integration: the target
 * state when the machine allows it, otherwise the current one (a failed test of a disconnected
 * integration stays disconnected; only its error message changes).
 */
export function statusAfter(current: IntegrationStatus, observed: IntegrationStatus): IntegrationStatus {
  return canTransition(current, observed) ? observed : current;
}
