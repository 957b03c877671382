// A throwaway TLS certificate for a LAN-like host name, made with openssl for one test run (the
// way a school would issue one for `reader-room12.school.lan`), and the Chromium flags that make
// the test browser reach that name on loopback and trust that certificate.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCertificate {
  host: string;
  certPath: string;
  keyPath: string;
  /** The certificate (PEM), for Node clients to trust. */
  pem: string;
  /** base64 SHA-256 of the public key, as Chromium's --ignore-certificate-errors-spki-list wants it. */
  spki: string;
}

export function makeCertificate(dir: string, host: string): TestCertificate {
  const certPath = join(dir, `${host}.pem`);
  const keyPath = join(dir, `${host}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${host}`,
      '-addext',
      `subjectAltName=DNS:${host}`,
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: 'pipe', timeout: 20_000 },
  );
  const publicKey = execFileSync('openssl', ['x509', '-in', certPath, '-pubkey', '-noout'], { timeout: 20_000 });
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: publicKey, timeout: 20_000 });
  const spki = execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der, timeout: 20_000 }).toString(
    'base64',
  );
  return { host, certPath, keyPath, pem: readFileSync(certPath, 'utf8'), spki };
}

/**
 * Chromium flags: `host` resolves to 127.0.0.1 (so the page is at a LAN-like name, not a loopback
 * secure context) and, when a certificate is given, that certificate is accepted as trusted.
 */
export function lanHostArgs(host: string, cert?: TestCertificate): string[] {
  return [
    `--host-resolver-rules=MAP ${host} 127.0.0.1`,
    ...(cert ? [`--ignore-certificate-errors-spki-list=${cert.spki}`] : []),
  ];
}
