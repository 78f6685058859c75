/**
 * What an expression gives, computed by the server in the sandbox as a run would: for the
 * first item this node received in the last run, with the upstream steps' output of that
 * run (for `$node("Name")`), in the workflow's time zone.
 */
import { containsExpression } from '@junction/nodes';
import { useQuery } from '@tanstack/react-query';
import { useDeferredValue } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/endpoints.ts';
import { messageOf } from '../ui/feedback.tsx';
import { namedNodes } from './expressions.ts';
import { useFormContext } from './form-context.ts';

export function ExpressionPreview({ expression }: { expression: string }) {
  const { t } = useTranslation();
  const { expression: data, preview: where } = useFormContext();
  const deferred = useDeferredValue(expression);
  const items = data.items.slice(0, 1);
  const nodes = namedNodes(deferred, data.nodes ?? {});
  const enabled = where.enabled && containsExpression(deferred);
  const preview = useQuery({
    queryKey: ['expression-preview', where.workflowId, deferred, items, nodes],
    // A newer keystroke's preview replaces this one: the request is aborted.
    queryFn: ({ signal }) => api.previewExpression({ expression: deferred, items, itemIndex: 0, workflowId: where.workflowId, nodes }, signal),
    enabled,
    staleTime: 60_000,
    retry: false,
  });
  if (!enabled) return null;
  let body: string;
  if (preview.isPending) body = '…';
  else if (preview.isError) body = messageOf(preview.error);
  else if (preview.data?.error) body = preview.data.error;
  else body = preview.data?.value === undefined ? t('form.previewUndefined') : JSON.stringify(preview.data.value);
  const failed = preview.isError || Boolean(preview.data?.error);
  return (
    <>
      <p className={`preview small${failed ? ' preview-error' : ''}`} aria-live="polite" data-testid="expression-preview">
        <span className="muted">{t('form.preview')}: </span>
        <code>{body}</code>
      </p>
      {items.length === 0 ? <p className="preview muted small">{t('form.previewNeedsRun')}</p> : null}
    </>
  );
}
