/**
 * CodeMirror 6 for JSON, code, SQL (as plain text) and `{{ expression }}` inputs. This module is loaded on
 * demand (it is the heaviest part of the editor), so forms without such fields never
 * download it.
 */
import { autocompletion, closeBrackets, type Completion, type CompletionContext } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { javascript, javascriptLanguage } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { bracketMatching, syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderText } from '@codemirror/view';
import { useEffect, useRef } from 'react';

export type CodeLanguage = 'json' | 'javascript' | 'expression' | 'text';

export interface CodeEditorProps {
  value: string;
  onChange(value: string): void;
  language: CodeLanguage;
  /** Accessible name of the editor. */
  label: string;
  describedBy?: string;
  placeholder?: string;
  /** What autocomplete offers (`$json.total`, `$node("Order")`, `DateTime`, …), for expressions and code. */
  completions?: readonly Completion[];
  minHeight?: string;
  invalid?: boolean;
  readOnly?: boolean;
  testId?: string;
}

/**
 * In an expression, Junction's names start with `$`, and Luxon's are DateTime, Duration and
 * Interval (text around expressions is prose: other words must not pop a list up); in code, any word.
 */
const EXPRESSION_WORD = /(?:\$|\bDa|\bDu|\bIn)[\w$.[\]"()]*/;
const CODE_WORD = /[\w$][\w$.[\]"()]*/;

/** Completes words from the list as it is when the person types. */
function completionsFrom(options: () => readonly Completion[], word: RegExp) {
  const whole = new RegExp(`^(?:${word.source})$`);
  return (context: CompletionContext) => {
    const typed = context.matchBefore(word);
    if (!typed || (typed.from === typed.to && !context.explicit)) return null;
    return { from: typed.from, options: [...options()], validFor: whole };
  };
}

function languageOf(language: CodeLanguage, completions: () => readonly Completion[]): Extension[] {
  if (language === 'json') return [json()];
  // Text of another language (a database node's SQL): lines and a fixed-width font, no completions.
  if (language === 'text') return [];
  // Code: JavaScript's own completions (local names, keywords) and Junction's names beside them.
  if (language === 'javascript') return [javascript(), javascriptLanguage.data.of({ autocomplete: completionsFrom(completions, CODE_WORD) }), autocompletion()];
  return [javascript(), autocompletion({ override: [completionsFrom(completions, EXPRESSION_WORD)], activateOnTyping: true })];
}

export default function CodeEditor(props: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;
  // Read when completing, so new run data never remakes the editor (which would drop the focus).
  const completions = useRef(props.completions ?? []);
  completions.current = props.completions ?? [];

  useEffect(() => {
    const state = EditorState.create({
      doc: props.value,
      extensions: [
        history(),
        closeBrackets(),
        bracketMatching(),
        syntaxHighlighting(defaultHighlightStyle),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        EditorView.lineWrapping,
        EditorState.readOnly.of(props.readOnly ?? false),
        EditorView.editable.of(!props.readOnly),
        ...languageOf(props.language, () => completions.current),
        props.placeholder ? placeholderText(props.placeholder) : [],
        EditorView.contentAttributes.of({
          'aria-label': props.label,
          ...(props.describedBy ? { 'aria-describedby': props.describedBy } : {}),
          ...(props.invalid ? { 'aria-invalid': 'true' } : {}),
          ...(props.readOnly ? { 'aria-readonly': 'true' } : {}),
          ...(props.testId ? { 'data-testid': props.testId } : {}),
        }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange.current(update.state.doc.toString());
        }),
        EditorView.theme({ '&': { minHeight: props.minHeight ?? '2.2rem' }, '.cm-content': { minHeight: props.minHeight ?? '2.2rem' } }),
      ],
    });
    view.current = new EditorView({ state, parent: host.current! });
    return () => view.current?.destroy();
    // The editor is made once per mount; later value changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.language, props.readOnly]);

  useEffect(() => {
    const current = view.current;
    if (current && current.state.doc.toString() !== props.value) {
      current.dispatch({ changes: { from: 0, to: current.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  return <div ref={host} className={`code-editor${props.invalid ? ' invalid' : ''}`} />;
}
