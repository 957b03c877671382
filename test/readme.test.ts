// The README is the front door: its configuration table must name every setting, variable and
// flag the server reads, and every message type of the protocol.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../server/config.js';
import { ClientPayloads, ServerPayloads } from '../shared/protocol/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it.each(Object.entries(SETTINGS))('documents the setting %s with its variable, flag and default', (key, spec) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
    expect(row, `no configuration row for ${key}`).toBeDefined();
    if (spec.env) expect(row).toContain(`\`${spec.env}\``);
    if ('flag' in spec && spec.flag) expect(row).toContain(`\`--${spec.flag}\``);
    if (spec.default !== '' && key !== 'dataDir') expect(row).toContain(`\`${spec.default}\``);
  });

  it.each([...Object.keys(ClientPayloads), ...Object.keys(ServerPayloads)])('documents the %s frame', (type) => {
    expect(readme).toContain(`| \`${type}\` |`);
  });
});

describe('npm run serve', () => {
  it('starts the server with the same Node flags as every other launcher', async () => {
    const { SERVER_NODE_FLAGS } = await import('../server/node-flags.js');
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.serve).toContain(`node ${SERVER_NODE_FLAGS.join(' ')} dist/server/main.js`);
  });
});
