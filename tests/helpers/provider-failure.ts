// Awaits a provider call that must fail and returns its ProviderError (failing the test otherwise).
import { expect } from 'bun:test';
import { ProviderError } from '../../src/integrations/provider-error';

export async function providerFailure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  }
  throw new Error('expected a ProviderError');
}
