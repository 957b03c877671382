// Keeps a fixed, full-screen layer over the part of the page the child can actually see: the
// visual viewport. An on-screen keyboard (and pinch zoom) shrinks that area without resizing the
// page, so a panel sized to the page would put its buttons under the keyboard. Where the browser has
// no visualViewport (old ones), the layer keeps its CSS size.
import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';

/** Below this visible height a panel drops its extras (hints, big margins) to keep its buttons. */
const SHORT_PX = 520;

export function useVisualViewport(layer: RefObject<HTMLElement>): void {
  useEffect(() => {
    const vv = window.visualViewport;
    const el = layer.current;
    if (!vv || !el) return;
    const fit = () => {
      el.style.top = `${vv.offsetTop}px`;
      el.style.left = `${vv.offsetLeft}px`;
      el.style.width = `${vv.width}px`;
      el.style.height = `${vv.height}px`;
      el.toggleAttribute('data-short', vv.height < SHORT_PX);
    };
    fit();
    vv.addEventListener('resize', fit);
    vv.addEventListener('scroll', fit);
    return () => {
      vv.removeEventListener('resize', fit);
      vv.removeEventListener('scroll', fit);
    };
  }, []);
}
