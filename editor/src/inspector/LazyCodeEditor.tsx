/** CodeMirror, loaded when first needed; a plain text area stands in while it loads. */
import { lazy, Suspense } from 'react';
import type { CodeEditorProps } from './cm/CodeEditor.tsx';

const CodeMirrorEditor = lazy(() => import('./cm/CodeEditor.tsx'));

export function CodeEditor(props: CodeEditorProps) {
  return (
    <Suspense
      fallback={
        <textarea
          className="input mono"
          aria-label={props.label}
          aria-describedby={props.describedBy}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          rows={3}
        />
      }
    >
      <CodeMirrorEditor {...props} />
    </Suspense>
  );
}
