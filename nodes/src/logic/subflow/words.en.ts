import type { NodeWords } from '../../sdk/words.ts';

export const words = {
  label: 'Run a sub-workflow',
  description: 'Runs another workflow with the items — once, or once per item — and goes on with what its last step gave, or goes on at once.',
  params: {
    workflowId: { label: 'Workflow', help: 'The workflow to run: one that starts with a “When called by another workflow” trigger.' },
    waitForResult: { label: 'Wait for its result', help: 'Off: start it and go on at once (each item gets subflowRunId).' },
    callPer: { label: 'Run it' },
  },
  options: {
    callPer: { call: 'Once, with all the items', item: 'Once for each item' },
  },
  messages: {
    chooseWorkflow: 'Choose the workflow to run',
    noRuntime: 'Sub-workflows run only inside Junction’s runtime',
    failed: 'The sub-workflow’s run {{run}} failed: {{message}}',
    cancelled: 'The sub-workflow’s run {{run}} was cancelled',
  },
} as const satisfies NodeWords;
