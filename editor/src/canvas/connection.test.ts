import { describe, expect, it } from 'vitest';
import { catalogue } from '../testing/fixtures.ts';
import { connectionProblem } from './connection.ts';
import { toFlow } from './graph.ts';

const { nodes, edges } = toFlow({
  nodes: [
    { id: 't', type: 'trigger.webhook', name: 'Hook', params: {}, position: [0, 0], onError: 'stop' },
    { id: 'i', type: 'logic.if', name: 'If', params: {}, position: [0, 0], onError: 'stop' },
    { id: 'h', type: 'connector.http', name: 'HTTP', params: {}, position: [0, 0], onError: 'stop' },
  ],
  edges: [
    { source: 't', sourcePort: 'main', target: 'i', targetPort: 'main' },
    { source: 'i', sourcePort: 'true', target: 'h', targetPort: 'main' },
  ],
  stickyNotes: [{ id: 's', text: '', position: [0, 0], width: 100, height: 100, color: 'yellow' }],
});
const check = (source: string, sourceHandle: string, target: string) => connectionProblem({ source, sourceHandle, target, targetHandle: 'main' }, nodes, edges, catalogue);

describe('connectionProblem', () => {
  it('accepts a new connection between ports the types declare', () => {
    expect(check('i', 'false', 'h')).toBeNull();
    expect(check('t', 'main', 'h')).toBeNull();
  });
  it('refuses, with a reason, what the server would refuse', () => {
    expect(check('h', 'main', 't')?.reason).toBe('intoTrigger');
    expect(check('h', 'main', 'h')?.reason).toBe('self');
    expect(check('i', 'true', 'h')?.reason).toBe('duplicate');
    expect(check('h', 'main', 'i')).toMatchObject({ reason: 'cycle', values: { source: 'HTTP', target: 'If' } });
    expect(check('i', 'main', 'h')?.reason).toBe('noSuchPort');
    expect(check('s', 'main', 'h')?.reason).toBe('sticky');
  });
});
