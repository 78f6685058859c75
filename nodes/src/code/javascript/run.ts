import { NonRetriableError, type AllItemsRun } from '../../sdk/index.ts';
import type { Params } from './definition.ts';

export const run: AllItemsRun<Params> = async ({ params, items, sandbox }) => {
  if (!sandbox) throw new NonRetriableError('The Code node needs the sandbox, which is not running here');
  return { main: await sandbox.runCode({ code: params.code, mode: params.mode, items }) };
};
