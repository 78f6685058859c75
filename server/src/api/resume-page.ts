/**
 * The page a resume link opens (an approval, a form) and the checks on what it sends
 * back. Opening the link never resumes anything — mail scanners open links — only
 * sending the page's form does. Self-contained HTML: no script, its own styles, every
 * text escaped (the message comes from run data).
 */
import type { JsonObject, ResumeFormField, StepWaitRecord } from '@junction/nodes';

type Language = 'en' | 'zh-TW';

const WORDS = {
  en: {
    title: 'Waiting for you',
    workflow: 'Workflow',
    approve: 'Approve',
    reject: 'Reject',
    comment: 'Comment (optional)',
    send: 'Send',
    until: 'Open until',
    done: 'Thank you — your answer was recorded and the workflow goes on.',
    answered: 'This was answered already; nothing was changed.',
    expired: 'This link has expired; nothing was changed.',
    gone: 'This link does not lead anywhere: it is mistyped, or the run it belonged to was deleted.',
    required: 'Fill this in',
    notNumber: 'Enter a number',
    notDate: 'Enter a date (YYYY-MM-DD)',
    notChoice: 'Choose one of the options',
    tooLong: 'At most 4,000 characters',
    decision: 'Choose approve or reject',
  },
  'zh-TW': {
    title: '等待您的回覆',
    workflow: '工作流程',
    approve: '核准',
    reject: '駁回',
    comment: '備註（選填）',
    send: '送出',
    until: '有效期限',
    done: '謝謝您——您的回覆已記錄，工作流程將繼續。',
    answered: '這項已經有人回覆過了，沒有任何變更。',
    expired: '這個連結已經過期，沒有任何變更。',
    gone: '這個連結無效：可能打錯了，或所屬的執行已被刪除。',
    required: '請填寫此欄',
    notNumber: '請輸入數字',
    notDate: '請輸入日期（YYYY-MM-DD）',
    notChoice: '請從選項中選擇一項',
    tooLong: '最多 4,000 個字元',
    decision: '請選擇核准或駁回',
  },
} as const;
type Words = (typeof WORDS)[Language];

