// What both ways of reading aloud share (the tablet's voice, narration/narrator.ts, and a narrated
// book's own audio, narration/audio-narrator.ts): the word they are at, whether they play, the
// speed, and telling the page when the word changes.
export abstract class ReadAloud {
  protected pos = 0;
  protected isPlaying = false;
  protected rateNow = 1;

  constructor(private readonly notify: (wordIdx: number) => void) {}

  get position(): number {
    return this.pos;
  }

  get playing(): boolean {
    return this.isPlaying;
  }

  get rate(): number {
    return this.rateNow;
  }

  protected moveTo(i: number): void {
    if (i === this.pos) return;
    this.pos = i;
    this.notify(i);
  }
}

export function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
