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

  it('pairs a definition with its run in serverNode', () => {
    const definition = defineNode({ ...base, type: 'logic.example', category: 'logic' });
    const run = () => ({ main: [] });
    expect(serverNode(definition, run)).toEqual({ mode: 'perItem', definition, run });
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
