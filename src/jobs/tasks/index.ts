// Every job type the worker can run: add a task here when you add src/jobs/tasks/<type>.ts.
// Every worker of a deployment must know every type (an unknown type is dead on arrival).
import { createRegistry, type TaskDefinition, type TaskRegistry } from '../registry';
import { leadFollowUp } from './lead-follow-up';
import { noopTask } from './noop';
import { tenantProvisionTask } from './tenant-provision';

// biome-ignore lint/suspicious/noExplicitAny: each task has its own payload type; the registry parses it.
export const tasks: TaskDefinition<any>[] = [leadFollowUp, tenantProvisionTask, noopTask];

export function createTaskRegistry(): TaskRegistry {
  return createRegistry(tasks);
}
