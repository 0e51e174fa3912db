// Reactions: the emoji anyone may send (the server allows the same set,
// Room.reactionEmoji), with the names the "React" menu shows and screen
// readers read.

export const REACTIONS = [
  { emoji: '👍', name: 'Thumbs up' },
  { emoji: '👏', name: 'Clap' },
  { emoji: '😂', name: 'Laugh' },
  { emoji: '❤️', name: 'Heart' },
  { emoji: '🎉', name: 'Celebrate' },
  { emoji: '😮', name: 'Surprised' },
  { emoji: '🙏', name: 'Thank you' },
  { emoji: '🤔', name: 'Thinking' },
];

/** The name of a reaction's emoji ("Clap"), or null for one not in the set. */
export function reactionName(emoji) {
  const r = REACTIONS.find((x) => x.emoji === emoji);
  return r ? r.name : null;
}
