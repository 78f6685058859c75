/** A sticky note: text for the people reading the flow. Double-click (or Enter) to edit. */
import { NodeResizer, type NodeProps } from '@xyflow/react';
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StickyFlowNode } from '../canvas/graph.ts';
import { useEditor } from '../store/context.tsx';

function StickyNoteView({ id, data, selected }: NodeProps<StickyFlowNode>) {
  const { t } = useTranslation();
  const { updateSticky, checkpoint, readOnly } = useEditor((s) => ({ updateSticky: s.updateSticky, checkpoint: s.checkpoint, readOnly: s.readOnly }));
  const [editing, setEditing] = useState(false);
  return (
    <div className={`sticky-note sticky-${data.color}`} onDoubleClick={() => !readOnly && setEditing(true)}>
      <NodeResizer isVisible={selected && !readOnly} minWidth={120} minHeight={80} onResizeStart={() => checkpoint()} />
      {editing ? (
        <textarea
          className="sticky-text nodrag nowheel"
          autoFocus
          aria-label={t('canvas.stickyText')}
          value={data.text}
          onChange={(e) => updateSticky(id, e.target.value)}
          onBlur={() => setEditing(false)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setEditing(false);
            e.stopPropagation();
          }}
        />
      ) : (
        <div
          className="sticky-text"
          tabIndex={readOnly ? undefined : 0}
          onKeyDown={(e) => e.key === 'Enter' && !readOnly && setEditing(true)}
        >
          {data.text || <span className="muted">{t('canvas.stickyPlaceholder')}</span>}
        </div>
      )}
    </div>
  );
}

export const StickyNote = memo(StickyNoteView);
