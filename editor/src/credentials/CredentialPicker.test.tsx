import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Me } from '../api/types.ts';
import { detailsText } from '../audit/AuditPage.tsx';
import { i18n } from '../i18n/index.ts';
import { FORM_DEFAULTS, FormContext } from '../inspector/form-context.ts';
import { ObjectFields } from '../inspector/SchemaForm.tsx';
import { MeContext } from '../session/session.ts';
import { typeInfo } from '../testing/fixtures.ts';
import { useCredentialText } from './CredentialFields.tsx';

/** A viewer: may read workflows and runs, not credentials or their types (GET /api/credential-types answers 403). */
const viewer: Me = {
  user: { id: 'v', email: 'vera@shop.test', name: 'Vera', role: 'viewer', disabled: false, createdAt: '', updatedAt: '' },
  capabilities: ['workflows:read', 'runs:read', 'node-types:read', 'api-keys:manage'],
  authenticatedWith: 'session',
  csrfToken: 't',
};

function HttpNodeAsViewer() {
  const type = typeInfo('connector.http');
  const slots = Object.fromEntries((type.credentials ?? []).map((slot) => [slot.param, slot.types]));
  const params = { method: 'GET', url: 'https://erp.example.com', credential: '11111111-1111-4111-8111-111111111111' };
  return (
    <QueryClientProvider client={new QueryClient()}>
      <MeContext.Provider value={viewer}>
        <FormContext.Provider value={{ ...FORM_DEFAULTS, nodeId: 'h', nodeType: 'connector.http', params, credentialSlots: slots, readOnly: true }}>
          <ObjectFields schema={type.params} value={params} path={[]} onChange={() => undefined} />
        </FormContext.Provider>
      </MeContext.Provider>
    </QueryClientProvider>
  );
}

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('credential types by name, for everyone', () => {
  it('tells a viewer which kinds of credential a node takes by their names, not their ids', async () => {
    const { unmount } = render(<HttpNodeAsViewer />);
    expect(screen.getByText(/^Takes:/).textContent).toBe('Takes: HTTP header, Bearer token, Basic auth, OAuth2 client credentials');
    expect(document.body.textContent).not.toMatch(/httpHeader|oauth2ClientCredentials/);
    unmount();
    await i18n.changeLanguage('zh-TW');
    render(<HttpNodeAsViewer />);
    expect(screen.getByText(/^可用類型：/).textContent).toBe('可用類型：HTTP 標頭, Bearer 權杖, Basic 驗證, OAuth2 用戶端憑證');
  });

  it('names a type the editor has no words for from its id', () => {
    let label = '';
    function Probe() {
      label = useCredentialText().typeLabel('shopifyAdminToken');
      return null;
    }
    render(<Probe />);
    expect(label).toBe('Shopify admin token');
  });

  it('writes an audit entry’s details in words: types, roles, reasons, yes and no', async () => {
    const typeLabel = (type: string) => i18n.t(`credentialTypes.${type}.label`);
    const entry = { details: { name: 'ERP', type: 'postgres', sharedWith: [] as string[] } };
    expect(detailsText(entry, i18n.t, typeLabel)).toBe('Name: ERP · Type: PostgreSQL · Shared with: ');
    await i18n.changeLanguage('zh-TW');
    expect(detailsText({ details: { reason: 'wrong password' } }, i18n.t, typeLabel)).toBe('原因：密碼錯誤');
    expect(detailsText({ details: { role: 'viewer', ok: true, host: 'api.shop.example' } }, i18n.t, typeLabel)).toBe('角色：檢視者 · 成功：是 · 主機：api.shop.example');
  });
});
