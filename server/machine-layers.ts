// IT's machine-wide file (server/config.ts machineLayers) read from its place on this platform,
// for every entry point that resolves the settings (the server, `npm run check:ai`).
import { readFileSync } from 'node:fs';
import { ConfigError, machineConfigPath, machineLayers, type Layers } from './config.js';

export function readMachineLayers(): Pick<Layers, 'machine' | 'locked'> {
  const path = machineConfigPath();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { machine: {}, locked: {} };
    throw new ConfigError(`Cannot read ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const { preset, locked } = machineLayers(json, path);
  return { machine: preset, locked };
}
