// The student tablet app: / (resume or join) and /join?code=CODE (the QR code's target).
import { render } from 'preact';
import '@fontsource/atkinson-hyperlegible/400.css';
import '@fontsource/atkinson-hyperlegible/700.css';
import '@fontsource/opendyslexic/400.css';
import '@fontsource/opendyslexic/700.css';
import './styles/base.css';
import './styles/join.css';
import './styles/reader.css';
import './styles/panels.css';
import { App } from './App.js';
import { Session } from './session/session.js';
import { keepForOffline } from './offline/register.js';

const session = new Session(new URLSearchParams(location.search));
render(<App session={session} />, document.getElementById('app')!);
void keepForOffline().then((reload) => session.setOfflineReload(reload));
