// Sentences a child reads that the server and the tablet both say: one wording, one place.

/** A child the teacher blocked: refused at join, and the tablet's farewell when its socket closes. */
export const BLOCKED_MESSAGE = 'Your teacher has paused your reading for now. Please ask your teacher.';

/** A tapped word nothing could answer (not even the offline dictionary). */
export const LOOKUP_FAILED_MESSAGE = "Sorry, I couldn't look that word up just now. Try again in a moment.";
