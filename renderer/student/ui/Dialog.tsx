// A panel over the book: labelled for screen readers, focus moved in on open and back on close,
// Escape closes, and Tab stays inside while it is open. It fits the visible part of the screen
// (./useVisualViewport.ts), so an on-screen keyboard never hides its buttons.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useVisualViewport } from './useVisualViewport.js';

export function Dialog(props: {
  title: string;
  onClose: () => void;
  class?: string;
  children: ComponentChildren;
  modal?: boolean;
}): JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  useVisualViewport(wrap);
  useEffect(() => {
    const back = document.activeElement as HTMLElement | null;
    const el = ref.current!;
    (el.querySelector<HTMLElement>('[data-autofocus]') ?? el).focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') props.onClose();
      if (e.key !== 'Tab') return;
      const items = [...el.querySelectorAll<HTMLElement>('button:not([disabled]), textarea, input, [tabindex="0"]')];
      const first = items[0];
      const last = items[items.length - 1];
      if (!first || !last) return;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    };
    el.addEventListener('keydown', onKey);
    return () => {
      el.removeEventListener('keydown', onKey);
      back?.focus?.();
    };
  }, []);
  const modal = props.modal !== false;
  return (
    <div
      ref={wrap}
      class={`sheet-wrap ${modal ? 'modal' : ''}`}
      onClick={(e) => modal && e.target === e.currentTarget && props.onClose()}
    >
      <div
        class={`sheet ${props.class ?? ''}`}
        role="dialog"
        aria-modal={modal}
        aria-label={props.title}
        tabIndex={-1}
        ref={ref}
      >
        {props.children}
      </div>
    </div>
  );
}
