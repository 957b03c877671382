// How numbers and times read on the dashboard.

/** "just now", "45 s ago", "3 min ago", "2 h ago". */
export function ago(then: number, now: number): string {
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.floor(m / 60)} h ago`;
}

/** Clock time, e.g. "09:41". */
export function clock(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function percent(fraction: number): string {
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(1)} GB`;
}

/** A rate in bytes per second as network people say it: "850 kbit/s", "12.5 Mbit/s". */
export function bitrate(bytesPerSec: number): string {
  const bits = bytesPerSec * 8;
  if (bits < 1e6) return `${Math.round(bits / 1e3)} kbit/s`;
  return `${(bits / 1e6).toFixed(bits < 1e7 ? 1 : 0)} Mbit/s`;
}

export function count(n: number): string {
  return n.toLocaleString();
}

/** "1 student", "3 students". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** The class code in two halves, easier to read off a projector: "ACD EFH". */
export function spacedCode(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}

/** A round number at or above n for the chart's top line (1, 2 or 5 × 10^k). */
export function niceCeiling(n: number): number {
  const power = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5]) if (step * power >= n) return step * power;
  return 10 * power;
}
