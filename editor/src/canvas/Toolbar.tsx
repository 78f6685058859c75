/** The editor's bar: what is open, save, versions, run, on/off, undo/redo, layout and help. */
import { useReactFlow } from '@xyflow/react';
import { Switch } from 'radix-ui';
import { useTranslation } from 'react-i18next';
import type { Workflow } from '../api/types.ts';
import { Link } from '../app/navigation.tsx';
import { useDecoration, useEditor } from '../store/context.tsx';

export interface ToolbarProps {
  workflow: Workflow;
  saving: boolean;
  /** What the signed-in person may do here: change and save, run, share. */
  may: { write: boolean; run: boolean; share: boolean };
  onSave(): void;
  onVersions(): void;
  onRun(): void;
  onShare(): void;
  onActive(active: boolean): void;
}

export function Toolbar(props: ToolbarProps) {
  const { t } = useTranslation();
  const dirty = useEditor((s) => s.revision !== s.savedRevision);
  const problems = useDecoration((s) => Object.values(s.problems).reduce((n, p) => n + p.count, 0));
  return (
    <div className="toolbar" role="toolbar" aria-label={t('editor.toolbar')}>
      <div className="toolbar-title">
        <Link to="/workflows" className="plain-link muted">
          {t('nav.workflows')}
        </Link>
        <span aria-hidden className="muted">
          /
        </span>
        <h1 className="workflow-name">{props.workflow.name}</h1>
        <span className="muted small">{t('workflows.version', { version: props.workflow.version })}</span>
        {dirty ? (
          <span className="badge unsaved" role="status">
            {t('editor.unsavedBadge')}
          </span>
        ) : null}
        {problems > 0 ? <span className="badge status-failed">{t('canvas.problems', { count: problems })}</span> : null}
        {props.may.write ? null : (
          <span className="badge read-only-badge" title={t('editor.readOnlyHint')} data-testid="read-only">
            {t('editor.readOnly')}
          </span>
        )}
      </div>
      <div className="toolbar-group">
        <label className="switch-label">
          <Switch.Root
            className="switch"
            checked={props.workflow.active}
            onCheckedChange={props.onActive}
            disabled={!props.may.write}
            aria-label={t('workflows.active')}
            data-testid="active-switch"
          >
            <Switch.Thumb className="switch-thumb" />
          </Switch.Root>
          <span>{props.workflow.active ? t('editor.active') : t('editor.inactive')}</span>
        </label>
        <Link to={`/runs?workflowId=${props.workflow.id}`} className="button small">
          {t('editor.history')}
        </Link>
        <button type="button" className="button small" onClick={props.onVersions}>
          {t('versions.title')}
        </button>
        {props.may.share ? (
          <button type="button" className="button small" onClick={props.onShare} data-testid="share">
            {t('sharing.button')}
          </button>
        ) : null}
        {props.may.write ? (
          <button type="button" className="button" onClick={props.onSave} disabled={props.saving} data-testid="save">
            {props.saving ? t('editor.saving') : t('common.save')}
          </button>
        ) : null}
        {props.may.run ? (
          <button type="button" className="button primary" onClick={props.onRun} data-testid="run-workflow">
            ▶ {t('run.runWorkflow')}
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** Undo, redo, tidy up, zoom to fit, sticky note, shortcuts: over the canvas (read-only: zoom and shortcuts). */
export function CanvasTools({ onLayout, onHelp }: { onLayout(): void; onHelp(): void }) {
  const { t } = useTranslation();
  const flow = useReactFlow();
  const { canUndo, canRedo, undo, redo, addSticky, readOnly } = useEditor((s) => ({
    canUndo: s.past.length > 0,
    canRedo: s.future.length > 0,
    undo: s.undo,
    redo: s.redo,
    addSticky: s.addSticky,
    readOnly: s.readOnly,
  }));
  return (
    <div className="canvas-tools" role="toolbar" aria-label={t('editor.canvasTools')}>
      {readOnly ? null : (
        <>
          <button type="button" className="icon-button" onClick={undo} disabled={!canUndo} aria-label={t('shortcuts.undo')} title={t('shortcuts.undo')}>
            ↶
          </button>
          <button type="button" className="icon-button" onClick={redo} disabled={!canRedo} aria-label={t('shortcuts.redo')} title={t('shortcuts.redo')}>
            ↷
          </button>
          <button type="button" className="button small" onClick={onLayout}>
            {t('shortcuts.layout')}
          </button>
        </>
      )}
      <button type="button" className="button small" onClick={() => void flow.fitView({ duration: 200 })}>
        {t('shortcuts.fit')}
      </button>
      {readOnly ? null : (
        <button type="button" className="button small" onClick={() => addSticky(flow.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 }))}>
          {t('shortcuts.sticky')}
        </button>
      )}
      <button type="button" className="icon-button" onClick={onHelp} aria-label={t('shortcuts.title')} title={t('shortcuts.title')}>
        ?
      </button>
    </div>
  );
}
