// Which certificate authorities the server trusts for its own outgoing TLS (Gemini). A school behind
// a TLS-inspecting proxy re-signs Google's certificates with its own root, which IT installs in the
// operating system's store (GPO, MDM, update-ca-certificates) for the browsers. Node trusts only its
// bundled Mozilla list, and the packaged app's NodeOptions fuse is off, so NODE_EXTRA_CA_CERTS is
// ignored there. So the server adds the system store, and the PEM file of the extraCaCerts setting,
// to Node's defaults itself, once at start and before any connection is made.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { ConfigError } from '../config.js';

export interface CaTrust {
  system: number;
  extra: number;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The OS store; an unreadable one must not stop the classroom (Gemini may not even be used). */
function systemCertificates(): string[] {
  try {
    return tls.getCACertificates('system');
  } catch (err) {
    console.warn(`Cannot read the system's trusted certificates (${(err as Error).message}); using Node's own.`);
    return [];
  }
}

/** Reads the extraCaCerts file: one or more PEM certificates. Throws ConfigError. */
export function readExtraCaCerts(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`extraCaCerts: cannot read ${file}: ${(err as Error).message}`);
  }
  const certs = text.match(PEM_CERTIFICATE) ?? [];
  if (certs.length === 0)
    throw new ConfigError(`extraCaCerts: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  return certs;
}

/**
 * Node's defaults plus the system store and the extra file; returns how many of each it added, or
 * null on a Node older than 22.19 (engines allows 22.14), which has no way to do it: there plain
 * Node's own NODE_EXTRA_CA_CERTS and --use-system-ca still work.
 */
export function trustCertificates(extraCaCertsFile: string): CaTrust | null {
  if (typeof tls.setDefaultCACertificates !== 'function') {
    if (extraCaCertsFile) {
      throw new ConfigError(
        `extraCaCerts needs Node 22.19 or newer (this is ${process.version}); use NODE_EXTRA_CA_CERTS.`,
      );
    }
    return null;
  }
  const extra = extraCaCertsFile ? readExtraCaCerts(extraCaCertsFile) : [];
  const system = systemCertificates();
  try {
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), ...system, ...extra]);
  } catch (err) {
    throw new ConfigError(`extraCaCerts: ${extraCaCertsFile} is not a valid certificate: ${(err as Error).message}`);
  }
  return { system: system.length, extra: extra.length };
}
