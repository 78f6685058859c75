/** English words of variables ($vars) (part of en.ts). */
export const variablesEn = {
  variables: {
    title: 'Variables',
    intro: 'Values every workflow can read, as $vars.NAME in expressions and code — an ERP’s address, a shop id. They are plain text: keep passwords and tokens in credentials.',
    readOnly: 'Admins change variables; you can read them and use them in your workflows.',
    key: 'Name',
    keyHelp: 'Letters, digits and “_”, not starting with a digit.',
    value: 'Value',
    updated: 'Changed',
    add: 'Add variable',
    added: 'Added {{key}}',
    edit: 'Change',
    editOne: 'Change {{key}}',
    saved: 'Saved {{key}}',
    deleteOne: 'Delete {{key}}',
    deleteTitle: 'Delete {{key}}?',
    deleteDescription: 'Expressions that read it will get nothing in its place.',
    deleted: 'Deleted {{key}}',
    empty: 'No variables yet.',
  },
};
