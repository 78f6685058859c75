/**
 * The webhook trigger in the inspector: its address with a copy button, and who may call
 * it — anyone, a secret header, Basic auth, or an HMAC-SHA256 signature with the GitHub,
 * Shopify and Stripe conventions as presets — with the credential that holds the secret.
 */
import { SIGNATURE_STYLES, WEBHOOK_AUTH_CREDENTIAL_TYPE } from '@junction/nodes';
import { useTranslation } from 'react-i18next';
import { CredentialPicker } from '../credentials/CredentialPicker.tsx';
import { CopyField } from '../ui/CopyField.tsx';
import { FieldFrame, type FieldProps } from './fields.tsx';
import { fieldId, pathKey, useFormContext } from './form-context.ts';

type Kind = 'none' | 'header' | 'basic' | 'hmac';
type Style = keyof typeof SIGNATURE_STYLES;
const KINDS: readonly Kind[] = ['none', 'header', 'basic', 'hmac'];
const STYLES = Object.keys(SIGNATURE_STYLES) as Style[];
/** The signature's details a person may set beyond the preset, as text inputs. */
const OVERRIDES = ['header', 'prefix', 'timestampHeader', 'deliveryIdHeader'] as const;

type Auth = { kind: Kind; style?: Style; encoding?: 'hex' | 'base64'; toleranceSeconds?: number } & Partial<Record<(typeof OVERRIDES)[number], string>>;

function authOf(value: unknown): Auth {
  const auth = (typeof value === 'object' && value !== null ? value : {}) as Partial<Auth>;
  return { ...auth, kind: KINDS.includes(auth.kind as Kind) ? (auth.kind as Kind) : 'none' };
}

export function WebhookAddress({ params }: { params: Record<string, unknown> }) {
  const { t } = useTranslation();
  const path = typeof params.path === 'string' ? params.path.replace(/^\/+|\/+$/g, '') : '';
  const method = typeof params.method === 'string' ? params.method : 'POST';
  if (!path) return <p className="muted small">{t('inspector.webhookNoPath')}</p>;
  return (
    <div className="webhook-url">
      <div className="row nowrap">
        <code className="method">{method}</code>
        <div className="grow">
          <CopyField value={`${window.location.origin}/hooks/${path}`} label={t('inspector.webhookUrl')} copied={t('inspector.webhookCopied')} testId="webhook-url" />
        </div>
      </div>
      <p className="help">{t('inspector.webhookHelp')}</p>
    </div>
  );
}

/** What a caller must send, in one sentence, for the auth as set now. */
export function useAuthSummary(): (auth: Auth) => string {
  const { t } = useTranslation();
  return (auth) => {
    if (auth.kind !== 'hmac') return t(`webhookAuth.summary.${auth.kind}`);
    const style = auth.style ?? 'custom';
    const preset = SIGNATURE_STYLES[style];
    const values = {
      header: auth.header || preset.header,
      prefix: auth.prefix ?? preset.prefix,
      encoding: auth.encoding ?? preset.encoding,
      tolerance: auth.toleranceSeconds ?? 300,
      timestamp: auth.timestampHeader || preset.timestampHeader || '',
      delivery: auth.deliveryIdHeader || preset.deliveryIdHeader || '',
    };
    const parts = [t(style === 'stripe' ? 'webhookAuth.summary.stripe' : 'webhookAuth.summary.signed', values)];
    if (values.timestamp && style !== 'stripe') parts.push(t('webhookAuth.summary.timestamp', values));
    if (values.delivery) parts.push(t('webhookAuth.summary.delivery', values));
    return parts.join(' ');
  };
}

export function WebhookAuthField(props: FieldProps) {
  const { t } = useTranslation();
  const form = useFormContext();
  const summary = useAuthSummary();
  const auth = authOf(props.value);
  const style = auth.style ?? 'custom';
  const preset = SIGNATURE_STYLES[style];
  const id = fieldId(form.nodeId, props.path);
  const problem = (key: string) => form.issues[pathKey([...props.path, key])]?.[0];
  const set = (patch: Partial<Auth>) => {
    const next: Record<string, unknown> = { ...auth, ...patch };
    for (const [key, value] of Object.entries(next)) if (value === '' || value === undefined) delete next[key];
    props.onChange(next);
  };

  return (
    <FieldFrame {...props}>
      <select id={id} className="input" value={auth.kind} disabled={form.readOnly} data-testid="webhook-auth-kind" onChange={(e) => props.onChange(e.target.value === 'hmac' ? { kind: 'hmac', style: 'custom' } : { kind: e.target.value })}>
        {KINDS.map((kind) => (
          <option key={kind} value={kind}>
            {t(`webhookAuth.kinds.${kind}`)}
          </option>
        ))}
      </select>
      {auth.kind === 'hmac' ? (
        <div className="auth-details">
          <label className="field-label" htmlFor={`${id}-style`}>
            {t('webhookAuth.style')}
          </label>
          <select id={`${id}-style`} className="input" value={style} disabled={form.readOnly} data-testid="webhook-auth-style" onChange={(e) => props.onChange({ kind: 'hmac', style: e.target.value })}>
            {STYLES.map((s) => (
              <option key={s} value={s}>
                {t(`webhookAuth.styles.${s}`)}
              </option>
            ))}
          </select>
          <details className="auth-overrides" open={style === 'custom'}>
            <summary>{style === 'custom' ? t('webhookAuth.details') : t('webhookAuth.overrides')}</summary>
            {OVERRIDES.map((key) => (
              <div key={key} className="field">
                <label className="field-label" htmlFor={`${id}-${key}`}>
                  {t(`webhookAuth.fields.${key}`)}
                </label>
                <input
                  id={`${id}-${key}`}
                  className="input mono"
                  value={auth[key] ?? ''}
                  placeholder={preset[key] ?? ''}
                  disabled={form.readOnly}
                  aria-invalid={problem(key) ? true : undefined}
                  onChange={(e) => set({ [key]: e.target.value })}
                />
                {problem(key) ? <p className="field-error">{problem(key)}</p> : null}
              </div>
            ))}
            <div className="row">
              <label className="field grow">
                <span className="field-label">{t('webhookAuth.fields.encoding')}</span>
                <select className="input" value={auth.encoding ?? ''} disabled={form.readOnly} onChange={(e) => set({ encoding: (e.target.value || undefined) as Auth['encoding'] })}>
                  <option value="">{t('webhookAuth.presetEncoding', { encoding: preset.encoding })}</option>
                  <option value="hex">hex</option>
                  <option value="base64">base64</option>
                </select>
              </label>
              <label className="field grow">
                <span className="field-label">{t('webhookAuth.fields.toleranceSeconds')}</span>
                <input
                  type="number"
                  className="input"
                  min={1}
                  max={86_400}
                  value={auth.toleranceSeconds ?? ''}
                  placeholder="300"
                  disabled={form.readOnly}
                  onChange={(e) => set({ toleranceSeconds: e.target.value === '' ? undefined : e.target.valueAsNumber })}
                />
              </label>
            </div>
          </details>
        </div>
      ) : null}
      <p className="auth-summary" data-testid="webhook-auth-summary">
        {summary(auth)}
      </p>
    </FieldFrame>
  );
}

/** The credential a webhook's auth checks against: only the type its kind takes; none when anyone may call. */
export function WebhookCredentialField(props: FieldProps) {
  const form = useFormContext();
  const kind = authOf(form.params.auth).kind;
  if (kind === 'none') return null;
  return <CredentialPicker {...props} required types={[WEBHOOK_AUTH_CREDENTIAL_TYPE[kind]]} />;
}
