import { NodeError, nodeMessages, type Item, type PortItems, type StepWait, type WaitingRun } from '../../sdk/index.ts';
import type { Params } from './definition.ts';
import { words } from './words.en.ts';

const say = nodeMessages('logic.subflow', words.messages);

/**
 * Starts the sub-workflow's runs (one with all items, or one per item) and either goes on
 * at once, or waits — holding no worker — until they have all finished, then goes on with
 * the items of their last steps (each paired with the item its run was for).
 */
export const run: WaitingRun<Params> = async ({ params, items, resumed, subflows }): Promise<PortItems | StepWait> => {
  if (!subflows) throw say.fail('noRuntime');
  if (!resumed) {
    const batches = params.callPer === 'item' ? items.map((item) => [{ json: item.json }]) : [items.map((item) => ({ json: item.json }))];
    const runIds = await subflows.start(params.workflowId, batches);
    if (!params.waitForResult) {
      const started: Item[] = items.map((item, i) => ({ json: { ...item.json, subflowRunId: runIds[params.callPer === 'item' ? i : 0]! }, pairedItem: i }));
      return { main: started };
    }
    return { wait: { until: null, resumable: false, reason: `the sub-workflow's ${runIds.length === 1 ? 'run' : `${runIds.length} runs`}`, runs: runIds, state: { runs: runIds } } };
  }
  const runIds = (resumed.state?.runs ?? []) as string[];
  const results = await subflows.results(runIds);
  const failed = results.find((result) => result.status !== 'succeeded');
  if (failed) {
    const said = { run: failed.id, message: failed.error?.message ?? 'no reason given' };
    const message = failed.status === 'cancelled' ? say.fail('cancelled', said) : say.fail('failed', said);
    throw new NodeError(message.message, { details: { subflowRunId: failed.id } });
  }
  const byId = new Map(results.map((result) => [result.id, result]));
  const main: Item[] = [];
  runIds.forEach((runId, index) => {
    const paired = params.callPer === 'item' ? index : items.map((_, i) => i);
    for (const out of byId.get(runId)?.output ?? []) main.push({ json: out.json, pairedItem: paired });
  });
  return { main };
};
