// The QR code's target: the class code is filled in from ?code=, the child types a first name (or,
// when the class has a roster, taps it) and is reading. Also says how to get here by hand when a
// tablet has no camera. Whatever stops the child (no name yet, a name too long, a code the class
// does not have) is said in a short line next to it: the button is never disabled without a word
// why, and nothing typed is cut off.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Limits } from '../../../shared/protocol/codes.js';
import { useStore } from '../ui/store.js';
import type { Session } from '../session/session.js';
import { Icon } from '../ui/icons.js';
import { RosterPicker, WaitingForTeacher } from './RosterPicker.js';

/** The code as the server compares it (spaces and dashes between characters are ignored). */
const normalised = (code: string) => code.toUpperCase().replace(/[\s-]+/g, '');

export function JoinPage({ session }: { session: Session }): JSX.Element {
  const s = useStore(session.store, (st) => st);
  const [code, setCode] = useState(s.classCode);
  const [name, setName] = useState(s.name);
  // The code in the field is the one the QR link brought, and the class has not refused it.
  const scanned = code !== '' && code === s.linkCode && code !== s.wrongCode;
  // Counted in code points, as the server counts (server/classroom/names.ts).
  const tooLong = Array.from(name.trim().replace(/\s+/g, ' ')).length > Limits.NAME_MAX;
  // Why "Start reading" is off, said next to it (a name too long has its own message, above).
  const why = !name.trim()
    ? 'Type your name first.'
    : !code.trim() && !tooLong
      ? 'Type the class code from the board.'
      : '';
  const nameRef = useRef<HTMLInputElement>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  // The class's roster names, once the code in the field is complete and the class gave them.
  const names = s.roster?.code === normalised(code) ? s.roster.names : null;
  const typing = names === null && !s.lookingUp;

  // With the code already there, the next thing to do is type a name: open the keyboard for it
  // (once the class said it has no names to tap).
  useEffect(() => {
    if (code && typing) nameRef.current?.focus();
  }, [typing]);
  useEffect(() => {
    if (s.joinError) errorRef.current?.focus();
  }, [s.joinError]);
  // A complete code typed by hand: ask whether the class has names to tap.
  useEffect(() => {
    const c = normalised(code);
    if (c.length === Limits.CLASS_CODE_LENGTH && s.roster?.code !== c && !s.lookingUp) void session.lookUpNames(c);
  }, [code]);

  if (s.waiting) return <WaitingForTeacher session={session} name={s.waiting.name} />;

  const submit = (e: Event) => {
    e.preventDefault();
    // With a roster the child taps a name; Enter in the code field does nothing more.
    if (!s.joining && typing) void session.join(code, name);
  };

  return (
    <main class="join">
      <div class="join-card">
        <div class="brand" aria-hidden="true">
          <Icon name="book" />
        </div>
        <h1>Welcome to ReaderAI</h1>
        <p class="lead">
          {names
            ? 'Tap your name to start reading with your class.'
            : 'Type your first name to start reading with your class.'}
        </p>
        <form onSubmit={submit} novalidate>
          {typing && (
            <>
              <label for="name">Name</label>
              <input
                id="name"
                ref={nameRef}
                name="name"
                autocomplete="given-name"
                autocapitalize="words"
                spellcheck={false}
                value={name}
                onInput={(e) => setName(e.currentTarget.value)}
                aria-invalid={tooLong}
                aria-describedby={tooLong ? 'name-long' : undefined}
                required
              />
              {tooLong && (
                <p id="name-long" class="error" role="alert">
                  That name is too long. Please type just your first name ({Limits.NAME_MAX} letters at most).
                </p>
              )}
            </>
          )}
          <label for="code">Class code</label>
          <input
            id="code"
            name="code"
            class="code"
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
            maxLength={12}
            value={code}
            onInput={(e) => setCode(e.currentTarget.value.toUpperCase())}
            aria-describedby="code-help"
            required
          />
          <p id="code-help" class="hint">
            {scanned ? 'Filled in from the code you scanned.' : 'It is on the board, under the QR code.'}
          </p>
          {s.joinError && (
            <p class="error" role="alert" tabIndex={-1} ref={errorRef}>
              {s.joinError}
            </p>
          )}
          {s.lookingUp && (
            <p class="hint" role="status">
              Finding your class…
            </p>
          )}
          {names && <RosterPicker session={session} code={code} names={names} />}
          {typing && why && (
            <p id="why-not" class="hint">
              {why}
            </p>
          )}
          {typing && (
            <button
              class="primary big"
              type="submit"
              disabled={s.joining || why !== '' || tooLong}
              aria-describedby={why ? 'why-not' : undefined}
            >
              <Icon name="play" />
              <span>{s.joining ? 'Joining…' : 'Start reading'}</span>
            </button>
          )}
        </form>
      </div>
      <section class="by-hand" aria-labelledby="by-hand-title">
        <h2 id="by-hand-title">No camera? Join by typing</h2>
        <ol>
          <li>
            Open the web browser and type <strong class="address">{location.host}</strong>
          </li>
          <li>
            {names ? 'Type the class code' : 'Type your name and the class code'}
            {scanned ? <strong class="address"> {code}</strong> : ' from the board'}
            {names ? ', then tap your name.' : '.'}
          </li>
        </ol>
      </section>
    </main>
  );
}
