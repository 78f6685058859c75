/**
 * The panel beside the canvas for the selected node: its name, the form generated from
 * its type's schema, its error policy and notes, the webhook address of a webhook
 * trigger, when a schedule or a poll fires next (and a poll's test), and — when a run is
 * shown — the node's input, output and attempts.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { NodeTypeMap } from '../api/queries.ts';
import type { RunDetail } from '../api/types.ts';
import { useVariables } from '../api/variables.ts';
import { isStep, type StepFlowNode } from '../canvas/graph.ts';
import { useNodeTypeText } from '../i18n/node-types.ts';
import { StepData } from '../runs/StepData.tsx';
import { useCan } from '../session/session.ts';
import { useDecoration, useEditor } from '../store/context.tsx';
import { expressionData, upstreamNames } from './expressions.ts';
import { FormContext, type FormContextValue } from './form-context.ts';
import { PollTest } from './poll-test.tsx';
import { ObjectFields } from './SchemaForm.tsx';
import { TriggerTimes } from './trigger-times.tsx';
import { WebhookAddress } from './webhook.tsx';
import { WorkflowSettings } from './WorkflowSettings.tsx';

const NO_PROBLEMS: Record<string, string[]> = {};
const NO_VARIABLES: readonly { key: string; value: string }[] = [];

interface InspectorProps {
  catalogue: NodeTypeMap;
  lastRun: RunDetail | null;
  /** The workflow being edited: previews use its settings (time zone, limits); schedules and polls show when it fires. */
  workflowId?: string;
  /** Saves the workflow (a poll's test looks with the saved version); false when it was refused. */
  save?: () => Promise<boolean>;
}

export function Inspector({ catalogue, lastRun, workflowId, save }: InspectorProps) {
  const { t } = useTranslation();
  const { selected, count, readOnly } = useEditor((s) => {
    const chosen = s.nodes.filter((n) => n.selected);
    return { selected: chosen.length === 1 && isStep(chosen[0]!) ? chosen[0]!.id : null, count: chosen.length, readOnly: s.readOnly };
  });
  return (
    <aside className="inspector" aria-label={t('inspector.title')}>
      {selected ? (
        <NodeInspector key={selected} nodeId={selected} catalogue={catalogue} lastRun={lastRun} workflowId={workflowId} save={save} />
      ) : (
        <div className="inspector-empty">
          <h2 className="panel-title">{t('inspector.title')}</h2>
          <p className="muted">{count > 1 ? t('inspector.many', { count }) : readOnly ? t('inspector.noneReadOnly') : t('inspector.none')}</p>
          <WorkflowSettings workflowId={workflowId} />
        </div>
      )}
    </aside>
  );
}

function NodeInspector({ nodeId, catalogue, lastRun, workflowId, save }: InspectorProps & { nodeId: string }) {
  const { t } = useTranslation();
  const text = useNodeTypeText();
  const can = useCan();
  const variables = useVariables(can('variables:read'));
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
  const vars = variables.data ?? NO_VARIABLES;
  const expression = useMemo(() => expressionData(nodeId, upstream, runDetail, (key) => t(`expressions.${key}`), vars), [nodeId, upstream, runDetail, t, vars]);
  const credentialSlots = useMemo(() => Object.fromEntries((type?.credentials ?? []).map((slot) => [slot.param, slot.types])), [type]);
  const literal = useMemo(() => new Set(type?.literalParams ?? []), [type]);
  const fields = problems?.fields ?? NO_PROBLEMS;
  if (!data) return null;
  const form: FormContextValue = {
    nodeId,
    nodeType: data.nodeType,
    params: data.params,
    issues: fields,
    expression,
    readOnly,
    credentialSlots,
    literal,
    // Previews run the person's expression in the sandbox: for those who may write workflows.
    preview: { enabled: !readOnly && can('workflows:write'), workflowId },
  };
  const step = run?.detail?.steps.find((s) => s.nodeId === nodeId);
  const timed = type?.trigger?.kind;
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
          <StepData step={step} runId={run!.detail!.id} />
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
        {workflowId && (timed === 'schedule' || timed === 'poll') ? <TriggerTimes workflowId={workflowId} nodeId={nodeId} kind={timed} /> : null}
        {workflowId && save && timed === 'poll' && !readOnly ? <PollTest workflowId={workflowId} nodeId={nodeId} runPer={data.params.runPer} save={save} /> : null}
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
