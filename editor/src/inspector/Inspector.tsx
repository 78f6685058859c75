/**
 * The panel beside the canvas for the selected node: its name, the form generated from
 * its type's schema, its error policy and notes, the webhook address of a webhook
 * trigger, and — when a run is shown — the node's input, output and attempts.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { toast } from 'sonner';
import type { NodeTypeMap } from '../api/queries.ts';
import type { RunDetail } from '../api/types.ts';
import { isStep, type StepFlowNode } from '../canvas/graph.ts';
import { useNodeTypeText } from '../i18n/node-types.ts';
import { StepData } from '../runs/StepData.tsx';
import { useDecoration, useEditor } from '../store/context.tsx';
import { expressionData, upstreamNames } from './expressions.ts';
import { FormContext, type FormContextValue } from './form-context.ts';
import { ObjectFields } from './SchemaForm.tsx';
import { WorkflowSettings } from './WorkflowSettings.tsx';

const NO_PROBLEMS: Record<string, string[]> = {};

export function Inspector({ catalogue, lastRun }: { catalogue: NodeTypeMap; lastRun: RunDetail | null }) {
  const { t } = useTranslation();
  const { selected, count } = useEditor((s) => {
    const chosen = s.nodes.filter((n) => n.selected);
    return { selected: chosen.length === 1 && isStep(chosen[0]!) ? chosen[0]!.id : null, count: chosen.length };
  });
  return (
    <aside className="inspector" aria-label={t('inspector.title')}>
      {selected ? (
        <NodeInspector key={selected} nodeId={selected} catalogue={catalogue} lastRun={lastRun} />
      ) : (
        <div className="inspector-empty">
          <h2 className="panel-title">{t('inspector.title')}</h2>
          <p className="muted">{count > 1 ? t('inspector.many', { count }) : t('inspector.none')}</p>
          <WorkflowSettings />
        </div>
      )}
    </aside>
  );
}

function NodeInspector({ nodeId, catalogue, lastRun }: { nodeId: string; catalogue: NodeTypeMap; lastRun: RunDetail | null }) {
  const { t } = useTranslation();
  const text = useNodeTypeText();
  // The node's data, not the node: moving it (a new position each frame of a drag) must not re-render the form.
  const problems = useDecoration((s) => s.problems[nodeId]);
  const { data, updateNode, readOnly, run } = useEditor((s) => ({
    data: (s.nodes.find((n) => n.id === nodeId) as StepFlowNode | undefined)?.data,
    updateNode: s.updateNode,
    readOnly: s.readOnly,
    run: s.run,
  }));
  // As text, so the selection is equal (and nothing re-renders) while only positions change.
  const upstreamKey = useEditor((s) => JSON.stringify(upstreamNames(nodeId, s.nodes, s.edges)));
  const upstream = useMemo(() => JSON.parse(upstreamKey) as ReturnType<typeof upstreamNames>, [upstreamKey]);
  const runDetail = run?.detail ?? lastRun;
  const type = data ? catalogue.get(data.nodeType) : undefined;
  const expression = useMemo(() => expressionData(nodeId, upstream, runDetail, (key) => t(`expressions.${key}`)), [nodeId, upstream, runDetail, t]);
  const fields = problems?.fields ?? NO_PROBLEMS;
  if (!data) return null;
  const form: FormContextValue = { nodeId, nodeType: data.nodeType, issues: fields, expression, readOnly };
  const step = run?.detail?.steps.find((s) => s.nodeId === nodeId);
  const general = [...(fields[''] ?? []), ...(fields.$name ?? [])];

  return (
    <div className="node-inspector" data-testid="inspector">
      <label className="field">
        <span className="field-label">{t('inspector.name')}</span>
        <input
          className="input node-name-input"
          value={data.name}
          disabled={readOnly}
          onChange={(e) => updateNode(nodeId, { name: e.target.value }, 'name')}
          aria-invalid={(fields.$name ?? []).length > 0 || undefined}
        />
      </label>
      <p className="muted small">
        <strong>{type ? text.label(type) : data.nodeType}</strong> — {type ? text.description(type) : t('inspector.unknownType')}
      </p>
      {general.map((m) => (
        <p key={m} className="field-error" role="alert">
          {m}
        </p>
      ))}
      {data.nodeType === 'trigger.webhook' ? <WebhookAddress params={data.params} /> : null}

      {step ? (
        <details open className="section">
          <summary>{t('inspector.runData')}</summary>
          <StepData step={step} />
        </details>
      ) : run && run.steps[nodeId] ? (
        <p className="muted">{t(`status.${run.steps[nodeId]!.status}`)}</p>
      ) : null}

      <details open className="section">
        <summary>{t('inspector.parameters')}</summary>
        {type ? (
          <FormContext.Provider value={form}>
            {Object.keys(type.params.properties ?? {}).length === 0 ? <p className="muted">{t('inspector.noParameters')}</p> : null}
            <ObjectFields schema={type.params} value={data.params} path={[]} onChange={(params) => updateNode(nodeId, { params }, 'params')} />
          </FormContext.Provider>
        ) : (
          <p className="muted">{t('inspector.unknownType')}</p>
        )}
      </details>

      <details className="section">
        <summary>{t('inspector.settings')}</summary>
        <label className="field">
          <span className="field-label">{t('inspector.onError')}</span>
          <select className="input" value={data.onError} disabled={readOnly} onChange={(e) => updateNode(nodeId, { onError: e.target.value as 'stop' | 'continue' })}>
            <option value="stop">{t('inspector.onErrorStop')}</option>
            <option value="continue">{t('inspector.onErrorContinue')}</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('inspector.retries')}</span>
          <input
            type="number"
            className="input"
            min={1}
            max={20}
            disabled={readOnly}
            placeholder={String((type as { retry?: { maxAttempts: number } } | undefined)?.retry?.maxAttempts ?? 1)}
            value={data.retry?.maxAttempts ?? ''}
            onChange={(e) =>
              updateNode(nodeId, { retry: e.target.value ? { maxAttempts: Number(e.target.value), backoffMs: 1000, maxBackoffMs: 300_000 } : undefined }, 'retry')
            }
          />
          <span className="help">{t('inspector.retriesHelp')}</span>
        </label>
        <label className="field">
          <span className="field-label">{t('inspector.notes')}</span>
          <textarea className="input" rows={3} value={data.notes ?? ''} disabled={readOnly} onChange={(e) => updateNode(nodeId, { notes: e.target.value || undefined }, 'notes')} />
        </label>
      </details>
    </div>
  );
}

function WebhookAddress({ params }: { params: Record<string, unknown> }) {
  const { t } = useTranslation();
  const path = typeof params.path === 'string' ? params.path.replace(/^\/+|\/+$/g, '') : '';
  const method = typeof params.method === 'string' ? params.method : 'POST';
  if (!path) return <p className="muted small">{t('inspector.webhookNoPath')}</p>;
  const url = `${window.location.origin}/hooks/${path}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      toast.success(t('inspector.webhookCopied'));
    } catch {
      // No clipboard permission (an insecure origin): select the text so Ctrl+C works.
      document.getElementById('webhook-url')?.focus();
      toast.info(t('inspector.webhookSelect'));
    }
  };
  return (
    <div className="webhook-url">
      <span className="field-label">{t('inspector.webhookUrl')}</span>
      <div className="row">
        <code className="method">{method}</code>
        <input id="webhook-url" className="input mono" readOnly value={url} onFocus={(e) => e.target.select()} aria-label={t('inspector.webhookUrl')} data-testid="webhook-url" />
        <button type="button" className="button small" onClick={() => void copy()}>
          {t('inspector.copy')}
        </button>
      </div>
      <p className="help">{t('inspector.webhookHelp')}</p>
    </div>
  );
}
