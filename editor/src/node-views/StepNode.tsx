/**
 * A step on the canvas: its type, name, ports, problems (a badge with their count) and,
 * when a run is shown, its live status and item counts per output.
 */
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { StepFlowNode } from '../canvas/graph.ts';
import { useCatalogue } from '../canvas/catalogue-context.tsx';
import { useNodeTypeText } from '../i18n/node-types.ts';
import { useDecoration } from '../store/context.tsx';

const ICONS: Record<string, string> = {
  play: '▶',
  webhook: '⚡',
  pencil: '✎',
  split: '◇',
  'arrow-right': '→',
  globe: '⇄',
  code: '{}',
  clock: '◷',
  refresh: '↻',
  hourglass: '◔',
  share: '↪',
  login: '⇥',
  alert: '⚠',
};

function StepNodeView({ id, data, selected }: NodeProps<StepFlowNode>) {
  const { t } = useTranslation();
  const text = useNodeTypeText();
  const type = useCatalogue().get(data.nodeType);
  // One value per read (no object to compare): hundreds of nodes read these on every store change.
  const problems = useDecoration((s) => s.problems[id]?.count ?? 0);
  const live = useDecoration((s) => s.run?.steps[id] ?? null);
  const status = live?.status ?? null;
  const inputs = type?.inputs ?? ['main'];
  const outputs = type?.outputs ?? ['main'];
  const category = type?.category ?? 'unknown';
  const total = live ? Object.values(live.counts).reduce((a, b) => a + b, 0) : 0;
  // Several outputs (If's true and false) are named inside the node, beside their port: an
  // edge leaving one port to the other side would otherwise cross the other port's name.
  const named = outputs.length > 1;

  return (
    <div
      className={`step-node category-${category}${named ? ' named-outputs' : ''}${selected ? ' selected' : ''}${status ? ` run-${status}` : ''}${problems ? ' has-problems' : ''}`}
      data-testid={`node-${data.name}`}
      data-status={status ?? undefined}
    >
      {inputs.map((port, i) => (
        <Handle
          key={port}
          type="target"
          position={Position.Left}
          id={port}
          style={{ top: `${((i + 1) / (inputs.length + 1)) * 100}%` }}
          title={t('canvas.inputPort', { port: text.port(port) })}
        />
      ))}
      <div className="step-icon" aria-hidden>
        {ICONS[type?.icon ?? ''] ?? '◆'}
      </div>
      <div className="step-body">
        <div className="step-name">{data.name}</div>
        <div className="step-type">{type ? text.label(type) : data.nodeType}</div>
        {status ? (
          <div className={`step-status status-${status}`} role="status">
            {t(`status.${status}`)}
            {live && live.attempt > 1 ? ` · ${t('run.attempt', { attempt: live.attempt })}` : ''}
            {live && (status === 'succeeded' || status === 'failed') ? ` · ${t('run.items', { count: total })}` : ''}
          </div>
        ) : null}
      </div>
      {problems > 0 ? (
        <span className="problem-badge" role="img" title={t('canvas.problems', { count: problems })} aria-label={t('canvas.problems', { count: problems })}>
          {problems}
        </span>
      ) : null}
      {outputs.map((port, i) => {
        const count = live?.counts[port];
        return (
          <div key={port} className="output-port" style={{ top: `${((i + 1) / (outputs.length + 1)) * 100}%` }}>
            {named || count !== undefined ? (
              <span className={named ? 'port-label inside' : 'port-label'} data-port={port}>
                {named ? t(`portLabels.${port}`, { defaultValue: text.port(port) }) : ''}
                {count !== undefined ? <span className="port-count">{count}</span> : null}
              </span>
            ) : null}
            <Handle type="source" position={Position.Right} id={port} title={t('canvas.outputPort', { port: text.port(port) })} />
          </div>
        );
      })}
    </div>
  );
}

export const StepNode = memo(StepNodeView);
