/** The saved versions of a workflow, newest first; restoring one saves it again as the newest. */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/endpoints.ts';
import { keys } from '../api/queries.ts';
import { useFormat } from '../i18n/format.ts';
import { ConfirmDialog, Dialog } from '../ui/Dialog.tsx';
import { ErrorBox, Loading } from '../ui/feedback.tsx';

export function VersionsDialog(props: { workflowId: string; current: number; open: boolean; onOpenChange(open: boolean): void; dirty: boolean; onRestore?(version: number): void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [restoring, setRestoring] = useState<number | null>(null);
  const versions = useQuery({ queryKey: keys.versions(props.workflowId), queryFn: () => api.listVersions(props.workflowId), enabled: props.open });
  return (
    <>
      <Dialog open={props.open} onOpenChange={props.onOpenChange} title={t('versions.title')} description={t('versions.description')}>
        {versions.isPending ? <Loading /> : null}
        {versions.isError ? <ErrorBox error={versions.error} onRetry={() => void versions.refetch()} /> : null}
        <ul className="versions">
          {versions.data?.map((v) => (
            <li key={v.id} className="row between">
              <span>
                <strong>{t('workflows.version', { version: v.version })}</strong> <span className="muted small">{format.dateTime(v.createdAt)}</span>
                {v.version === props.current ? <span className="badge">{t('versions.current')}</span> : null}
              </span>
              {v.version === props.current || !props.onRestore ? null : (
                <button type="button" className="button small" onClick={() => setRestoring(v.version)}>
                  {t('versions.restore')}
                </button>
              )}
            </li>
          ))}
        </ul>
      </Dialog>
      <ConfirmDialog
        open={restoring !== null}
        onOpenChange={(open) => !open && setRestoring(null)}
        title={t('versions.restoreTitle', { version: restoring ?? 0 })}
        description={props.dirty ? t('versions.restoreDirty') : t('versions.restoreDescription')}
        confirmLabel={t('versions.restore')}
        onConfirm={() => {
          if (restoring !== null) props.onRestore?.(restoring);
          setRestoring(null);
          props.onOpenChange(false);
        }}
      />
    </>
  );
}
