import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { keys } from '../api/queries.ts';
import type { Credential, Me } from '../api/types.ts';
import { MeContext } from '../session/session.ts';
import { typeInfo } from '../testing/fixtures.ts';
import { FORM_DEFAULTS, FormContext } from './form-context.ts';
import { ObjectFields } from './SchemaForm.tsx';

const credential = (id: string, name: string, type: Credential['type']): Credential => ({ id, name, type, ownerId: 'u', sharedWith: [], fields: {}, secretsSet: [], createdAt: '', updatedAt: '' });
const me: Me = {
  user: { id: 'u', email: 'erin@shop.test', name: 'Erin', role: 'editor', disabled: false, createdAt: '', updatedAt: '' },
  capabilities: ['workflows:read', 'workflows:write', 'credentials:read'],
  authenticatedWith: 'session',
  csrfToken: 't',
};

/** The webhook trigger's form as the inspector shows it, with the credentials the editor may use already fetched. */
function WebhookForm({ onValue }: { onValue(value: Record<string, unknown>): void }) {
  const [value, setValue] = useState<Record<string, unknown>>({ path: 'orders' });
  const [client] = useState(() => {
    // What is set here is what the screen gets: nothing is fetched again.
    const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } });
    queryClient.setQueryData(keys.credentials, [
      credential('11111111-1111-4111-8111-111111111111', 'Shop header token', 'httpHeader'),
      credential('22222222-2222-4222-8222-222222222222', 'GitHub secret', 'hmacSecret'),
      credential('33333333-3333-4333-8333-333333333333', 'ERP bearer', 'httpBearer'),
    ]);
    queryClient.setQueryData(keys.credentialTypes, { list: [], byType: new Map() });
    return queryClient;
  });
  const type = typeInfo('trigger.webhook');
  const slots = Object.fromEntries((type.credentials ?? []).map((slot) => [slot.param, slot.types]));
  return (
    <QueryClientProvider client={client}>
      <MeContext.Provider value={me}>
        <FormContext.Provider value={{ ...FORM_DEFAULTS, nodeId: 'w', nodeType: 'trigger.webhook', params: value, credentialSlots: slots }}>
          <ObjectFields
            schema={type.params}
            value={value}
            path={[]}
            onChange={(next) => {
              setValue(next);
              onValue(next);
            }}
          />
        </FormContext.Provider>
      </MeContext.Provider>
    </QueryClientProvider>
  );
}

describe('the webhook trigger’s auth in the inspector', () => {
  it('offers the GitHub, Shopify and Stripe conventions, says what callers must send, and takes only the credential that kind needs', async () => {
    const values: Record<string, unknown>[] = [];
    render(<WebhookForm onValue={(v) => values.push(v)} />);
    expect(screen.getByTestId('webhook-auth-summary').textContent).toBe('Anyone who knows the address can start this workflow.');
    expect(screen.queryByTestId('credential-credential')).toBeNull();

    await userEvent.selectOptions(screen.getByTestId('webhook-auth-kind'), 'hmac');
    await userEvent.selectOptions(screen.getByTestId('webhook-auth-style'), 'github');
    expect(values.at(-1)).toMatchObject({ auth: { kind: 'hmac', style: 'github' } });
    expect(screen.getByTestId('webhook-auth-summary').textContent).toContain('X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>');
    expect(screen.getByTestId('webhook-auth-summary').textContent).toContain('Each X-GitHub-Delivery is accepted once.');
    const picker = screen.getByTestId('credential-credential');
    expect(within(picker).getAllByRole('option').map((o) => o.textContent)).toEqual(['Choose…', 'GitHub secret']);
    await userEvent.selectOptions(picker, 'GitHub secret');
    expect(values.at(-1)).toMatchObject({ credential: '22222222-2222-4222-8222-222222222222' });

    // A detail changed from the convention is kept; choosing another convention starts from its defaults.
    await userEvent.type(screen.getByLabelText('Signature header'), 'X-Signature-Custom');
    expect(values.at(-1)).toMatchObject({ auth: { kind: 'hmac', style: 'github', header: 'X-Signature-Custom' } });
    expect(screen.getByTestId('webhook-auth-summary').textContent).toContain('X-Signature-Custom: sha256=');
    await userEvent.selectOptions(screen.getByTestId('webhook-auth-style'), 'stripe');
    expect(values.at(-1)?.auth).toEqual({ kind: 'hmac', style: 'stripe' });
    expect(screen.getByTestId('webhook-auth-summary').textContent).toContain('Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of “t.body”>, with t within 300 seconds');

    await userEvent.selectOptions(screen.getByTestId('webhook-auth-kind'), 'header');
    expect(within(screen.getByTestId('credential-credential')).getAllByRole('option').map((o) => o.textContent)).toEqual(['Choose…', 'GitHub secret (not of this kind)', 'Shop header token']);
  });
});
