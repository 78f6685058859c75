/**
 * When a schedule or a poll fires (`rule` of trigger.schedule and trigger.poll), as a
 * person says it: every few minutes or hours (only the steps that divide an hour or a day
 * evenly), every day at a time, on chosen weekdays, every month on a day, or a cron
 * expression — with the schedule's problem (a cron that never fires) beside the field.
 */
import { HOUR_STEPS, MINUTE_STEPS } from '@junction/nodes';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { JsonSchema } from '../api/types.ts';
import { useNodeTypeText } from '../i18n/node-types.ts';
import type { FieldProps } from './fields.tsx';
import { fieldId, pathKey, useFormContext } from './form-context.ts';

type Rule = Record<string, unknown>;
const DAYS_OF_MONTH = Array.from({ length: 31 }, (_, i) => i + 1);

/** A rule of this kind as it starts: each of its fields at its default. */
export function ruleDefaults(member: JsonSchema): Rule {
  const rule: Rule = {};
  for (const [key, property] of Object.entries(member.properties ?? {})) {
    if (property.const !== undefined) rule[key] = property.const;
    else if (property.default !== undefined) rule[key] = property.default;
    else if (property.type === 'string') rule[key] = '';
  }
  return rule;
}

const asRule = (value: unknown): Rule => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Rule) : {});

