// How students get in: a big QR code with the join address and the class code, and the teacher's
// controls over joining (new code, lock, which network address the code uses, projector view).
import { useState } from 'preact/hooks';
import type { ClassroomView } from '../../../shared/protocol/index.js';
import { spacedCode } from '../lib/format.js';
import { useDashboard } from './context.js';
import { QrCode } from './QrCode.js';
import { Projector } from './Projector.js';
import { Icon } from './Icon.js';

export function JoinPanel({ room }: { room: ClassroomView }) {
  const { api, model, act, notify } = useDashboard();
  const [projecting, setProjecting] = useState(false);
  const change = async (what: string, call: () => Promise<ClassroomView>) => {
    const view = await act(what, call);
    if (view) model.setClassroom(view);
    return view;
  };
  return (
    <section class="card join" aria-labelledby="join-title">
      <div class="card-head">
        <h2 id="join-title">Join the class</h2>
        {!room.lessonOpen ? (
          <span class="tag" data-testid="join-state">
            No lesson: the code admits no one
          </span>
        ) : room.joinLocked ? (
          <span class="tag tag-locked" data-testid="join-state">
            <Icon name="lock" /> Joining locked
          </span>
        ) : (
          <span class="tag tag-open" data-testid="join-state">
            ● Open
          </span>
        )}
      </div>
      <button
        type="button"
        class={`qr-button ${room.joinLocked || !room.lessonOpen ? 'qr-locked' : ''}`}
        onClick={() => setProjecting(true)}
        title="Show full screen for the projector"
      >
        <QrCode text={room.joinUrl} label={`QR code to join: ${room.joinUrl}`} />
      </button>
      <div class="code-row">
        <span class="muted">Class code</span>
        <strong
          class="class-code"
          data-testid="class-code"
          aria-label={`Class code ${room.classCode.split('').join(' ')}`}
        >
          {spacedCode(room.classCode)}
        </strong>
      </div>
      <p class="join-url" data-testid="join-url">
        {room.joinUrl}
      </p>
      <div class="button-row">
        <button type="button" class="btn btn-primary" onClick={() => setProjecting(true)}>
          <Icon name="expand" /> Project
        </button>
        <button
          type="button"
          class="btn"
          onClick={async () => {
            const view = await change('make a new code', api.rotateCode);
            if (view) notify(`New class code: ${view.classCode}. Students already in stay in.`);
          }}
        >
          <Icon name="refresh" /> New code
        </button>
        <button
          type="button"
          class="btn"
          aria-pressed={room.joinLocked}
          title={room.joinLocked ? 'Let new students join' : 'Stop new students joining (those in stay in)'}
          onClick={() =>
            void change(room.joinLocked ? 'open joining' : 'lock joining', () => api.lockJoining(!room.joinLocked))
          }
        >
          {room.joinLocked ? (
            <>
              <Icon name="unlock" /> Unlock
            </>
          ) : (
            <>
              <Icon name="lock" /> Lock
            </>
          )}
        </button>
      </div>
      <HostPicker
        room={room}
        onPick={(host) => void change('change the network address', () => api.usePublicHost(host))}
      />
      {projecting && <Projector room={room} onClose={() => setProjecting(false)} />}
    </section>
  );
}

/** Where the machine has several addresses (Wi-Fi, Ethernet, VPN), the teacher picks the one tablets can reach. */
function HostPicker({ room, onPick }: { room: ClassroomView; onPick: (host: string | null) => void }) {
  const listed = room.hosts.some((h) => h.address === room.publicHost);
  if (room.hosts.length < 2 && listed) return null;
  return (
    <label class="field-inline host-picker">
      <span class="muted">Network</span>
      <select value={listed ? room.publicHost : ''} onChange={(e) => onPick(e.currentTarget.value || null)}>
        {!listed && <option value="">{room.publicHost} (automatic)</option>}
        {room.hosts.map((h) => (
          <option key={h.address} value={h.address}>
            {h.address} — {h.iface}
          </option>
        ))}
      </select>
    </label>
  );
}
