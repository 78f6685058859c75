/** English words of sharing a workflow with other users (part of en.ts). */
export const sharingEn = {
  sharing: {
    button: 'Share',
    title: 'Share “{{name}}”',
    description: 'The people you share it with may open, change and run it — but not share it further.',
    owner: 'Owner: {{name}}',
    people: 'Editors it is shared with',
    nobody: 'There are no editors to share with yet.',
    rolesNote: 'Viewers can read every workflow anyway, and admins can change every one.',
    saved_one: 'Shared with {{count}} person',
    saved_other: 'Shared with {{count}} people',
    private: 'Not shared with anyone',
  },
};
