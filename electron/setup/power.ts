// Keeps the computer from sleeping while a class is live: the server on it is what every tablet
// in the room talks to. 'prevent-app-suspension' lets the screen dim but keeps the system awake.
import { powerSaveBlocker } from 'electron';

export interface ClassPower {
  setClassLive(live: boolean): void;
  readonly keepingAwake: boolean;
}

export function setupPowerSaveBlocker(): ClassPower {
  let blocker: number | null = null;
  return {
    setClassLive(live) {
      if (live && blocker === null) {
        blocker = powerSaveBlocker.start('prevent-app-suspension');
      } else if (!live && blocker !== null) {
        powerSaveBlocker.stop(blocker);
        blocker = null;
      }
    },
    get keepingAwake() {
      return blocker !== null && powerSaveBlocker.isStarted(blocker);
    },
  };
}
