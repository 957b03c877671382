// Loopback addresses for virtual tablets, one each, so per-address limits mean what they would in a
// classroom (Linux answers on the whole of 127.0.0.0/8).

/** Student n's own loopback address: 127.a.b.c from 127.1.0.1 on (.0 and .255 skipped). */
export function loopbackAddress(n: number): string {
  const c = (n % 254) + 1;
  const b = Math.floor(n / 254) % 256;
  const a = 1 + Math.floor(n / (254 * 256));
  return `127.${a}.${b}.${c}`;
}
