// integration.test: the connection test run as a job (after provisioning, or to re-check an
// integration on a schedule); the result is the same {success, message, data?} the admin API shows.
import { z } from 'zod';
import { testIntegration } from '../../services/integration-connection';
import { defineTask, PermanentJobError } from '../registry';

export const integrationTestTask = defineTask({
  type: 'integration.test',
  payload: z.object({ integrationId: z.uuid() }),
  maxAttempts: 3,
  async run({ integrationId }, { deps, job }) {
    if (!job.tenantId) throw new PermanentJobError('integration.test needs a tenant');
    const outcome = await testIntegration(deps, job.tenantId, integrationId, { actor: { type: 'system' } });
    if (!outcome) return { skipped: 'integration not found' };
    return { ...outcome.result, status: outcome.integration.status };
  },
});
