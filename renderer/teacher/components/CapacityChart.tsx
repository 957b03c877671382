// The last minute of students connected against the machine's estimated capacity (students plus
// headroom), drawn as SVG without a chart library. Time runs left to right to the newest reading.
import type { CapacityPoint } from '../../../shared/protocol/index.js';
import { count, niceCeiling } from '../lib/format.js';

const W = 300;
const H = 96;
const SPAN_MS = 60_000;

export function CapacityChart({ history }: { history: readonly CapacityPoint[] }) {
  const last = history[history.length - 1];
  if (!last || history.length < 2) {
    return <p class="muted small chart-empty">The chart fills in over the next minute.</p>;
  }
  const capacityAt = (p: CapacityPoint) => (p.headroom === null ? null : p.students + p.headroom);
  // Scaled to the class, not to the machine: a capacity far above the class (thousands against
  // thirty) would flatten the students' line to nothing. The capacity line shows once it is near.
  const most = Math.max(...history.map((p) => p.students));
  const lastCapacity = capacityAt(last);
  const top = niceCeiling(Math.max(10, most * 1.25, Math.min(lastCapacity ?? 0, most * 4)));
  const x = (at: number) => W - ((last.at - at) / SPAN_MS) * W;
  const y = (v: number) => H - (v / top) * H;
  const line = (pick: (p: CapacityPoint) => number | null) => {
    let d = '';
    let pen = false;
    for (const p of history) {
      const v = pick(p);
      // A gap where the figure was unknown, rather than a line drawn through it.
      if (v === null) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(p.at).toFixed(1)} ${y(v).toFixed(1)}`;
      pen = true;
    }
    return d;
  };
  const students = line((p) => p.students);
  const capacity = line((p) => {
    const c = capacityAt(p);
    return c !== null && c <= top ? c : null;
  });
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={
          `Students connected over the last minute: now ${count(last.students)}` +
          (lastCapacity !== null ? ` of about ${count(lastCapacity)}` : '')
        }
      >
        {[0.25, 0.5, 0.75].map((f) => (
          <line key={f} class="chart-grid" x1={0} x2={W} y1={H * f} y2={H * f} />
        ))}
        <path class="chart-area" d={`${students}L${x(last.at)} ${H}L${x(history[0]!.at)} ${H}Z`} />
        <path class="chart-students" d={students} />
        {capacity && <path class="chart-capacity" d={capacity} />}
      </svg>
      <figcaption class="chart-axis">
        <span>1 min ago</span>
        <span class="chart-legend">
          <span class="key key-students" aria-hidden="true" /> students
          {capacity && (
            <>
              <span class="key key-capacity" aria-hidden="true" /> capacity
            </>
          )}
        </span>
        <span>top {count(top)}</span>
      </figcaption>
    </figure>
  );
}
