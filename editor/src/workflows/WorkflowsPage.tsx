/** The list of workflows: search, create, rename, duplicate, delete, switch on/off, import and export. */
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Switch } from 'radix-ui';
import { useDeferredValue, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toast } from 'sonner';
import { api } from '../api/endpoints.ts';
import { keys } from '../api/queries.ts';
import type { WorkflowListEntry } from '../api/types.ts';
import { Link, useNavigate } from '../app/navigation.tsx';
import { useFormat } from '../i18n/format.ts';
import { useCan } from '../session/session.ts';
import { ConfirmDialog, Dialog } from '../ui/Dialog.tsx';
import { notifyError, StatusBadge } from '../ui/feedback.tsx';
import { ActionsHeader, ListPage, LoadMore } from '../ui/page.tsx';
import { downloadJson, importProblem, readImportFile } from './transfer.ts';

export function WorkflowsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const writable = useCan()('workflows:write');
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search.trim());
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<WorkflowListEntry | null>(null);
  const [deleting, setDeleting] = useState<WorkflowListEntry | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const list = useInfiniteQuery({
    queryKey: keys.workflows(deferredSearch),
    queryFn: ({ pageParam }) => api.listWorkflows({ search: deferredSearch || undefined, cursor: pageParam, limit: 50 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.allWorkflows });

  const create = useMutation({
    mutationFn: (name: string) => api.createWorkflow(name, { nodes: [], edges: [] }),
    onSuccess: (workflow) => navigate(`/workflows/${workflow.id}`),
    onError: (error) => notifyError(error),
  });
  const rename = useMutation({
    mutationFn: ({ id, name }: { id: string; name: string }) => api.updateWorkflow(id, { name }),
    onSuccess: (updated) => {
      // The editor opens on the cached workflow: it must show the new name, not the one it last saw.
      queryClient.setQueryData(keys.workflow(updated.id), updated);
      setRenaming(null);
      void refresh();
    },
    onError: (error) => notifyError(error),
  });
  const act = useMutation({
    mutationFn: async (action: { kind: 'duplicate' | 'delete' | 'export'; workflow: WorkflowListEntry } | { kind: 'active'; workflow: WorkflowListEntry; active: boolean }) => {
      const { workflow } = action;
      if (action.kind === 'duplicate') return void (await api.duplicateWorkflow(workflow.id));
      if (action.kind === 'delete') return void (await api.deleteWorkflow(workflow.id));
      if (action.kind === 'active') return void queryClient.setQueryData(keys.workflow(workflow.id), await api.setActive(workflow.id, action.active));
      downloadJson(`${workflow.name}.junction.json`, await api.exportWorkflow(workflow.id));
    },
    onSuccess: (_, action) => {
      if (action.kind === 'duplicate') toast.success(t('workflows.duplicated', { name: action.workflow.name }));
      if (action.kind === 'delete') toast.success(t('workflows.deleted', { name: action.workflow.name }));
      if (action.kind !== 'export') void refresh();
    },
    onError: (error) => notifyError(error),
  });
  const importFile = useMutation({
    mutationFn: async (file: File) => {
      const document = await readImportFile(file);
      return api.importWorkflow(document).catch(async (error: unknown) => Promise.reject(await importProblem(error, document)));
    },
    onSuccess: (workflow) => {
      toast.success(t('workflows.imported', { name: workflow.name }));
      void refresh();
    },
    onError: (error) => notifyError(error, t('workflows.importFailed')),
  });

  const workflows = list.data?.pages.flatMap((p) => p.workflows) ?? [];

  return (
    <ListPage
      title={t('workflows.title')}
      actions={
        <>
          <input
            type="search"
            className="input"
            placeholder={t('workflows.search')}
            aria-label={t('workflows.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          {writable ? (
            <>
              <button type="button" className="button" onClick={() => fileInput.current?.click()}>
                {t('workflows.import')}
              </button>
              <input
                ref={fileInput}
                type="file"
                accept="application/json,.json"
                hidden
                data-testid="import-file"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  if (file) importFile.mutate(file);
                  e.target.value = '';
                }}
              />
              <button type="button" className="button primary" onClick={() => setCreating(true)}>
                {t('workflows.create')}
              </button>
            </>
          ) : null}
        </>
      }
      query={list}
      items={workflows}
      empty={
        <div className="empty">
          <p>{deferredSearch ? t('workflows.noMatch') : writable ? t('workflows.empty') : t('workflows.emptyReadOnly')}</p>
        </div>
      }
      table={(items) => (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('workflows.name')}</th>
              <th scope="col">{t('workflows.active')}</th>
              <th scope="col">{t('workflows.lastRun')}</th>
              <th scope="col">{t('workflows.updated')}</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {items.map((w) => (
              <tr key={w.id}>
                <td>
                  <Link to={`/workflows/${w.id}`} className="strong-link">
                    {w.name}
                  </Link>
                  <div className="muted small">{t('workflows.version', { version: w.version })}</div>
                </td>
                <td>
                  <Switch.Root
                    className="switch"
                    checked={w.active}
                    disabled={!writable}
                    aria-label={t('workflows.activeFor', { name: w.name })}
                    onCheckedChange={(active) => act.mutate({ kind: 'active', workflow: w, active })}
                  >
                    <Switch.Thumb className="switch-thumb" />
                  </Switch.Root>
                </td>
                <td>
                  {w.lastRun ? (
                    <Link to={`/runs/${w.lastRun.id}`} className="plain-link">
                      <StatusBadge status={w.lastRun.status} /> <span className="muted small">{format.relative(w.lastRun.createdAt)}</span>
                    </Link>
                  ) : (
                    <span className="muted">{t('workflows.never')}</span>
                  )}
                </td>
                <td className="muted small" title={format.dateTime(w.updatedAt)}>
                  {format.relative(w.updatedAt)}
                </td>
                <td className="actions">
                  {writable ? (
                    <>
                      <button type="button" className="button small" onClick={() => setRenaming(w)}>
                        {t('workflows.rename')}
                      </button>
                      <button type="button" className="button small" onClick={() => act.mutate({ kind: 'duplicate', workflow: w })}>
                        {t('workflows.duplicate')}
                      </button>
                    </>
                  ) : null}
                  <button type="button" className="button small" onClick={() => act.mutate({ kind: 'export', workflow: w })}>
                    {t('workflows.export')}
                  </button>
                  {writable ? (
                    <button type="button" className="button small danger" onClick={() => setDeleting(w)}>
                      {t('common.delete')}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      paging={<LoadMore list={list} />}
    >
      <NameDialog
        open={creating}
        onOpenChange={setCreating}
        title={t('workflows.create')}
        initial={t('workflows.untitled')}
        busy={create.isPending}
        onSubmit={(name) => create.mutate(name)}
      />
      <NameDialog
        open={renaming !== null}
        onOpenChange={(open) => !open && setRenaming(null)}
        title={t('workflows.rename')}
        initial={renaming?.name ?? ''}
        busy={rename.isPending}
        onSubmit={(name) => renaming && rename.mutate({ id: renaming.id, name })}
      />
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={t('workflows.deleteTitle', { name: deleting?.name ?? '' })}
        description={t('workflows.deleteDescription')}
        confirmLabel={t('common.delete')}
        danger
        onConfirm={() => deleting && act.mutate({ kind: 'delete', workflow: deleting })}
      />
    </ListPage>
  );
}

function NameDialog(props: { open: boolean; onOpenChange(open: boolean): void; title: string; initial: string; busy: boolean; onSubmit(name: string): void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(props.initial);
  const [lastInitial, setLastInitial] = useState(props.initial);
  if (props.initial !== lastInitial) {
    setLastInitial(props.initial);
    setName(props.initial);
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) props.onSubmit(name.trim());
  };
  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange} title={props.title}>
      <form onSubmit={submit} className="form">
        <label className="field">
          <span className="field-label">{t('workflows.name')}</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} autoFocus maxLength={200} required />
        </label>
        <div className="dialog-actions">
          <button type="submit" className="button primary" disabled={props.busy || !name.trim()}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
