// Every job type the worker can run. Add a task here when you add src/jobs/tasks/<type>.ts.
import type { TaskDefinition } from '../registry';
import { leadFollowUp } from './lead-follow-up';
import { tenantProvisionTask } from './tenant-provision';

// biome-ignore lint/suspicious/noExplicitAny: each task has its own payload type; the registry parses it.
export const tasks: TaskDefinition<any>[] = [leadFollowUp, tenantProvisionTask];
