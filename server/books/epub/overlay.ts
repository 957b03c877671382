// EPUB 3 Media Overlays: each SMIL file is a sequence of <par> elements, each tying a piece of
// the chapter's text (<text src="chapter.xhtml#id">) to a stretch of an audio file (<audio
// src="…" clipBegin="…" clipEnd="…">). A par may name one word or a whole phrase.
import { readXml, resolveHref } from './xml.js';
import { badBook } from './zip.js';

export interface OverlayPar {
  /** "path#id" of the text it voices. */
  text: string;
  /** The audio file's path inside the zip. */
  audio: string;
  begin: number;
  end: number;
}

/** Far more clips than a long novel narrated word by word (about 100,000 words). */
export const MAX_PARS = 400_000;

export function readOverlay(smilPath: string, smil: string, seen: number): OverlayPar[] {
  const pars: OverlayPar[] = [];
  let par: { text?: string; audio?: string; begin?: string; end?: string } | null = null;
  readXml(smil, {
    open(name, a) {
      if (name === 'par') par = {};
      else if (par && name === 'text' && a.src) par.text = a.src;
      else if (par && name === 'audio' && a.src) {
        par.audio = a.src;
        par.begin = a.clipbegin ?? a.clipBegin;
        par.end = a.clipend ?? a.clipEnd;
      }
    },
    close(name) {
      if (name !== 'par' || !par) return;
      const p: { text?: string; audio?: string; begin?: string; end?: string } = par;
      par = null;
      if (!p.audio || !p.text) return; // a par without audio is read by the text alone
      if (seen + pars.length >= MAX_PARS) throw badBook(`This EPUB's narration has more than ${MAX_PARS} clips.`);
      const begin = clock(p.begin ?? '0', smilPath);
      const end = p.end === undefined ? NaN : clock(p.end, smilPath);
      if (!(end > begin))
        throw badBook(`A narration clip in "${smilPath}" has no end, or ends before it begins (clipEnd is needed).`);
      const text = resolveHref(smilPath, p.text);
      pars.push({ text: `${text.path}#${text.fragment}`, audio: resolveHref(smilPath, p.audio).path, begin, end });
    },
  });
  return pars;
}

/** SMIL clock values: "0:01:02.5", "01:02.5", "2.5s", "2500ms", "1.5min", "1h", "2.5". */
export function clock(value: string, where: string): number {
  const v = value.trim().replace(/^npt=/, '');
  const full = /^(?:(\d+):)?([0-5]?\d):([0-5]?\d(?:\.\d+)?)$/.exec(v);
  if (full) return Number(full[1] ?? 0) * 3600 + Number(full[2]) * 60 + Number(full[3]);
  const timed = /^(\d+(?:\.\d+)?)(h|min|s|ms)?$/.exec(v);
  if (timed) {
    const unit = { h: 3600, min: 60, s: 1, ms: 0.001 }[timed[2] ?? 's']!;
    return Number(timed[1]) * unit;
  }
  throw badBook(`A narration clip in "${where}" has a time this reader does not understand: "${v.slice(0, 40)}".`);
}
