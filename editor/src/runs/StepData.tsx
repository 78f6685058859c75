/**
 * A step of a run: its input and output as a table or as JSON, its error, what it waits or
 * waited for, every attempt, and what its code wrote to the console. Run detail brings the
 * first items of each list (a large one cut short); "Load more" pages through the rest, whole.
 */
import { Tabs } from 'radix-ui';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/endpoints.ts';
import type { Item, PreviewItem, Step } from '../api/types.ts';
import { useFormat } from '../i18n/format.ts';
import { useNodeTypeText } from '../i18n/node-types.ts';
import { StatusBadge } from '../ui/feedback.tsx';
import { stepErrorText } from './step-error.ts';
import { ChildRuns, StepWait } from './StepWait.tsx';

const MAX_ROWS = 200;
/** Items asked for per page when loading more. */
const PAGE = 100;

function cell(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function ItemsView({ items, label, total }: { items: Item[]; label: string; total?: number }) {
  const { t } = useTranslation();
  const [view, setView] = useState<'table' | 'json'>('table');
  const columns = [...new Set(items.slice(0, MAX_ROWS).flatMap((item) => Object.keys(item.json)))];
  const count = total ?? items.length;
  return (
    <div className="items-view">
      <div className="row between">
        <span className="muted small">{count > items.length ? t('run.shownOf', { shown: items.length, count }) : t('run.itemCount', { count })}</span>
        <div role="radiogroup" aria-label={t('run.viewAs', { what: label })} className="segmented">
          {(['table', 'json'] as const).map((v) => (
            <button key={v} type="button" role="radio" aria-checked={view === v} className={view === v ? 'on' : ''} onClick={() => setView(v)}>
              {t(`run.${v}`)}
            </button>
          ))}
        </div>
      </div>
      {items.length === 0 ? <p className="muted">{t('run.noItems')}</p> : null}
      {items.length > 0 && view === 'table' ? (
        <div className="table-scroll">
          <table className="table data-table" aria-label={label}>
            <thead>
              <tr>
                <th scope="col">#</th>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {items.slice(0, MAX_ROWS).map((item, i) => (
                <tr key={i}>
                  <td className="muted">{i + 1}</td>
                  {columns.map((c) => (
                    <td key={c}>{cell(item.json[c])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {items.length > MAX_ROWS ? <p className="muted small">{t('run.moreRows', { count: items.length - MAX_ROWS })}</p> : null}
        </div>
      ) : null}
      {items.length > 0 && view === 'json' ? <pre className="json-view" aria-label={label}>{JSON.stringify(items.map((i) => i.json), null, 2)}</pre> : null}
    </div>
  );
}

/**
 * One list of a step's items: run detail's first ones, then whole pages as asked for. The
 * first page asked for starts again at the beginning, so items the preview cut short come whole.
 */
function PagedItems({ runId, nodeId, side, port, preview, total, label }: { runId: string; nodeId: string; side: 'input' | 'output'; port?: string; preview: PreviewItem[]; total: number; label: string }) {
  const { t } = useTranslation();
  const [loaded, setLoaded] = useState<{ items: Item[]; cursor: string | null } | null>(null);
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const items = loaded?.items ?? preview;
  const more = loaded ? loaded.cursor !== null : total > preview.length || preview.some((item) => item.truncated);
  const loadMore = async () => {
    setLoading(true);
    setFailure(null);
    try {
      const page = await api.stepItems(runId, nodeId, { side, port, cursor: loaded?.cursor ?? undefined, limit: PAGE });
      setLoaded({ items: [...(loaded?.items ?? []), ...page.items], cursor: page.nextCursor });
    } catch (error) {
      setFailure((error as Error).message);
    } finally {
      setLoading(false);
    }
  };
  return (
    <>
      <ItemsView items={items} label={label} total={total} />
      {!loaded && preview.some((item) => item.truncated) ? <p className="muted small">{t('run.cutShort')}</p> : null}
      {failure ? (
        <p className="field-error" role="alert">
          {t('run.loadFailed', { message: failure })}
        </p>
      ) : null}
      {more ? (
        <button type="button" className="button small" onClick={() => void loadMore()} disabled={loading} data-testid="load-more-items">
          {t('common.loadMore')}
        </button>
      ) : null}
    </>
  );
}

export function StepData({ step, runId }: { step: Step; runId: string }) {
  const { t } = useTranslation();
  const text = useNodeTypeText();
  const format = useFormat();
  const ports = Object.keys(step.output ?? {});
  const logs = step.attempts.flatMap((a) => (a.logs ?? []).map((line) => ({ ...line, attempt: a.attempt })));
  return (
    <section className="step-data" aria-label={t('run.stepData')} data-testid="step-data">
      <div className="row between">
        <StatusBadge status={step.status} />
        <span className="muted small">
          {format.time(step.startedAt)} · {format.duration(step.startedAt, step.finishedAt)}
        </span>
      </div>
      {step.error ? (
        <div className="error-box" role="alert">
          <strong>{t(`errorNames.${step.error.name}`, { defaultValue: step.error.name })}</strong>
          <p>{stepErrorText(step.error.message, step.error.details)}</p>
        </div>
      ) : null}
      <StepWait step={step} />
      <ChildRuns step={step} />
      <Tabs.Root defaultValue={ports.length ? 'output' : 'input'}>
        <Tabs.List className="tabs" aria-label={t('run.stepData')}>
          <Tabs.Trigger value="input" className="tab">
            {t('run.input')}
          </Tabs.Trigger>
          <Tabs.Trigger value="output" className="tab">
            {t('run.output')}
          </Tabs.Trigger>
          <Tabs.Trigger value="attempts" className="tab">
            {t('run.attempts', { count: step.attempts.length })}
          </Tabs.Trigger>
          {logs.length > 0 ? (
            <Tabs.Trigger value="console" className="tab">
              {t('run.console', { count: logs.length })}
            </Tabs.Trigger>
          ) : null}
        </Tabs.List>
        <Tabs.Content value="input" className="tab-panel">
          {step.input ? (
            <PagedItems key={`${runId}:input`} runId={runId} nodeId={step.nodeId} side="input" preview={step.input} total={step.inputCount ?? step.input.length} label={t('run.input')} />
          ) : (
            <p className="muted">{t('run.noInput')}</p>
          )}
        </Tabs.Content>
        <Tabs.Content value="output" className="tab-panel">
          {ports.length === 0 ? <p className="muted">{t('run.noOutput')}</p> : null}
          {ports.map((port) => (
            <div key={port}>
              {ports.length > 1 ? <h4 className="port-heading">{t('run.port', { port: text.port(port) })}</h4> : null}
              <PagedItems
                key={`${runId}:${port}`}
                runId={runId}
                nodeId={step.nodeId}
                side="output"
                port={port}
                preview={step.output![port]!}
                total={step.outputCounts?.[port] ?? step.output![port]!.length}
                label={`${t('run.output')} ${text.port(port)}`}
              />
            </div>
          ))}
        </Tabs.Content>
        <Tabs.Content value="attempts" className="tab-panel">
          <ol className="attempts">
            {step.attempts.map((a) => (
              <li key={a.attempt}>
                <strong>{t('run.attempt', { attempt: a.attempt })}</strong> <StatusBadge status={a.status} />{' '}
                <span className="muted small">
                  {format.time(a.startedAt)} · {format.duration(a.startedAt, a.finishedAt ?? null)}
                </span>
                {a.error ? <p className="field-error">{stepErrorText(a.error.message, a.error.details)}</p> : null}
              </li>
            ))}
          </ol>
          {step.nextAttemptAt ? <p className="muted">{t('run.nextAttempt', { time: format.time(step.nextAttemptAt) })}</p> : null}
        </Tabs.Content>
        {logs.length > 0 ? (
          <Tabs.Content value="console" className="tab-panel">
            <ol className="console" aria-label={t('run.consoleLabel')} data-testid="step-console">
              {logs.map((line, i) => (
                <li key={i} className={`console-${line.level}`}>
                  {step.attempts.length > 1 ? <span className="muted">{t('run.attempt', { attempt: line.attempt })} </span> : null}
                  {line.level !== 'info' ? <span className="console-level">{t(`run.levels.${line.level}`)} </span> : null}
                  <span className="console-message">{line.message}</span>
                </li>
              ))}
            </ol>
          </Tabs.Content>
        ) : null}
      </Tabs.Root>
    </section>
  );
}
