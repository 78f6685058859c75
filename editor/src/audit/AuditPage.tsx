/** The audit log (admins): who did what to which resource, when and from where — newest first, filtered, loaded as you scroll. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { type AuditFilters, listAudit } from '../api/audit.ts';
import { keys } from '../api/queries.ts';
import { AUDIT_ACTIONS, AUDIT_RESOURCE_TYPES, type AuditEntry } from '../api/types.ts';
import { useCredentialText } from '../credentials/CredentialFields.tsx';
import { useFormat } from '../i18n/format.ts';
import { ListPage } from '../ui/page.tsx';
import { dayBoundary, DayRangeFields, EndlessScroll } from '../ui/paging.tsx';

const PAGE = 50;

export default function AuditPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const credentialText = useCredentialText();
  const details = (entry: AuditEntry) => detailsText(entry, t, credentialText.typeLabel);
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [resourceType, setResourceType] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const actorEmail = useDeferredValue(actor.trim());
  const filters: AuditFilters = { actorEmail: actorEmail || undefined, action: action || undefined, resourceType: resourceType || undefined, from: dayBoundary(from, false), to: dayBoundary(to, true) };
  const entries = useInfiniteQuery({
    queryKey: keys.audit(filters),
    queryFn: ({ pageParam }) => listAudit({ ...filters, cursor: pageParam, limit: PAGE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const list = entries.data?.pages.flatMap((p) => p.entries) ?? [];

  return (
    <ListPage
      title={t('audit.title')}
      intro={t('audit.intro')}
      above={
        <form className="filters" role="search" aria-label={t('audit.filters')} onSubmit={(e) => e.preventDefault()}>
          <label className="field">
            <span className="field-label">{t('audit.actor')}</span>
            <input type="search" className="input" value={actor} onChange={(e) => setActor(e.target.value)} placeholder={t('audit.actorPlaceholder')} data-testid="filter-actor" />
          </label>
          <label className="field">
            <span className="field-label">{t('audit.action')}</span>
            <select className="input" value={action} onChange={(e) => setAction(e.target.value)} data-testid="filter-action">
              <option value="">{t('audit.anyAction')}</option>
              {AUDIT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {t(`auditActions.${a.replace('.', '_')}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">{t('audit.resource')}</span>
            <select className="input" value={resourceType} onChange={(e) => setResourceType(e.target.value)} data-testid="filter-resource">
              <option value="">{t('audit.anyResource')}</option>
              {AUDIT_RESOURCE_TYPES.map((r) => (
                <option key={r} value={r}>
                  {t(`auditResources.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <DayRangeFields from={from} to={to} onFrom={setFrom} onTo={setTo} />
        </form>
      }
      query={entries}
      items={list}
      empty={t('audit.none')}
      table={(items) => (
        <table className="table" data-testid="audit">
          <thead>
            <tr>
              <th scope="col">{t('audit.when')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.resource')}</th>
              <th scope="col">{t('audit.from')}</th>
              <th scope="col">{t('audit.details')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((entry) => (
              <tr key={entry.id} data-testid="audit-row" data-action={entry.action}>
                <td className="small nowrap">{format.dateTime(entry.at)}</td>
                <td>
                  {entry.actorEmail ?? <span className="muted">{t('audit.nobody')}</span>}
                  {entry.apiKeyId ? <div className="muted small">{t('audit.viaApiKey')}</div> : null}
                </td>
                <td title={entry.action}>{t(`auditActions.${entry.action.replace('.', '_')}`, { defaultValue: entry.action })}</td>
                <td>
                  {t(`auditResources.${entry.resourceType}`, { defaultValue: entry.resourceType })}
                  {entry.resourceId ? (
                    <div className="mono small muted" title={entry.resourceId}>
                      {entry.resourceId.length > 13 ? `${entry.resourceId.slice(0, 8)}…` : entry.resourceId}
                    </div>
                  ) : null}
                </td>
                <td className="small" title={entry.userAgent ?? undefined}>
                  {entry.ip ?? '—'}
                </td>
                <td className="details-cell small" title={details(entry)}>
                  {details(entry)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      paging={<EndlessScroll list={entries} count={list.length} end={t('audit.end')} />}
    />
  );
}

/**
 * An entry's details in the reader's words: keys, credential types, roles, reasons and
 * yes/no translated; ids, names and addresses as they are.
 */
export function detailsText(entry: Pick<AuditEntry, 'details'>, t: TFunction, typeLabel: (type: string) => string): string {
  if (!entry.details) return '';
  const words = (key: string, value: unknown): string => {
    if (typeof value === 'boolean') return t(value ? 'audit.yes' : 'audit.no');
    if (Array.isArray(value)) return value.map((v) => words(key, v)).join(', ');
    if (typeof value !== 'string') return JSON.stringify(value);
    if (key === 'type') return typeLabel(value);
    const table = { role: 'roles', reason: 'auditReasons', via: 'auditVia' }[key];
    return table ? t(`${table}.${value}`, { defaultValue: value }) : value;
  };
  return Object.entries(entry.details)
    .map(([key, value]) => t('audit.detail', { key: t(`auditDetails.${key}`, { defaultValue: key }), value: words(key, value) }))
    .join(' · ');
}
