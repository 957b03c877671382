// The join screen for the projector: the QR code as large as the screen allows, the class code in
// letters a back row can read, and the address for anyone typing it. Full screen where allowed.
import { useEffect, useRef } from 'preact/hooks';
import type { ClassroomView } from '../../../shared/protocol/index.js';
import { spacedCode } from '../lib/format.js';
import { QrCode } from './QrCode.js';
import { Icon } from './Icon.js';

export function Projector({ room, onClose }: { room: ClassroomView; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current!;
    el.focus();
    // Full screen is a nicety: refused (no user gesture, policy) it still fills the window.
    el.requestFullscreen?.().catch(() => {});
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    // Leaving full screen with the browser's own control closes the view too.
    const onFullscreen = () => {
      if (!document.fullscreenElement) onClose();
    };
    document.addEventListener('keydown', onKey);
    el.addEventListener('fullscreenchange', onFullscreen);
    return () => {
      document.removeEventListener('keydown', onKey);
      el.removeEventListener('fullscreenchange', onFullscreen);
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    };
  }, []);
  return (
    <div ref={ref} class="projector" role="dialog" aria-modal="true" aria-label="Join the class" tabIndex={-1}>
      <div class="projector-qr">
        <QrCode text={room.joinUrl} label={`QR code to join: ${room.joinUrl}`} />
      </div>
      <div class="projector-side">
        <p class="projector-step">Scan the code with your tablet, or go to</p>
        <p class="projector-url">{room.joinUrl.replace(/\?code=.*$/, '')}</p>
        <p class="projector-step">and type the class code</p>
        <p class="projector-code">{spacedCode(room.classCode)}</p>
        {room.joinLocked && (
          <p class="projector-locked">
            <Icon name="lock" /> Joining is locked right now
          </p>
        )}
      </div>
      <button type="button" class="btn projector-close" onClick={onClose}>
        ✕ Close (Esc)
      </button>
    </div>
  );
}
