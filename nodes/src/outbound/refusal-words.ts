/**
 * What a refused connection says, in every language the editor speaks, and the values its
 * messages take: browser-safe, for the editor (`@junction/nodes/words`) and the policy alike.
 */
import { words as en } from './refusal-words.en.ts';
import { words as zhTW } from './refusal-words.zh-TW.ts';

export const outboundWords = { en, 'zh-TW': zhTW } as const;

/** The message params of a refusal: who, at which address, and what an administrator would allow. */
export function refusalParams(refusal: { host: string; address: string; rule?: string }): Record<string, string> {
  const target = refusal.host === refusal.address ? refusal.address : `${refusal.host} (${refusal.address})`;
  return { target, entry: refusal.host, rule: refusal.rule ?? '' };
}
