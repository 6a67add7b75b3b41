// Every task the worker runs, in one plain array (each issue adds its own).
import { leadFollowUp } from './lead-follow-up';

export const tasks = [leadFollowUp];
