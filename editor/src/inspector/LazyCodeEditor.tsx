/** CodeMirror, loaded when first needed; a plain text area stands in while it loads. */
import { lazy, Suspense } from 'react';
import type { CodeEditorProps } from './cm/CodeEditor.tsx';

const load = () => import('./cm/CodeEditor.tsx');
const CodeMirrorEditor = lazy(load);

/** Fetches CodeMirror while the person looks at the canvas, so the first expression field opens at once. */
export function preloadCodeEditor(): void {
  const start = () => void load();
  if ('requestIdleCallback' in window) window.requestIdleCallback(start, { timeout: 3000 });
  else setTimeout(start, 1000);
}

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
