import { describe, expect, it } from 'vitest';
import type { Credential, CredentialType } from '../api/types.ts';
import { dataFromDraft, fieldsOf, initialDraft, missingFields } from './credential-data.ts';

/** Shapes as GET /api/credential-types describes them (JSON Schema from the zod schemas). */
const header: CredentialType = {
  type: 'httpHeader',
  label: 'HTTP header',
  description: '',
  secretFields: ['value'],
  schema: {
    required: ['name', 'value'],
    properties: {
      name: { type: 'string', description: 'Header name' },
      value: { type: 'string', writeOnly: true },
      allowedHosts: { type: 'array', items: { type: 'string' }, default: [] },
    },
  },
};
const postgres: CredentialType = {
  type: 'postgres',
  label: 'PostgreSQL',
  description: '',
  secretFields: ['password'],
  schema: {
    required: ['host', 'database', 'user'],
    properties: {
      host: { type: 'string' },
      port: { type: 'integer', default: 5432 },
      database: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string', writeOnly: true },
      ssl: { type: 'string', enum: ['disable', 'require', 'verify-full'], default: 'disable' },
    },
  },
};
const stored: Credential = {
  id: 'c1',
  name: 'ERP',
  type: 'postgres',
  ownerId: 'u1',
  sharedWith: [],
  fields: { host: 'db.shop.test', port: 5432, database: 'erp', user: 'sync', ssl: 'require' },
  secretsSet: ['password'],
  createdAt: '',
  updatedAt: '',
};

describe('a credential’s form', () => {
  it('knows each field’s kind from the schema: secrets, numbers, choices, lists', () => {
    expect(fieldsOf(postgres).map((f) => [f.name, f.kind, f.required])).toEqual([
      ['host', 'text', true],
      ['port', 'number', false],
      ['database', 'text', true],
      ['user', 'text', true],
      ['password', 'secret', false],
      ['ssl', 'choice', false],
    ]);
    expect(fieldsOf(header).map((f) => f.kind)).toEqual(['text', 'secret', 'list']);
  });

  it('starts a new one from the defaults, and a stored one from its non-secret fields — a secret is never filled in', () => {
    expect(initialDraft(postgres)).toEqual({ host: '', port: '5432', database: '', user: '', password: '', ssl: 'disable' });
    expect(initialDraft(postgres, stored)).toEqual({ host: 'db.shop.test', port: '5432', database: 'erp', user: 'sync', password: '', ssl: 'require' });
  });

  it('sends every filled field of a new one, typed as the schema says', () => {
    const draft = { name: 'X-Api-Key', value: ' s3cret ', allowedHosts: 'api.shop.test\n*.erp.test, other.test\n' };
    expect(dataFromDraft(header, draft)).toEqual({ name: 'X-Api-Key', value: ' s3cret ', allowedHosts: ['api.shop.test', '*.erp.test', 'other.test'] });
    expect(dataFromDraft(postgres, { ...initialDraft(postgres), host: 'db', database: 'erp', user: 'u', port: '6543' })).toEqual({ host: 'db', port: 6543, database: 'erp', user: 'u', ssl: 'disable' });
  });

  it('sends only what changed of a stored one: a secret only when typed, a cleared optional field as null', () => {
    const original = initialDraft(postgres, stored);
    expect(dataFromDraft(postgres, original, original)).toBeUndefined();
    expect(dataFromDraft(postgres, { ...original, host: 'db2.shop.test' }, original)).toEqual({ host: 'db2.shop.test' });
    expect(dataFromDraft(postgres, { ...original, password: 'new one' }, original)).toEqual({ password: 'new one' });
    expect(dataFromDraft(postgres, { ...original, port: '' }, original)).toEqual({ port: null });
    const headerOriginal = initialDraft(header, { ...stored, type: 'httpHeader', fields: { name: 'X-Key', allowedHosts: ['a.test'] }, secretsSet: ['value'] });
    expect(dataFromDraft(header, { ...headerOriginal, allowedHosts: '' }, headerOriginal)).toEqual({ allowedHosts: [] });
  });

  it('asks for required fields before sending, counting a stored secret as filled', () => {
    expect(missingFields(header, { name: '', value: '', allowedHosts: '' })).toEqual(['name', 'value']);
    expect(missingFields(header, { name: 'X-Key', value: '', allowedHosts: '' }, { ...stored, type: 'httpHeader', secretsSet: ['value'] })).toEqual([]);
    // A field with a default is never missing: the server fills it in.
    expect(missingFields(postgres, { ...initialDraft(postgres), host: 'db', database: 'erp', user: 'u', port: '' })).toEqual([]);
  });
});
