import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode, serverNode } from './define.ts';
import { coerceStepError, NodeError, NonRetriableError } from './errors.ts';
import { NO_RETRY } from './types.ts';

const base = {
  version: 1,
  label: 'Example',
  description: 'An example node type.',
  icon: 'box',
  inputs: ['main'],
  outputs: ['main'],
  params: z.object({}),
  mode: 'perItem',
  sideEffects: false,
} as const;

describe('defineNode', () => {
  it('fills the retry policy from NO_RETRY, keeping what the node sets', () => {
    expect(defineNode({ ...base, type: 'logic.example', category: 'logic' }).retry).toEqual(NO_RETRY);
    expect(defineNode({ ...base, type: 'logic.example', category: 'logic', retry: { maxAttempts: 4 } }).retry).toEqual({
      ...NO_RETRY,
      maxAttempts: 4,
    });
  });

  it.each(['example', 'Logic.example', 'logic.', 'logic.my-node', 'logic.example.more', 'logic.1st'])('refuses the type id %j', (type) => {
    expect(() => defineNode({ ...base, type, category: 'logic' })).toThrow(/must look like "category.name"/);
  });

  it('refuses a type id outside its category', () => {
    expect(() => defineNode({ ...base, type: 'transform.example', category: 'logic' })).toThrow(/must start with its category "logic."/);
  });

  it('pairs a definition with its run in serverNode, the run naming the node in what it throws', async () => {
    const definition = defineNode({ ...base, type: 'logic.example', category: 'logic' });
    const node = serverNode(definition, () => ({ main: [] }));
    expect(node).toMatchObject({ mode: 'perItem', definition });
    const ctx = (name: string) => ({ node: { id: 'n', name, type: 'logic.example' } }) as never;
    expect(await node.run(ctx('Example'))).toEqual({ main: [] });

    const failing = async (thrown: unknown) => {
      const throwing = serverNode(definition, () => {
        throw thrown;
      });
      try {
        await throwing.run(ctx('Call ERP'));
      } catch (error) {
        return error;
      }
      throw new Error('expected the run to fail');
    };
    const cause = new NonRetriableError('The answer is not valid JSON', { details: { status: 200 } });
    const named = await failing(cause);
    expect(named).toBeInstanceOf(NonRetriableError);
    expect(coerceStepError(named)).toEqual({ name: 'NonRetriableError', message: 'Node "Call ERP": The answer is not valid JSON', retriable: false, details: { status: 200 } });
    expect((named as Error).cause).toBe(cause);
    // A bug's TypeError stays retriable and keeps its name.
    expect(coerceStepError(await failing(new TypeError('x is not a function')))).toEqual({ name: 'TypeError', message: 'Node "Call ERP": x is not a function', retriable: true });
    // Already named, or an abort reason: as it was.
    const already = new NodeError('Code in "Call ERP" ran too long');
    expect(await failing(already)).toBe(already);
    expect(await failing('cancel')).toBe('cancel');
  });
});

describe('coerceStepError', () => {
  it('keeps details and marks NonRetriableError as not retriable', () => {
    const cause = new Error('socket hang up');
    expect(coerceStepError(new NonRetriableError('Bad request', { details: { status: 400 }, cause }))).toEqual({
      name: 'NonRetriableError',
      message: 'Bad request',
      retriable: false,
      details: { status: 400 },
    });
    expect(coerceStepError(new NodeError('Busy'))).toEqual({ name: 'NodeError', message: 'Busy', retriable: true });
  });

  it('treats anything else thrown as retriable', () => {
    expect(coerceStepError(new TypeError('x is undefined'))).toEqual({ name: 'TypeError', message: 'x is undefined', retriable: true });
    expect(coerceStepError('a string')).toEqual({ name: 'Error', message: 'a string', retriable: true });
  });

  it('keeps the cause on the error itself', () => {
    const cause = new Error('root');
    expect(new NodeError('wrapped', { cause }).cause).toBe(cause);
  });
});
