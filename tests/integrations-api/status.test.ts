// The integration status machine: the transitions of issue 7 and nothing else.
import { describe, expect, test } from 'bun:test';
import { AppError } from '../../src/lib/errors';
import {
  assertTransition,
  canTransition,
  type IntegrationStatus,
  statusAfter,
} from '../../src/services/integration-status';

const all: IntegrationStatus[] = ['pending', 'active', 'error', 'disconnected'];
const allowed = new Set([
  'pending>active',
  'pending>error',
  'active>error',
  'active>disconnected',
  'error>active',
  'disconnected>active',
]);

describe('integration status machine', () => {
  test('exactly the listed transitions (and staying put) are allowed', () => {
    for (const from of all) {
      for (const to of all) {
        expect({ from, to, ok: canTransition(from, to) }).toEqual({
          from,
          to,
          ok: from === to || allowed.has(`${from}>${to}`),
        });
      }
    }
  });

  test('a refused transition is a 409 invalid_transition', () => {
    try {
      assertTransition('pending', 'disconnected');
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('invalid_transition');
      expect((err as AppError).status).toBe(409);
    }
  });

  test('an observed outcome moves only where the machine allows', () => {
    expect(statusAfter('pending', 'error')).toBe('error');
    expect(statusAfter('disconnected', 'error')).toBe('disconnected');
    expect(statusAfter('error', 'disconnected')).toBe('error');
    expect(statusAfter('disconnected', 'active')).toBe('active');
  });
});
