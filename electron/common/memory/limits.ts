// Bounds on the story memory, checked where it enters (an edit, a project file).

/** The most entries a bible holds. */
export const MAX_ENTRIES = 2000;
/** The longest description of an entry, in characters. */
export const MAX_DESCRIPTION = 2000;
/** The longest summary of a step, in characters. */
export const MAX_SUMMARY = 4000;
/** The largest token budget of the entries in use. */
export const MAX_BIBLE_BUDGET = 100_000;
/** The most aliases an entry has. */
export const MAX_ALIASES = 50;
/** The longest name or alias, in characters. */
export const MAX_NAME = 200;