/** The reader's language from Accept-Language: Chinese readers get Traditional Chinese, everyone else English. */
export function languageOf(acceptLanguage: string | undefined): Language {
  return /^\s*zh\b/i.test(acceptLanguage ?? '') ? 'zh-TW' : 'en';
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function layout(language: Language, title: string, body: string): string {
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2433}main{max-width:560px;margin:48px auto;background:#fff;border-radius:8px;padding:32px;box-shadow:0 1px 3px #0002}
h1{font-size:22px;margin:0 0 8px}.muted{color:#5b6475;font-size:14px}.message{white-space:pre-wrap;margin:20px 0;padding:16px;background:#f5f6f8;border-radius:6px}
label{display:block;margin:16px 0 4px;font-weight:600}input,textarea,select{width:100%;box-sizing:border-box;padding:8px;border:1px solid #b9c0cc;border-radius:6px;font:inherit}
.error{color:#b42318;font-size:14px}.buttons{display:flex;gap:12px;margin-top:24px}button{font:inherit;padding:10px 20px;border-radius:6px;border:0;cursor:pointer;background:#175cd3;color:#fff}button.reject{background:#b42318}</style>
</head><body><main>${body}</main></body></html>`;
}

export interface PageContext {
  language: Language;
  workflowName: string;
  nodeName: string | null;
  wait: StepWaitRecord;
  /** Problems of a form that was sent back, by field. */
  errors?: Record<string, string>;
  /** What was entered, shown again with the problems. */
  values?: Record<string, string>;
}

function field(f: ResumeFormField, words: Words, value: string, error: string | undefined): string {
  const id = `f-${escape(f.name)}`;
  const common = `id="${id}" name="${escape(f.name)}"${f.required ? ' required' : ''}`;
  let input: string;
  if (f.type === 'textarea') input = `<textarea ${common} rows="4">${escape(value)}</textarea>`;
  else if (f.type === 'choice') {
    input = `<select ${common}><option value=""></option>${(f.choices ?? []).map((c) => `<option${c === value ? ' selected' : ''}>${escape(c)}</option>`).join('')}</select>`;
  } else input = `<input ${common} type="${f.type === 'number' ? 'number" step="any' : f.type === 'date' ? 'date' : 'text'}" value="${escape(value)}">`;
  return `<label for="${id}">${escape(f.label)}${f.required ? ' *' : ''}</label>${input}${error ? `<div class="error">${escape(error)}</div>` : ''}`;
}

/** The page of a step waiting for a person: an approval's buttons or a form. */
export function waitingPage(context: PageContext): string {
  const words = WORDS[context.language];
  const { wait } = context;
  const head = `<h1>${escape(context.nodeName ?? words.title)}</h1><div class="muted">${words.workflow}: ${escape(context.workflowName)}${
    wait.until ? ` · ${words.until} ${escape(new Date(wait.until).toISOString().replace('T', ' ').slice(0, 16))} UTC` : ''
  }</div><div class="message">${escape(wait.reason)}</div>`;
  const errors = context.errors ?? {};
  const values = context.values ?? {};
  if (wait.page?.kind === 'form') {
    const fields = wait.page.fields.map((f) => field(f, words, values[f.name] ?? '', errors[f.name])).join('');
    return layout(context.language, context.nodeName ?? words.title, `${head}<form method="post">${fields}<div class="buttons"><button type="submit">${words.send}</button></div></form>`);
  }
  return layout(
    context.language,
    context.nodeName ?? words.title,
    `${head}<form method="post"><label for="comment">${words.comment}</label><textarea id="comment" name="comment" rows="3">${escape(values.comment ?? '')}</textarea>${
      errors.decision ? `<div class="error">${escape(errors.decision)}</div>` : ''
    }<div class="buttons"><button type="submit" name="decision" value="approve">${words.approve}</button><button type="submit" name="decision" value="reject" class="reject">${words.reject}</button></div></form>`,
  );
}

/** A page that only says something: done, answered already, expired, gone. */
export function notePage(language: Language, note: 'done' | 'answered' | 'expired' | 'gone'): string {
  const words = WORDS[language];
  return layout(language, words.title, `<h1>${escape(words.title)}</h1><p>${escape(words[note])}</p>`);
}

/**
 * What a caller sent, checked against the page: an approval's decision and comment, a
 * form's fields (numbers as numbers), or any JSON object for a callback.
 */
export function readAnswer(wait: StepWaitRecord, sent: Record<string, unknown>, language: Language): { data: JsonObject } | { errors: Record<string, string> } {
  const words = WORDS[language];
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : String(value));
  const page = wait.page;
  if (page?.kind === 'approval') {
    const decision = text(sent.decision);
    if (decision !== 'approve' && decision !== 'reject') return { errors: { decision: words.decision } };
    const comment = text(sent.comment);
    if (comment.length > 4000) return { errors: { comment: words.tooLong } };
    return { data: { decision, ...(comment ? { comment } : {}) } };
  }
  if (page?.kind === 'form') {
    const data: JsonObject = {};
    const errors: Record<string, string> = {};
    for (const f of page.fields) {
      const value = text(sent[f.name]);
      if (value === '') {
        if (f.required) errors[f.name] = words.required;
        continue;
      }
      if (value.length > 4000) errors[f.name] = words.tooLong;
      else if (f.type === 'number') {
        const number = Number(value);
        if (!Number.isFinite(number)) errors[f.name] = words.notNumber;
        else data[f.name] = number;
      } else if (f.type === 'date') {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) errors[f.name] = words.notDate;
        else data[f.name] = value;
      } else if (f.type === 'choice' && !(f.choices ?? []).includes(value)) errors[f.name] = words.notChoice;
      else data[f.name] = value;
    }
    return Object.keys(errors).length > 0 ? { errors } : { data };
  }
  return { data: sent as JsonObject };
}
