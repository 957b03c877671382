// What the server keeps about each child, where, and for how long, in words a school can paste
// into its privacy notice. docs/it.md ("What is kept, and for how long") says the same.
import type { ServerView } from '../../shared/protocol/index.js';

export function KeptRecords({ server }: { server: ServerView }) {
  const days = server.retentionDays;
  return (
    <section class="card kept" aria-labelledby="kept-title" data-testid="kept-records">
      <div class="card-head">
        <h2 id="kept-title">What is kept about each child</h2>
      </div>
      <p>
        <strong>What.</strong> The child&apos;s name: as the child types it when joining a class, or as the teacher
        wrote it in the class list (first and last name, if the teacher gave both). When they joined, what they read in
        each lesson (the books, their place, minutes and words read), the words they looked up, the questions they asked
        with their answers, and whether their teacher paused them. No account, email address, photo or sound recording.
      </p>
      <p>
        <strong>Where.</strong> On this computer only, in the file <code>readerai.db</code> in the folder{' '}
        <code>{server.dataDir}</code>. The child&apos;s tablet keeps their name, their place, their questions and a
        random token that lets it rejoin as them, in the browser&apos;s storage for this site. The server&apos;s log
        holds no names or questions.
      </p>
      <p>
        <strong>For how long.</strong>{' '}
        {days > 0
          ? `Until ${days} days after the class's last lesson; ` +
            'then the class and every record in it are erased on their own.'
          : 'Until a teacher deletes the child or IT deletes the class (automatic erasing is off).'}{' '}
        A teacher can remove a child from a lesson (the record is kept) or delete a child&apos;s record at any time; IT
        can delete a class.
      </p>
      <p>
        <strong>Deleting erases.</strong> Deleting a child erases their record and their name in the class list;
        deleting a class erases everything in it, its class list included. Within seconds of a deletion no file in that
        folder holds the child&apos;s name or questions, and their tablet forgets what it kept the next time it
        connects. A fingerprint of the tablet&apos;s random token is kept so the tablet can be told; it says nothing
        about the child. Copies made outside ReaderAI (backups of the folder, exported reports) are not reached.
      </p>
    </section>
  );
}
