// How many more students this machine can take, from the capacity monitor's CAPACITY frames
// (server/capacity, once a second): in the teacher's words first ("Room for the whole school"),
// with the figures IT asks about (total, what runs out first, per-student cost, a minute of
// history) folded away under "Details for IT".
import type { CapacityView } from '../../../shared/protocol/index.js';
import { bitrate, bytes, count, plural } from '../lib/format.js';
import { roomSentence } from '../lib/capacity-words.js';
import { useDashboard } from './context.js';
import { CapacityChart } from './CapacityChart.js';

const LIMIT_NAMES: Record<NonNullable<CapacityView['binding']>, string> = {
  memory: 'Memory',
  descriptors: 'Open connections',
  cpu: 'Processor (CPU)',
  gemini: 'Gemini API quota',
  network: 'Network (link or Wi-Fi)',
};

const EXHAUSTED_NAMES: Record<CapacityView['exhausted'][number], string> = {
  descriptors: 'open connections (file descriptors)',
  memory: 'memory',
  disk: 'disk space',
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
  const unmeasured = 'not measured yet';
  return (
    <>
      <p class="cap-room" data-testid="capacity-room">
        {roomSentence(c.headroom)}
      </p>
      <div class="cap-main">
        <span class="cap-big" data-testid="capacity-students">
          {count(c.students)}
        </span>
        <span class="cap-of">{c.students === 1 ? 'student connected' : 'students connected'}</span>
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
      {c.exhausted.length > 0 && (
        <p class="notice notice-error" role="status" data-testid="exhausted">
          Out of {c.exhausted.map((r) => EXHAUSTED_NAMES[r]).join(' and ')}: new tablets are being asked to wait
          {c.connections.refused > 0 && ` (${count(c.connections.refused)} turned away so far)`}. Students already
          reading keep going.
        </p>
      )}
      <details class="cap-details">
        <summary>Details for IT</summary>
        <CapacityChart history={c.history} />
        <dl class="facts facts-compact">
          <dt>Capacity in total</dt>
          <dd data-testid="capacity-total">
            {c.capacity === null ? unmeasured : `about ${plural(c.capacity, 'student')}`}
            {c.headroom !== null && ` (${count(c.headroom)} more)`}
          </dd>
          <dt>Runs out first</dt>
          <dd data-testid="binding">{c.binding ? LIMIT_NAMES[c.binding] : 'Not known yet'}</dd>
          <dt>Memory per student</dt>
          <dd>{c.perStudent.bytes === null ? unmeasured : bytes(c.perStudent.bytes)}</dd>
          <dt>CPU per student</dt>
          <dd>{cpu === null ? unmeasured : `${cpu < 0.1 ? cpu.toFixed(3) : cpu.toFixed(2)}% of a core`}</dd>
          <dt>Network sent</dt>
          <dd data-testid="network">
            {bitrate(c.network.sentBytesPerSec)} of {bitrate(c.network.linkBytesPerSec)}
            {c.network.audioBytesPerSec > 0 && ` (narrated audio ${bitrate(c.network.audioBytesPerSec)})`}
            {c.perStudent.sentBytesPerSec !== null && `; ${bitrate(c.perStudent.sentBytesPerSec)} per student`}
          </dd>
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
      </details>
    </>
  );
}
