/**
 * The inputs of generated forms: text, number, true/false, choice, any value, JSON and
 * code — each can switch to an expression (`{{ … }}`) with autocomplete and a preview.
 */
import { containsExpression } from '@junction/nodes';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { JsonSchema } from '../api/types.ts';
import { useNodeTypeText } from '../i18n/node-types.ts';
import { ExpressionPreview } from './ExpressionPreview.tsx';
import { fieldId, pathKey, useFormContext } from './form-context.ts';
import { CodeEditor } from './LazyCodeEditor.tsx';

export interface FieldProps {
  schema: JsonSchema;
  path: (string | number)[];
  value: unknown;
  onChange(value: unknown): void;
  /** The property name (labels and translations are looked up by it). */
  name: string;
  required: boolean;
}

/** Label, help text and problems around an input. */
export function FieldFrame(props: FieldProps & { children: ReactNode; expression?: { on: boolean; toggle(): void } }) {
  const { t } = useTranslation();
  const text = useNodeTypeText();
  const form = useFormContext();
  const id = fieldId(form.nodeId, props.path);
  const problems = form.issues[pathKey(props.path)] ?? [];
  const help = text.fieldHelp(form.nodeType, props.name, props.schema.description);
  return (
    <div className={`field${problems.length ? ' field-invalid' : ''}`} data-field={pathKey(props.path)}>
      <div className="field-head">
        <label className="field-label" htmlFor={id} id={`${id}-label`}>
          {text.fieldLabel(form.nodeType, props.name)}
          {props.required ? <span className="required" aria-hidden> *</span> : null}
        </label>
        {props.expression && !form.readOnly ? (
          <button
            type="button"
            className={`mode-toggle${props.expression.on ? ' on' : ''}`}
            aria-pressed={props.expression.on}
            onClick={props.expression.toggle}
            title={t('form.expressionHint')}
          >
            {props.expression.on ? t('form.expression') : t('form.fixed')}
          </button>
        ) : null}
      </div>
      {props.children}
      {help ? (
        <p className="help" id={`${id}-help`}>
          {help}
        </p>
      ) : null}
      {problems.map((message) => (
        <p key={message} className="field-error" id={`${id}-error`} role="alert">
          {message}
        </p>
      ))}
    </div>
  );
}

function useDescribedBy(path: (string | number)[]) {
  const form = useFormContext();
  const id = fieldId(form.nodeId, path);
  const invalid = (form.issues[pathKey(path)] ?? []).length > 0;
  return { id, describedBy: `${id}-help${invalid ? ` ${id}-error` : ''}`, invalid };
}

/** A field's expression editor (CodeMirror with autocomplete) and the preview of its value. */
function ExpressionInput({ path, value, onChange, label }: { path: (string | number)[]; value: string; onChange(v: string): void; label: string }) {
  const form = useFormContext();
  const { id, describedBy, invalid } = useDescribedBy(path);
  return (
    <div id={id} className="expression-field">
      <CodeEditor
        language="expression"
        value={value}
        onChange={onChange}
        label={label}
        describedBy={describedBy}
        invalid={invalid}
        completions={form.expression.completions}
        placeholder="{{ $json.field }}"
        readOnly={form.readOnly}
        testId={`expression-${pathKey(path)}`}
      />
      <ExpressionPreview expression={value} />
    </div>
  );
}

/** Expression mode: on when the saved value is an expression; toggling converts the value. */
function useExpressionMode(value: unknown, onChange: (v: unknown) => void) {
  const [on, setOn] = useState(() => containsExpression(value));
  return {
    on,
    toggle() {
      // An expression is a template: fixed text stays text, `{{ … }}` parts are computed.
      if (on) onChange(undefined);
      else onChange(value === undefined || value === null ? '' : String(value));
      setOn(!on);
    },
  };
}

export function ScalarField(props: FieldProps) {
  const { t } = useTranslation();
  const text = useNodeTypeText();
  const form = useFormContext();
  // A param taken as written (the Code node's code, a database node's SQL) has no expression mode: `{{ }}` in it is text.
  const literal = form.literal.has(pathKey(props.path));
  const mode = useExpressionMode(literal ? undefined : props.value, props.onChange);
  const { id, describedBy, invalid } = useDescribedBy(props.path);
  const label = text.fieldLabel(form.nodeType, props.name);
  const { schema } = props;
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': invalid || undefined, disabled: form.readOnly };

  let input: ReactNode;
  if (mode.on) {
    input = <ExpressionInput path={props.path} value={String(props.value ?? '')} onChange={props.onChange} label={label} />;
  } else if (schema.enum) {
    const current = props.value ?? schema.default ?? '';
    input = (
      <select className="input" {...common} value={String(current)} onChange={(e) => props.onChange(e.target.value)}>
        {current === '' ? <option value="">{t('form.choose')}</option> : null}
        {schema.enum.map((option) => (
          <option key={String(option)} value={String(option)}>
            {text.option(form.nodeType, props.name, String(option))}
          </option>
        ))}
      </select>
    );
  } else if (schema.type === 'boolean') {
    const checked = Boolean(props.value ?? schema.default ?? false);
    input = (
      <input type="checkbox" className="checkbox" {...common} checked={checked} onChange={(e) => props.onChange(e.target.checked)} />
    );
  } else if (schema.type === 'number' || schema.type === 'integer') {
    input = (
      <NumberInput common={common} value={props.value} placeholder={schema.default} min={schema.minimum} max={schema.maximum} step={schema.type === 'integer' ? 1 : 'any'} onChange={props.onChange} />
    );
  } else if (schema.contentMediaType?.includes('javascript')) {
    input = (
      <CodeEditor
        language="javascript"
        value={String(props.value ?? '')}
        onChange={props.onChange}
        label={label}
        describedBy={describedBy}
        minHeight="12rem"
        completions={form.expression.codeCompletions ?? form.expression.completions}
        readOnly={form.readOnly}
        invalid={invalid}
        testId={`code-${pathKey(props.path)}`}
      />
    );
  } else if (schema.contentMediaType === 'text/x-sql') {
    input = (
      <CodeEditor
        language="text"
        value={String(props.value ?? '')}
        onChange={props.onChange}
        label={label}
        describedBy={describedBy}
        minHeight="6rem"
        readOnly={form.readOnly}
        invalid={invalid}
        testId={`code-${pathKey(props.path)}`}
      />
    );
  } else {
    input = (
      <input
        type="text"
        className="input"
        {...common}
        value={String(props.value ?? '')}
        placeholder={schema.default !== undefined ? String(schema.default) : undefined}
        onChange={(e) => props.onChange(e.target.value === '' && !props.required ? undefined : e.target.value)}
      />
    );
  }
  return (
    <FieldFrame {...props} expression={literal ? undefined : mode}>
      {input}
    </FieldFrame>
  );
}

