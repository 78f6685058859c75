import { DateTime } from 'luxon';
import { nodeMessages, type Item, type JsonObject, type PortItems, type StepWait, type WaitingRun } from '../../sdk/index.ts';
import { MAX_WAIT_MS, UNIT_MS, type Params, type WaitFor } from './definition.ts';
import { words } from './words.en.ts';

const say = nodeMessages('logic.wait', words.messages);

/** What each item carries on when the wait is over: how it ended, when, and what the person or system sent. */
export interface WaitOutcome extends JsonObject {
  outcome: 'elapsed' | 'approved' | 'rejected' | 'expired' | 'submitted' | 'called';
  at: string;
  data?: JsonObject;
  caller?: string;
}

const onward = (items: Item[], port: 'main' | 'rejected', wait: WaitOutcome): PortItems => ({
  main: [],
  rejected: [],
  [port]: items.map((item, i) => ({ json: { ...item.json, wait }, pairedItem: i })),
});

/** `time` as an instant: with an offset as written, without one in the workflow's time zone. */
function instant(time: string, timezone: string): DateTime {
  const parsed = /[zZ]|[+-]\d\d:?\d\d$/.test(time) ? DateTime.fromISO(time, { setZone: true }) : DateTime.fromISO(time, { zone: timezone });
  if (!parsed.isValid) throw say.fail('badTime', { value: time.slice(0, 100) });
  return parsed;
}

function expiry(waitFor: Extract<WaitFor, { expiresIn: number }>, now: number): string | null {
  return waitFor.expiresIn === 0 ? null : new Date(now + waitFor.expiresIn * UNIT_MS[waitFor.expiresUnit]).toISOString();
}

/** The wait a step asks for, the first time it runs. */
function request(waitFor: WaitFor, timezone: string, now: number): StepWait['wait'] {
  switch (waitFor.mode) {
    case 'duration': {
      const ms = waitFor.amount * UNIT_MS[waitFor.unit];
      if (ms > MAX_WAIT_MS) throw say.fail('tooLong', { until: new Date(now + ms).toISOString() });
      return { until: new Date(now + ms).toISOString(), resumable: false, reason: `${waitFor.amount} ${waitFor.unit}` };
    }
    case 'until': {
      const until = instant(waitFor.time, timezone);
      if (until.toMillis() - now > MAX_WAIT_MS) throw say.fail('tooLong', { until: until.toISO()! });
      return { until: until.toUTC().toISO()!, resumable: false, reason: `until ${until.toISO()}` };
    }
    case 'approval':
      return { until: expiry(waitFor, now), resumable: true, reason: waitFor.message, page: { kind: 'approval' } };
    case 'form': {
      const missing = waitFor.fields.find((field) => field.type === 'choice' && field.choices.length === 0);
      if (missing) throw say.fail('choiceNeeded', { field: missing.name });
      return { until: expiry(waitFor, now), resumable: true, reason: waitFor.message, page: { kind: 'form', fields: waitFor.fields } };
    }
    case 'callback':
      return { until: expiry(waitFor, now), resumable: true, reason: 'a call to the resume URL', page: { kind: 'callback' } };
  }
}

export const run: WaitingRun<Params> = async ({ params, items, resumed, timezone }) => {
  const { waitFor } = params;
  if (!resumed) return { wait: request(waitFor, timezone, Date.now()) };
  const at = resumed.at;
  const caller = resumed.caller ? { caller: resumed.caller } : {};
  if (resumed.by === 'time') {
    if (waitFor.mode === 'duration' || waitFor.mode === 'until') return onward(items, 'main', { outcome: 'elapsed', at });
    // Nobody answered in time: what that counts as is the node's choice.
    if (waitFor.onExpiry === 'fail') throw say.fail('expired', { until: at });
    if (waitFor.mode === 'approval') return onward(items, waitFor.onExpiry === 'approve' ? 'main' : 'rejected', { outcome: 'expired', at });
    return onward(items, 'main', { outcome: 'expired', at });
  }
  const data = resumed.data ?? {};
  if (waitFor.mode === 'approval') {
    const approved = data.decision === 'approve';
    return onward(items, approved ? 'main' : 'rejected', { outcome: approved ? 'approved' : 'rejected', at, data, ...caller });
  }
  return onward(items, 'main', { outcome: waitFor.mode === 'form' ? 'submitted' : 'called', at, data, ...caller });
};
