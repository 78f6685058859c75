/** "Test connection": tries the credential on its real system (an HTTP credential on an address you give) and says what happened. */
import { useMutation } from '@tanstack/react-query';
import { HTTP_CREDENTIAL_TYPES } from '@junction/nodes';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { testCredential } from '../api/credentials.ts';
import type { Credential, CredentialTestResult } from '../api/types.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { TextField } from '../ui/Field.tsx';
import { messageOf } from '../ui/feedback.tsx';
import { refusalText } from '../runs/step-error.ts';

const TESTED_ON_AN_ADDRESS: readonly string[] = HTTP_CREDENTIAL_TYPES;

export function TestConnection({ type, run, note }: { type: string; run(url: string | undefined): Promise<CredentialTestResult>; note?: ReactNode }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState('');
  const test = useMutation({ mutationFn: () => run(url.trim() || undefined) });
  return (
    <section className="test-connection" aria-label={t('credentials.test')}>
      {TESTED_ON_AN_ADDRESS.includes(type) ? (
        <TextField label={t('credentials.testUrl')} type="url" value={url} onChange={setUrl} placeholder="https://api.example.com/" help={t('credentials.testUrlHelp')} />
      ) : null}
      <div className="row">
        <button type="button" className="button" onClick={() => test.mutate()} disabled={test.isPending} data-testid="test-credential">
          {test.isPending ? t('credentials.testing') : t('credentials.test')}
        </button>
        {note ? <span className="muted small">{note}</span> : null}
      </div>
      {test.data ? (
        <p className={`test-result ${test.data.ok ? 'ok' : 'failed'}`} role="status" data-testid="test-result">
          <strong>{test.data.ok ? t('credentials.testOk') : t('credentials.testFailed')}</strong> {(test.data.refused && refusalText(test.data.refused)) ?? test.data.message}{' '}
          <span className="muted small">({t('credentials.testTook', { ms: test.data.durationMs })})</span>
        </p>
      ) : null}
      {test.isError ? (
        <p className="test-result failed" role="status" data-testid="test-result">
          {messageOf(test.error)}
        </p>
      ) : null}
    </section>
  );
}

/** Testing a stored credential from the list. */
export function TestCredentialDialog({ credential, onClose }: { credential: Credential | null; onClose(): void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={credential !== null} onOpenChange={(open) => !open && onClose()} title={t('credentials.testOne', { name: credential?.name ?? '' })} description={t('credentials.testDescription')}>
      {credential ? <TestConnection type={credential.type} run={(url) => testCredential(credential.id, url)} /> : null}
    </Dialog>
  );
}
