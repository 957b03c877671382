// Which address goes in the join URL and QR code. Tablets on the classroom Wi-Fi need this
// machine's private LAN address, not loopback, and not the bridge of a container runtime or VM.
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export interface HostAddress {
  address: string;
  iface: string;
}

export interface HostChoice {
  host: string;
  /** Set when no private LAN address was found and a fallback was used: say so to the user. */
  warning: string | null;
}

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

const VIRTUAL_IFACE =
  /^(docker|br-|veth|virbr|vboxnet|vmnet|cni|flannel|cali|lxc|lxd|podman|tun|tap|utun|zt|tailscale|wg)/i;

export function isPrivateIPv4(address: string): boolean {
  const [a, b] = address.split('.').map(Number) as [number, number];
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** Every non-loopback IPv4 address, LAN-looking ones first (the teacher may pick any). */
export function hostAddresses(ifaces: Interfaces = networkInterfaces()): HostAddress[] {
  const out: HostAddress[] = [];
  for (const [iface, infos] of Object.entries(ifaces)) {
    for (const info of infos ?? []) {
      if (info.family === 'IPv4' && !info.internal) out.push({ address: info.address, iface });
    }
  }
  const rank = (h: HostAddress) => (isLan(h) ? 0 : VIRTUAL_IFACE.test(h.iface) ? 2 : 1);
  return out.sort((x, y) => rank(x) - rank(y));
}

function isLan(h: HostAddress): boolean {
  return isPrivateIPv4(h.address) && !VIRTUAL_IFACE.test(h.iface);
}

export function chooseHost(override: string, ifaces: Interfaces = networkInterfaces()): HostChoice {
  if (override) return { host: override, warning: null };
  const all = hostAddresses(ifaces);
  const lan = all.find(isLan);
  if (lan) return { host: lan.address, warning: null };
  const first = all[0];
  if (first) {
    return {
      host: first.address,
      warning:
        `No private LAN address found; using ${first.address} (${first.iface}). ` +
        'Set READERAI_PUBLIC_HOST if tablets cannot reach it.',
    };
  }
  return {
    host: '127.0.0.1',
    warning:
      'No network address found: only this machine can join. ' +
      'Connect to the classroom network, or set READERAI_PUBLIC_HOST.',
  };
}
