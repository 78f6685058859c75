import type { AllItemsRun } from '../../sdk/index.ts';
import { runSqlStep } from '../sql/operations.ts';
import type { Params } from './definition.ts';

export const run: AllItemsRun<Params> = (ctx) => runSqlStep('postgres', ctx);
