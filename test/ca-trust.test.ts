// The server's trust for its outgoing TLS: a local HTTPS server signed by a school-style private CA
// (made with openssl for this run) stands in for Google seen through a TLS-inspecting proxy. The
// real fetch fails until the extraCaCerts file is trusted, then succeeds. Bad files stop the start
// with a message that names the setting. (This file's process keeps the widened trust: vitest runs
// each test file in its own process.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getCACertificates, rootCertificates } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../server/config.js';
import { readExtraCaCerts, trustCertificates } from '../server/net/ca-trust.js';
import { SERVER_ENTRY, startServer } from './support/server.js';

let dir: string;
let server: Server;
let url: string;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore', timeout: 20_000 });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'readerai-ca-'));
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-subj',
    '/CN=Test School Proxy CA',
    '-days',
    '1',
    '-out',
    'ca.pem',
  );
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'site.key');
  openssl('req', '-new', '-key', 'site.key', '-subj', '/CN=127.0.0.1', '-out', 'site.csr');
  writeFileSync(join(dir, 'site.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'site.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    'site.ext',
    '-out',
    'site.pem',
  );
  server = createServer(
    { key: readFileSync(join(dir, 'site.key')), cert: readFileSync(join(dir, 'site.pem')) },
    (_req, res) => res.end('through the proxy'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('extraCaCerts', () => {
  it('refuses a missing file, a file without certificates, and a broken certificate, naming the setting', () => {
    expect(() => readExtraCaCerts(join(dir, 'nope.pem'))).toThrow(ConfigError);
    expect(() => readExtraCaCerts(join(dir, 'nope.pem'))).toThrow(/extraCaCerts: cannot read .*nope\.pem/);
    writeFileSync(join(dir, 'empty.pem'), 'not a certificate\n');
    expect(() => trustCertificates(join(dir, 'empty.pem'))).toThrow(
      /extraCaCerts: .*empty\.pem holds no PEM certificate/,
    );
    writeFileSync(join(dir, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect(() => trustCertificates(join(dir, 'broken.pem'))).toThrow(
      /extraCaCerts: .*broken\.pem is not a valid certificate/,
    );
  });

  it("is not trusted by default; once the school's CA file is added, the real fetch goes through", async () => {
    const before = await fetch(url, { signal: AbortSignal.timeout(5_000) }).catch((err: unknown) => err);
    expect(before).toBeInstanceOf(Error);
    expect(String((before as Error & { cause?: unknown }).cause)).toMatch(/certificate|issuer/i);

    const trust = trustCertificates(join(dir, 'ca.pem'));
    expect(trust).toMatchObject({ extra: 1 });
    expect(trust!.system).toBeGreaterThanOrEqual(0);

    const after = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    expect(await after.text()).toBe('through the proxy');
    // Node's public roots (Google's among them) stay trusted beside it (compared by fingerprint:
    // Node re-encodes the PEM it is given).
    const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;
    const trusted = new Set(getCACertificates('default').map(fingerprint));
    expect(rootCertificates.filter((root) => !trusted.has(fingerprint(root)))).toEqual([]);
    expect(trusted.has(fingerprint(readFileSync(join(dir, 'ca.pem'), 'utf8')))).toBe(true);
  });
});

describe.runIf(existsSync(SERVER_ENTRY))('the server with a bad extraCaCerts', () => {
  it('stops at start with the message, before opening anything', async () => {
    const dataDir = join(dir, 'data');
    await expect(startServer({ dataDir, env: { READERAI_EXTRA_CA_CERTS: join(dir, 'missing.pem') } })).rejects.toThrow(
      /server failed: extraCaCerts: cannot read .*missing\.pem/,
    );
    expect(existsSync(dataDir)).toBe(false);
  });
});
