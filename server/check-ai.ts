// `npm run check:ai`: tries the AI route this machine is configured for, for real, the way the
// server would use it (IT's machine file, the environment, flags, and the teacher's saved
// settings in the data folder), with one short, harmless request. Exit code 0: it answered;
// 1: it failed (the message says why); 2: AI is off (no route configured, or switched off).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, envLayer, flagLayer, resolve, USAGE } from './config.js';
import { checkRoute } from './llm/check.js';
import { GeminiProvider } from './llm/gemini.js';
import { resolveRoute } from './llm/route.js';
import { readMachineLayers } from './machine-layers.js';
import { SettingsService } from './settings.js';
import { openDatabase } from './store/db.js';
import { Store } from './store/store.js';

async function main(): Promise<number> {
  const { layer: flag, help } = flagLayer(process.argv.slice(2));
  if (help) {
    console.log(USAGE.replace('npm run serve', 'npm run check:ai'));
    return 0;
  }
  const base = { ...readMachineLayers(), environment: envLayer(process.env), flag };
  let settings = resolve({ ...base, teacher: {} }).settings;
  // The teacher's saved settings, when this machine has a classroom database already.
  const file = join(settings.dataDir, 'readerai.db');
  if (existsSync(file)) {
    const store = new Store(openDatabase(file));
    try {
      settings = new SettingsService(store, base).current;
    } finally {
      store.db.close();
    }
  }
  const route = resolveRoute(settings);
  console.log(`Route: ${route.on ? route.label : `none (${route.detail})`}`);
  const result = await checkRoute(route, (config) => new GeminiProvider(config));
  if (result.ok) {
    console.log(
      `Model:   ${result.modelVersion ?? result.model}${result.modelVersion ? ` (asked for ${result.model})` : ''}`,
    );
    console.log(`Region:  ${result.region ?? 'chosen by Google (the Gemini API does not say)'}`);
    console.log(`Latency: ${result.latencyMs} ms`);
    console.log('OK: AI answers work from this machine.');
    return 0;
  }
  console.error(`${result.problem === 'off' ? 'AI is off' : `Failed (${result.problem})`}: ${result.message}`);
  return result.problem === 'off' ? 2 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(
      err instanceof ConfigError ? err.message : `check:ai failed: ${(err as Error).message ?? String(err)}`,
    );
    process.exitCode = 1;
  },
);
