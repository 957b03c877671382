// Which installed voice reads: one for the book's language, preferring voices that run on the
// tablet itself (they work offline and do not send the text anywhere).

export function pickVoice(synth: SpeechSynthesis, lang: string): SpeechSynthesisVoice | null {
  const voices = synth.getVoices();
  if (voices.length === 0) return null; // the browser's default voice, if it has one
  const base = lang.toLowerCase().split('-')[0]!;
  const matching = voices.filter((v) => v.lang.toLowerCase().replace('_', '-').startsWith(base));
  const pool = matching.length > 0 ? matching : voices;
  return pool.find((v) => v.localService && v.default) ?? pool.find((v) => v.localService) ?? pool[0] ?? null;
}
