// A QR code drawn as one SVG path (crisp at any size, projector included). The `qrcode` package
// computes the modules; we draw them, so no HTML string is ever injected into the page.
import { useMemo } from 'preact/hooks';
import { create } from 'qrcode';

/** Light modules around the code, as the QR spec asks, so phone cameras find its edges. */
const QUIET_ZONE = 4;

export function qrPath(text: string): { size: number; d: string } {
  // Medium error correction: survives a smudged projector or glare, and stays easy to scan.
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  let d = '';
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (!modules.get(row, col)) continue;
      // Runs of dark modules in a row become one rectangle: a far shorter path.
      let run = 1;
      while (col + run < n && modules.get(row, col + run)) run++;
      d += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h${run}v1h-${run}z`;
      col += run - 1;
    }
  }
  return { size: n + 2 * QUIET_ZONE, d };
}

export function QrCode({ text, label, class: className = '' }: { text: string; label: string; class?: string }) {
  const { size, d } = useMemo(() => qrPath(text), [text]);
  return (
    <svg
      class={`qr ${className}`}
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={label}
      shape-rendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
