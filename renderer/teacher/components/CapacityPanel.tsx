// How many more students this machine can take, and what runs out first, from the capacity
// monitor's CAPACITY frames (server/capacity, once a second), with a minute of history.
import type { CapacityView } from '../../../shared/protocol/index.js';
import { bytes, count } from '../lib/format.js';
import { useDashboard } from './context.js';
import { CapacityChart } from './CapacityChart.js';

const LIMIT_NAMES: Record<NonNullable<CapacityView['binding']>, string> = {
  memory: 'Memory',
  descriptors: 'Open connections',
  cpu: 'Processor (CPU)',
  gemini: 'Gemini API quota',
};

export function CapacityPanel() {
  const { model } = useDashboard();
  const c = model.capacity;
  return (
    <section class="card capacity" aria-labelledby="capacity-title">
      <div class="card-head">
        <h2 id="capacity-title">Capacity of this computer</h2>
        {c && <HeadroomTag c={c} />}
      </div>
      {c ? <Figures c={c} /> : <p class="muted small">Measuring… the figures appear within a few seconds.</p>}
    </section>
  );
}

function HeadroomTag({ c }: { c: CapacityView }) {
  if (c.headroomPct === null) return <span class="tag tag-quiet">Estimating</span>;
  const [tone, word] =
    c.headroomPct < 10
      ? ['tag-danger', 'Almost full']
      : c.headroomPct < 25
        ? ['tag-warn', 'Getting full']
        : ['tag-ok', 'Room to spare'];
  return (
    <span class={`tag ${tone}`} data-testid="headroom">
      {word} · {Math.round(c.headroomPct)}% free
    </span>
  );
}

function Figures({ c }: { c: CapacityView }) {
  const cpu = c.perStudent.cpuPct;
  return (
    <>
      <div class="cap-main">
        <span class="cap-big" data-testid="capacity-students">
          {count(c.students)}
        </span>
        <span class="cap-of">
          {c.capacity === null ? 'students connected' : `of about ${count(c.capacity)} students`}
          {c.headroom !== null && <span class="muted"> · room for {count(c.headroom)} more</span>}
        </span>
      </div>
      {c.headroomPct !== null && (
        <div
          class="gauge"
          role="meter"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(100 - c.headroomPct)}
          aria-label="Share of capacity in use"
        >
          <span class="gauge-fill" style={{ width: `${Math.min(100, Math.max(0, 100 - c.headroomPct))}%` }} />
        </div>
      )}
      <CapacityChart history={c.history} />
      <dl class="facts facts-compact">
        <dt>Runs out first</dt>
        <dd data-testid="binding">{c.binding ? LIMIT_NAMES[c.binding] : 'Not known yet'}</dd>
        <dt>Memory per student</dt>
        <dd>{c.perStudent.bytes === null ? '—' : bytes(c.perStudent.bytes)}</dd>
        <dt>CPU per student</dt>
        <dd>{cpu === null ? '—' : `${cpu < 0.1 ? cpu.toFixed(3) : cpu.toFixed(2)}% of a core`}</dd>
        <dt>Response delay (p99)</dt>
        <dd data-testid="loop-p99">{c.process.loopP99Ms.toFixed(1)} ms</dd>
      </dl>
      {c.perStudent.basis !== 'live' && (
        <p class="muted small">
          {c.perStudent.basis === 'benchmark'
            ? 'Per-student figures come from a benchmark on this computer ' +
              'until enough students are connected to measure them live.'
            : 'Per-student figures appear once enough students are connected ' +
              '(or after a benchmark run on this computer).'}
        </p>
      )}
    </>
  );
}
