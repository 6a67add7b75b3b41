// Every task the worker knows. Each feature adds its task module here (one file per job type).
import { createRegistry, type TaskRegistry } from '../registry';
import { noopTask } from './noop';

export const tasks = [noopTask];

export function createTaskRegistry(): TaskRegistry {
  return createRegistry(tasks);
}
