/**
 * Sharing a workflow (its owner and admins): the people it is shared with may open,
 * change and run it — but not share it on. Viewers read every workflow anyway, and admins
 * change every one, so the people worth sharing with are editors.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toast } from 'sonner';
import { keys } from '../api/queries.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { ErrorBox, Loading } from '../ui/feedback.tsx';
import { UserChecklist } from '../users/UserChecklist.tsx';
import { listWorkflowShares, setWorkflowShares } from '../api/sharing.ts';
import { useUsers } from '../api/users.ts';

export function ShareDialog(props: { workflowId: string; workflowName: string; ownerId: string | null; open: boolean; onOpenChange(open: boolean): void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange} title={t('sharing.title', { name: props.workflowName })} description={t('sharing.description')}>
      {props.open ? <ShareForm {...props} /> : null}
    </Dialog>
  );
}

function ShareForm(props: { workflowId: string; ownerId: string | null; onOpenChange(open: boolean): void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const users = useUsers();
  const shares = useQuery({ queryKey: keys.shares(props.workflowId), queryFn: () => listWorkflowShares(props.workflowId) });
  const [chosen, setChosen] = useState<ReadonlySet<string> | null>(null);
  const selected = chosen ?? new Set(shares.data?.map((user) => user.id) ?? []);
  const save = useMutation({
    mutationFn: () => setWorkflowShares(props.workflowId, [...selected]),
    onSuccess: (result) => {
      queryClient.setQueryData(keys.shares(props.workflowId), result);
      toast.success(result.length === 0 ? t('sharing.private') : t('sharing.saved', { count: result.length }));
      props.onOpenChange(false);
    },
  });
  if (users.isPending || shares.isPending) return <Loading />;
  if (users.isError || shares.isError) return <ErrorBox error={users.error ?? shares.error} onRetry={() => void (users.refetch(), shares.refetch())} />;
  const candidates = users.data.filter((user) => user.id !== props.ownerId && !user.disabled && (user.role === 'editor' || selected.has(user.id)));
  const owner = users.data.find((user) => user.id === props.ownerId);
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      {owner ? <p className="muted small">{t('sharing.owner', { name: owner.name })}</p> : null}
      <fieldset className="checklist">
        <legend className="field-label">{t('sharing.people')}</legend>
        {candidates.length === 0 ? <p className="muted small">{t('sharing.nobody')}</p> : null}
        <UserChecklist users={candidates} selected={selected} onChange={setChosen} />
      </fieldset>
      <p className="help">{t('sharing.rolesNote')}</p>
      {save.isError ? <ErrorBox error={save.error} /> : null}
      <div className="dialog-actions">
        <button type="submit" className="button primary" disabled={save.isPending}>
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}
