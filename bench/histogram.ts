// Latency histogram with log-spaced buckets (16 per doubling, so quantiles are within ~4.4%),
// fixed size whatever the count, and mergeable: each client process keeps its own and the
// orchestrator adds them up. Recording is an index computation and an increment.

const PER_DOUBLING = 16;
/** Up to 2^28 µs (~4.5 minutes). */
const BUCKETS = 28 * PER_DOUBLING;

export interface HistogramData {
  counts: number[];
  n: number;
  maxMs: number;
}

export class Histogram {
  private counts = new Uint32Array(BUCKETS);
  n = 0;
  maxMs = 0;

  record(ms: number): void {
    const us = ms * 1000;
    const i = us <= 1 ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log2(us) * PER_DOUBLING));
    this.counts[i]!++;
    this.n++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** The q-quantile in ms (the upper edge of its bucket), or null with no samples. */
  quantile(q: number): number | null {
    if (this.n === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.maxMs, 2 ** ((i + 1) / PER_DOUBLING) / 1000);
    }
    return this.maxMs;
  }

  reset(): void {
    this.counts.fill(0);
    this.n = 0;
    this.maxMs = 0;
  }

  toJSON(): HistogramData {
    return { counts: Array.from(this.counts), n: this.n, maxMs: this.maxMs };
  }

  add(data: HistogramData): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += data.counts[i] ?? 0;
    this.n += data.n;
    if (data.maxMs > this.maxMs) this.maxMs = data.maxMs;
  }
}

export interface LatencySummary {
  n: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export function summarise(h: Histogram): LatencySummary {
  return { n: h.n, p50Ms: h.quantile(0.5), p99Ms: h.quantile(0.99), maxMs: h.n > 0 ? h.maxMs : null };
}
