import type { JSX } from 'preact';
import { useStore } from './ui/store.js';
import type { Session } from './session/session.js';
import { JoinPage } from './join/JoinPage.js';
import { Reader } from './reader/Reader.js';
import { Farewell } from './join/Farewell.js';

export function App({ session }: { session: Session }): JSX.Element {
  const screen = useStore(session.store, (s) => s.screen);
  if (screen === 'join') return <JoinPage session={session} />;
  if (screen === 'farewell') return <Farewell session={session} />;
  return <Reader session={session} />;
}
