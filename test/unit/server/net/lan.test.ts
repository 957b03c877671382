// Which network address the join URL uses.
import { describe, expect, it } from 'vitest';
import { chooseHost, hostAddresses } from '../../../../server/net/lan.js';
import type { NetworkInterfaceInfo } from 'node:os';

const v4 = (address: string, internal = false) =>
  ({
    address,
    family: 'IPv4',
    internal,
    netmask: '255.255.255.0',
    mac: '00:00:00:00:00:00',
    cidr: null,
  }) as NetworkInterfaceInfo;

describe('LAN address', () => {
  it('picks a private address on a real interface, not loopback or a container bridge', () => {
    const ifaces = { lo: [v4('127.0.0.1', true)], docker0: [v4('172.17.0.1')], wlan0: [v4('192.168.1.23')] };
    expect(chooseHost('', ifaces)).toEqual({ host: '192.168.1.23', warning: null });
    expect(hostAddresses(ifaces).map((h) => h.iface)).toEqual(['wlan0', 'docker0']);
  });
  it('falls back to the first non-internal address and says so', () => {
    const choice = chooseHost('', { lo: [v4('127.0.0.1', true)], eth0: [v4('203.0.113.9')] });
    expect(choice.host).toBe('203.0.113.9');
    expect(choice.warning).toMatch(/No private LAN address/);
  });
  it('uses READERAI_PUBLIC_HOST when set', () => {
    expect(chooseHost('reader.school.lan', {})).toEqual({ host: 'reader.school.lan', warning: null });
  });
});
