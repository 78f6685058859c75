import { z } from 'zod';
import { defineNode, nodeMessages } from '../../sdk/index.ts';
import { words } from './words.en.ts';

const say = nodeMessages('code.javascript', words.messages);

export const EXAMPLE_CODE = `// $input.all() is every item; return the items this step emits.
return $input.all().map((item) => ({ json: { ...item.json, checkedAt: $now.toISO() } }));`;

export const Params = z
  .object({
    mode: z
      .enum(['allItems', 'perItem'])
      .default('allItems')
      .describe(
        'allItems: the code runs once, with every item in $input.all(), and returns a list (return { json, pairedItem: i } to say an item comes from input item i, so $node("…").item can follow it). perItem: it runs for each item, which is $json / $input.item, and returns that item (or a list, or nothing to drop it).',
      ),
    code: z
      .string()
      .min(1, say.check('writeCode'))
      .max(100_000, say.check('codeTooLong'))
      .default(EXAMPLE_CODE)
      .describe(
        'JavaScript (await works). Available: $input, $json, $node("Name"), $run, $workflow, $vars, $now, $today, DateTime (Luxon), console.log (kept in the step record). No network, files or timers.',
      )
      // The editor opens a param declared as JavaScript in its code editor.
      .meta({ contentMediaType: 'text/javascript' }),
  })
  .strict();
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'code.javascript',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'code',
  category: 'code',
  inputs: ['main'],
  outputs: ['main'],
  params: Params,
  // The sandbox call covers every item at once, whichever mode the code runs in.
  mode: 'allItems',
  sideEffects: false,
  literalParams: ['code'],
});
