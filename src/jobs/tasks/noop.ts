// A task that does nothing: measures the queue's own overhead (bench) and checks a deployment end to end.
import { z } from 'zod';
import { defineTask } from '../registry';

export const noopTask = defineTask({
  type: 'noop',
  payload: z.looseObject({}),
  async run() {
    return null;
  },
});
