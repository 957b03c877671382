// A windowed list for rows of one fixed height: only the rows in view (and a few either side)
// are in the DOM, so scrolling through 2,000 students stays smooth.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { rowWindow } from '../lib/windowing.js';

export interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  keyOf: (item: T) => string;
  row: (item: T, index: number) => ComponentChildren;
  label: string;
  empty?: ComponentChildren;
  class?: string;
}

export function VirtualList<T>({
  items,
  rowHeight,
  keyOf,
  row,
  label,
  empty,
  class: className = '',
}: VirtualListProps<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  useEffect(() => {
    const el = ref.current!;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    return () => observer.disconnect();
  }, []);
  const { start, end } = rowWindow(scrollTop, height, rowHeight, items.length);
  const rows = [];
  for (let i = start; i < end; i++) {
    const item = items[i]!;
    rows.push(
      <div
        key={keyOf(item)}
        role="listitem"
        class="vrow"
        style={{ transform: `translateY(${i * rowHeight}px)`, height: `${rowHeight}px` }}
      >
        {row(item, i)}
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      class={`vlist ${className}`}
      role="list"
      aria-label={label}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      {items.length === 0 ? (
        empty
      ) : (
        <div class="vlist-inner" style={{ height: `${items.length * rowHeight}px` }}>
          {rows}
        </div>
      )}
    </div>
  );
}
