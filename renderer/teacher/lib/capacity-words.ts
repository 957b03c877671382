// The capacity panel's one sentence for the teacher: how much room the computer has, in classes
// and schools rather than counts of students and bytes (those stay in the panel's details for IT).

/** A class, for "room for about 12 more classes". */
const CLASS_SIZE = 30;
/** More free places than this is room for a whole (primary) school at once. */
const SCHOOL_SIZE = 1000;

export function roomSentence(headroom: number | null): string {
  if (headroom === null) return 'Still measuring how many more students fit.';
  if (headroom >= SCHOOL_SIZE) return 'Room for the whole school.';
  if (headroom >= 2 * CLASS_SIZE) return `Room for about ${Math.floor(headroom / CLASS_SIZE)} more classes.`;
  if (headroom >= CLASS_SIZE) return 'Room for one more class.';
  if (headroom > 0) return `Nearly full: room for ${headroom} more ${headroom === 1 ? 'student' : 'students'}.`;
  return 'Full: students who join now may find reading slow.';
}