function NumberInput(props: {
  common: Record<string, unknown>;
  value: unknown;
  placeholder: unknown;
  min?: number;
  max?: number;
  step: number | 'any';
  onChange(v: unknown): void;
}) {
  const [textValue, setText] = useState(props.value === undefined ? '' : String(props.value));
  useEffect(() => setText(props.value === undefined ? '' : String(props.value)), [props.value]);
  return (
    <input
      type="number"
      className="input"
      {...props.common}
      value={textValue}
      min={props.min}
      max={props.max}
      step={props.step}
      placeholder={props.placeholder !== undefined ? String(props.placeholder) : undefined}
      onChange={(e) => {
        setText(e.target.value);
        if (e.target.value === '') props.onChange(undefined);
        else if (Number.isFinite(e.target.valueAsNumber)) props.onChange(e.target.valueAsNumber);
      }}
    />
  );
}

type AnyKind = 'text' | 'number' | 'boolean' | 'json' | 'expression';

function kindOf(value: unknown): AnyKind {
  if (containsExpression(value)) return 'expression';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'object' && value !== null) return 'json';
  return 'text';
}

/** A field that takes any value (`z.unknown()`): the person says which kind, then enters it. */
export function AnyField(props: FieldProps) {
  const { t } = useTranslation();
  const text = useNodeTypeText();
  const form = useFormContext();
  const [kind, setKind] = useState<AnyKind>(() => kindOf(props.value));
  const [jsonText, setJsonText] = useState(() => (kindOf(props.value) === 'json' ? JSON.stringify(props.value, null, 2) : ''));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const { id, describedBy, invalid } = useDescribedBy(props.path);
  const label = text.fieldLabel(form.nodeType, props.name);

  const switchTo = (next: AnyKind) => {
    setKind(next);
    if (next === 'boolean') props.onChange(Boolean(props.value));
    else if (next === 'number') props.onChange(Number.isFinite(Number(props.value)) && props.value !== '' ? Number(props.value) : 0);
    else if (next === 'expression') props.onChange('{{ $json }}');
    else if (next === 'json') {
      setJsonText(JSON.stringify(props.value ?? {}, null, 2));
      props.onChange(typeof props.value === 'object' && props.value !== null ? props.value : {});
    } else props.onChange(props.value === undefined || props.value === null ? '' : typeof props.value === 'object' ? JSON.stringify(props.value) : String(props.value));
  };

  let input: ReactNode;
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': invalid || undefined, disabled: form.readOnly };
  if (kind === 'expression') input = <ExpressionInput path={props.path} value={String(props.value ?? '')} onChange={props.onChange} label={label} />;
  else if (kind === 'boolean') input = <input type="checkbox" className="checkbox" {...common} checked={Boolean(props.value)} onChange={(e) => props.onChange(e.target.checked)} />;
  else if (kind === 'number')
    input = <NumberInput common={common} value={props.value} placeholder={undefined} step="any" onChange={props.onChange} />;
  else if (kind === 'json')
    input = (
      <>
        <CodeEditor
          language="json"
          value={jsonText}
          label={label}
          describedBy={describedBy}
          minHeight="5rem"
          invalid={jsonError !== null}
          readOnly={form.readOnly}
          onChange={(next) => {
            setJsonText(next);
            try {
              props.onChange(JSON.parse(next));
              setJsonError(null);
            } catch (error) {
              setJsonError((error as Error).message);
            }
          }}
        />
        {jsonError ? <p className="field-error">{t('form.invalidJson', { message: jsonError })}</p> : null}
      </>
    );
  else input = <input type="text" className="input" {...common} value={String(props.value ?? '')} onChange={(e) => props.onChange(e.target.value)} />;

  return (
    <FieldFrame {...props}>
      <div className="any-field">
        <select className="input kind-select" value={kind} aria-label={t('form.kindOf', { field: label })} onChange={(e) => switchTo(e.target.value as AnyKind)} disabled={form.readOnly}>
          {(['text', 'number', 'boolean', 'json', 'expression'] as const).map((k) => (
            <option key={k} value={k}>
              {t(`form.kinds.${k}`)}
            </option>
          ))}
        </select>
        <div className="any-input">{input}</div>
      </div>
    </FieldFrame>
  );
}
