/**
 * Variables: instance-wide values any workflow reads as `$vars.NAME` (plain text — secrets
 * belong in credentials). Admins add, change and delete them; editors read them.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toast } from 'sonner';
import { fieldError } from '../i18n/problems.ts';
import { keys } from '../api/queries.ts';
import type { Variable } from '../api/types.ts';
import { useFormat } from '../i18n/format.ts';
import { useCan } from '../session/session.ts';
import { ConfirmDialog, Dialog } from '../ui/Dialog.tsx';
import { TextField } from '../ui/Field.tsx';
import { ErrorBox, notifyError } from '../ui/feedback.tsx';
import { ActionsHeader, ListPage } from '../ui/page.tsx';
import { createVariable, deleteVariable, updateVariable, useVariables } from '../api/variables.ts';

export default function VariablesPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const can = useCan();
  const writable = can('variables:write');
  const queryClient = useQueryClient();
  const variables = useVariables();
  const [editing, setEditing] = useState<Variable | null>(null);
  const [deleting, setDeleting] = useState<Variable | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.variables });
  const remove = useMutation({
    mutationFn: (variable: Variable) => deleteVariable(variable.key),
    onSuccess: (_, variable) => {
      toast.success(t('variables.deleted', { key: variable.key }));
      void refresh();
    },
    onError: (error) => notifyError(error),
  });

  return (
    <ListPage
      title={t('variables.title')}
      intro={t('variables.intro')}
      above={writable ? <NewVariableForm onAdded={() => void refresh()} /> : <p className="notice">{t('variables.readOnly')}</p>}
      query={variables}
      items={variables.data}
      empty={t('variables.empty')}
      table={(items) => (
        <table className="table" data-testid="variables">
          <thead>
            <tr>
              <th scope="col">{t('variables.key')}</th>
              <th scope="col">{t('variables.value')}</th>
              <th scope="col">{t('variables.updated')}</th>
              {writable ? <ActionsHeader /> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((variable) => (
              <tr key={variable.key} data-testid="variable-row">
                <td>
                  <code>{variable.key}</code>
                  <div className="muted small mono">{`$vars.${variable.key}`}</div>
                </td>
                <td className="value-cell">{variable.value}</td>
                <td className="small" title={format.dateTime(variable.updatedAt)}>
                  {format.relative(variable.updatedAt)}
                </td>
                {writable ? (
                  <td className="actions">
                    <button type="button" className="button small" onClick={() => setEditing(variable)} aria-label={t('variables.editOne', { key: variable.key })}>
                      {t('variables.edit')}
                    </button>
                    <button type="button" className="button small danger" onClick={() => setDeleting(variable)} aria-label={t('variables.deleteOne', { key: variable.key })}>
                      {t('common.delete')}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    >
      <EditVariableDialog variable={editing} onClose={() => setEditing(null)} onSaved={() => void refresh()} />
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={t('variables.deleteTitle', { key: deleting?.key ?? '' })}
        description={t('variables.deleteDescription')}
        confirmLabel={t('common.delete')}
        danger
        onConfirm={() => deleting && remove.mutate(deleting)}
      />
    </ListPage>
  );
}

function NewVariableForm({ onAdded }: { onAdded(): void }) {
  const { t } = useTranslation();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const add = useMutation({
    mutationFn: () => createVariable(key.trim(), value),
    onSuccess: (variable) => {
      toast.success(t('variables.added', { key: variable.key }));
      setKey('');
      setValue('');
      add.reset();
      onAdded();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (key.trim()) add.mutate();
  };
  const keyProblem = fieldError(add.error, 'key');
  return (
    <form className="inline-form card" onSubmit={submit} aria-label={t('variables.add')}>
      <TextField label={t('variables.key')} value={key} onChange={setKey} required maxLength={100} placeholder="ERP_BASE_URL" className="mono-field" error={keyProblem} help={t('variables.keyHelp')} />
      <TextField label={t('variables.value')} value={value} onChange={setValue} maxLength={10_000} placeholder="https://erp.example.com/api" className="grow" error={fieldError(add.error, 'value')} />
      <button type="submit" className="button primary" disabled={add.isPending || !key.trim()}>
        {t('variables.add')}
      </button>
      {add.isError && !keyProblem && !fieldError(add.error, 'value') ? <ErrorBox error={add.error} /> : null}
    </form>
  );
}

function EditVariableDialog({ variable, onClose, onSaved }: { variable: Variable | null; onClose(): void; onSaved(): void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  if (variable && shown !== variable.key) {
    setShown(variable.key);
    setValue(variable.value);
  }
  const save = useMutation({
    mutationFn: () => updateVariable(variable!.key, value),
    onSuccess: () => {
      toast.success(t('variables.saved', { key: variable!.key }));
      setShown(null);
      onSaved();
      onClose();
    },
  });
  return (
    <Dialog open={variable !== null} onOpenChange={(open) => !open && (setShown(null), onClose())} title={t('variables.editOne', { key: variable?.key ?? '' })}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <TextField label={t('variables.value')} value={value} onChange={setValue} maxLength={10_000} autoFocus error={fieldError(save.error, 'value')} />
        {save.isError && !fieldError(save.error, 'value') ? <ErrorBox error={save.error} /> : null}
        <div className="dialog-actions">
          <button type="submit" className="button primary" disabled={save.isPending}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
