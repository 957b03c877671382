// The typed config table: layering, parsing of env and flags, IT's machine-wide file.
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  envLayer,
  flagLayer,
  machineLayers,
  resolve,
  CLASS_SETTINGS,
  teacherCannotSet,
  SETTINGS,
} from '../../../server/config.js';

const empty = { machine: {}, teacher: {}, environment: {}, flag: {}, locked: {} };

describe('config', () => {
  it('has a default for every setting and resolves to the defaults with no layers', () => {
    const { settings, sources } = resolve(empty);
    for (const [key, spec] of Object.entries(SETTINGS)) {
      expect(settings[key as keyof typeof settings]).toEqual(spec.default);
      expect(sources[key as keyof typeof sources]).toBe('default');
    }
    expect(settings.port).toBe(8080);
    expect(settings.host).toBe('0.0.0.0');
    expect(settings.teacherRemote).toBe(false);
  });

  it('parses environment variables by their documented names and types', () => {
    const layer = envLayer({
      READERAI_PORT: '9000',
      READERAI_TEACHER_REMOTE: 'yes',
      GEMINI_API_KEY: 'k',
      READERAI_LLM_MAX_IN_FLIGHT: '4',
    });
    expect(layer).toEqual({ port: 9000, teacherRemote: true, geminiApiKey: 'k', llmMaxInFlight: 4 });
  });

  it('rejects bad values with a message naming the variable source, key and value', () => {
    expect(() => envLayer({ READERAI_PORT: 'eighty' })).toThrow(/environment: port must be a number \(got "eighty"\)/);
    expect(() => envLayer({ READERAI_PORT: '70000' })).toThrow(/between 0 and 65535/);
    expect(() => envLayer({ READERAI_TEACHER_REMOTE: 'maybe' })).toThrow(ConfigError);
  });

  it('parses flags and refuses unknown ones with the usage text', () => {
    expect(flagLayer(['--port', '1234', '--teacher-remote', '--data-dir=/tmp/x']).layer).toEqual({
      port: 1234,
      teacherRemote: true,
      dataDir: '/tmp/x',
    });
    expect(flagLayer(['--help']).help).toBe(true);
    expect(() => flagLayer(['--colour', 'blue'])).toThrow(/Usage: npm run serve/);
  });

  it('layers default < machine preset < teacher < environment < flag < machine lock', () => {
    const layers = {
      machine: { port: 1 },
      teacher: { port: 2 },
      environment: { port: 3 },
      flag: { port: 4 },
      locked: {},
    };
    expect(resolve(layers).settings.port).toBe(4);
    expect(resolve({ ...layers, locked: { port: 5 } })).toMatchObject({
      settings: { port: 5 },
      sources: { port: 'locked' },
    });
    expect(resolve({ ...empty, machine: { gradeLevel: 5 }, teacher: { gradeLevel: 2 } }).settings.gradeLevel).toBe(2);
  });

  it("puts a class's own values over the server's and IT's preset, under the environment and IT's lock", () => {
    const layers = { ...empty, machine: { gradeLevel: 5 }, teacher: { gradeLevel: 4 }, class: { gradeLevel: 2 } };
    expect(resolve(layers)).toMatchObject({ settings: { gradeLevel: 2 }, sources: { gradeLevel: 'class' } });
    expect(resolve({ ...layers, environment: { gradeLevel: 6 } }).settings.gradeLevel).toBe(6);
    expect(resolve({ ...layers, locked: { gradeLevel: 7 } }).sources.gradeLevel).toBe('locked');
    expect(CLASS_SETTINGS).toEqual([
      'aiAnswers',
      'gradeLevel',
      'questionsPer5Min',
      'definitionsPer5Min',
      'speechInput',
      'nameFilter',
    ]);
  });

  it("keeps the server's settings to the admin token, and a class's own to its teacher link too", () => {
    const sources = resolve(empty).sources;
    expect(teacherCannotSet('gradeLevel', sources, false)).toBeNull();
    expect(teacherCannotSet('geminiModel', sources, false)).toMatch(/every class on this server.*admin token/);
    expect(teacherCannotSet('geminiModel', sources, true)).toBeNull();
  });

  it('lets the teacher change classroom settings unless IT locked them or the environment set them', () => {
    expect(teacherCannotSet('gradeLevel', resolve(empty).sources)).toBeNull();
    expect(teacherCannotSet('gradeLevel', resolve({ ...empty, locked: { gradeLevel: 4 } }).sources)).toMatch(/locked/);
    expect(teacherCannotSet('geminiApiKey', resolve({ ...empty, environment: { geminiApiKey: 'k' } }).sources)).toMatch(
      /environment/,
    );
    expect(teacherCannotSet('dataDir', resolve(empty).sources)).toMatch(/IT sets it/);
  });

  it('validates the machine-wide file with clear errors', () => {
    expect(
      machineLayers({ preset: { port: 9000 }, locked: { geminiModel: 'm' } }, '/etc/readerai/config.json'),
    ).toEqual({ preset: { port: 9000 }, locked: { geminiModel: 'm' } });
    expect(() => machineLayers({ preset: { prot: 1 } }, 'cfg.json')).toThrow(/cfg.json preset: unknown setting "prot"/);
    expect(() => machineLayers({ presets: {} }, 'cfg.json')).toThrow(/unknown top-level key/);
    expect(() => machineLayers([], 'cfg.json')).toThrow(/must be a JSON object/);
    expect(() => machineLayers({ locked: { port: 'x' } }, 'cfg.json')).toThrow(/port must be a number/);
  });
});