export function ScheduleRuleField(props: FieldProps) {
  const { t } = useTranslation();
  const text = useNodeTypeText();
  const form = useFormContext();
  const members = props.schema.oneOf ?? props.schema.anyOf ?? [];
  const rule = asRule(props.value ?? props.schema.default);
  const member = members.find((m) => m.properties?.every?.const === rule.every);
  // Each field as it will be saved: what is set, else its default.
  const current: Rule = member ? { ...ruleDefaults(member), ...rule } : rule;
  const set = (patch: Rule) => props.onChange({ ...current, ...patch });
  const id = (key: string) => fieldId(form.nodeId, [...props.path, key]);
  const problems = (key?: string) => form.issues[pathKey(key ? [...props.path, key] : props.path)] ?? [];
  const ruleProblems = problems();
  const ruleErrorId = `${fieldId(form.nodeId, props.path)}-error`;
  const label = (key: string) => text.fieldLabel(form.nodeType, key);
  const describedBy = (key: string, help = false) => [help ? `${id(key)}-help` : '', problems(key).length ? `${id(key)}-error` : '', key === 'expression' && ruleProblems.length ? ruleErrorId : ''].filter(Boolean).join(' ') || undefined;
  const common = (key: string, help = false) => ({
    id: id(key),
    className: 'input',
    disabled: form.readOnly,
    'aria-describedby': describedBy(key, help),
    'aria-invalid': problems(key).length > 0 || (key === 'expression' && ruleProblems.length > 0) || undefined,
  });
  const errors = (key: string) =>
    problems(key).map((message) => (
      <p key={message} className="field-error" id={`${id(key)}-error`} role="alert">
        {message}
      </p>
    ));
  const ruleErrors = ruleProblems.map((message) => (
    <p key={message} className="field-error" id={ruleErrorId} role="alert">
      {message}
    </p>
  ));

  const part = (key: string, input: ReactNode, help?: string) => (
    <div className="field" key={key} data-field={pathKey([...props.path, key])}>
      <label className="field-label" htmlFor={id(key)}>
        {label(key)}
      </label>
      {input}
      {help ? (
        <p className="help" id={`${id(key)}-help`}>
          {help}
        </p>
      ) : null}
      {errors(key)}
      {key === 'expression' ? ruleErrors : null}
    </div>
  );

  const parts: ReactNode[] = [];
  const every = current.every;
  if (every === 'minutes' || every === 'hours') {
    const steps: readonly number[] = every === 'minutes' ? MINUTE_STEPS : HOUR_STEPS;
    const interval = Number(current.interval);
    const options = steps.includes(interval) || !Number.isFinite(interval) ? steps : [...steps, interval];
    parts.push(
      part(
        'interval',
        <select {...common('interval')} value={String(interval)} onChange={(e) => set({ interval: Number(e.target.value) })}>
          {options.map((n) => (
            <option key={n} value={n}>
              {t(every === 'minutes' ? 'schedule.minutes' : 'schedule.hours', { count: n })}
            </option>
          ))}
        </select>,
        every === 'minutes' ? t('schedule.onTheClock') : undefined,
      ),
    );
  }
  if (every === 'hours') {
    parts.push(
      part(
        'minute',
        <input
          type="number"
          {...common('minute', true)}
          min={0}
          max={59}
          step={1}
          value={String(current.minute ?? '')}
          onChange={(e) => Number.isInteger(e.target.valueAsNumber) && set({ minute: e.target.valueAsNumber })}
        />,
        text.fieldHelp(form.nodeType, 'minute', undefined),
      ),
    );
  }
  if (every === 'weekdays') {
    const chosen = new Set(Array.isArray(current.days) ? (current.days as string[]) : []);
    const days = (member?.properties?.days?.items?.enum ?? []).map(String);
    parts.push(
      <fieldset key="days" className="field weekdays" data-field={pathKey([...props.path, 'days'])} aria-describedby={problems('days').length ? `${id('days')}-error` : undefined}>
        <legend className="field-label">{label('days')}</legend>
        <div className="weekday-choices">
          {days.map((day) => (
            <label key={day} className="weekday">
              <input
                type="checkbox"
                className="checkbox"
                checked={chosen.has(day)}
                disabled={form.readOnly}
                onChange={(e) => set({ days: days.filter((d) => (d === day ? e.target.checked : chosen.has(d))) })}
              />
              {text.option(form.nodeType, 'days', day)}
            </label>
          ))}
        </div>
        {errors('days')}
      </fieldset>,
    );
  }
  if (every === 'month') {
    parts.push(
      part(
        'day',
        <select {...common('day', true)} value={String(current.day ?? 1)} onChange={(e) => set({ day: e.target.value === 'last' ? 'last' : Number(e.target.value) })}>
          {DAYS_OF_MONTH.map((n) => (
            <option key={n} value={n}>
              {t('schedule.dayOfMonth', { day: n })}
            </option>
          ))}
          <option value="last">{t('schedule.lastDay')}</option>
        </select>,
        t('schedule.monthSkipped'),
      ),
    );
  }
  if (every === 'day' || every === 'weekdays' || every === 'month') {
    parts.push(
      part(
        'time',
        <input type="time" step={60} {...common('time', true)} value={String(current.time ?? '')} onChange={(e) => set({ time: e.target.value })} />,
        text.fieldHelp(form.nodeType, 'time', undefined),
      ),
    );
  }
  if (every === 'cron') {
    parts.push(
      part(
        'expression',
        <input
          type="text"
          {...common('expression', true)}
          className="input mono"
          spellCheck={false}
          placeholder="30 23 * * 1-5"
          value={String(current.expression ?? '')}
          onChange={(e) => set({ expression: e.target.value })}
        />,
        text.fieldHelp(form.nodeType, 'expression', undefined),
      ),
    );
  }

  return (
    <div className={`field schedule-rule${ruleProblems.length ? ' field-invalid' : ''}`} data-field={pathKey(props.path)} data-testid="schedule-rule">
      <label className="field-label" htmlFor={id('every')}>
        {label('every')}
      </label>
      <select
        {...common('every')}
        value={String(every ?? '')}
        onChange={(e) => {
          const chosen = members.find((m) => String(m.properties?.every?.const) === e.target.value);
          if (chosen) props.onChange(ruleDefaults(chosen));
        }}
      >
        {member ? null : <option value="">{t('form.choose')}</option>}
        {members.map((m) => {
          const value = String(m.properties?.every?.const);
          return (
            <option key={value} value={value}>
              {text.option(form.nodeType, 'every', value)}
            </option>
          );
        })}
      </select>
      {errors('every')}
      <div className="schedule-parts">{parts}</div>
      {every === 'cron' ? null : ruleErrors}
      <p className="help">{text.fieldHelp(form.nodeType, props.name, props.schema.description)}</p>
    </div>
  );
}
