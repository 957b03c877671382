// The settings in force (server/settings.ts): the server's layer and each class's own, saved in
// SQLite; who may change what (a class's teacher, the admin token, nobody over IT's lock); a reset;
// listeners told which class changed; secrets never read back. Over a real Store in a temp folder.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/protocol/index.js';
import type { Layers } from '../../../server/config.js';
import { SettingsService } from '../../../server/settings.js';
import { classroomKit, refusal, type ClassroomKit } from '../../support/classroom-kit.js';

let kit: ClassroomKit;
let a: string;
let b: string;
const none: Omit<Layers, 'teacher' | 'class'> = { machine: {}, environment: {}, flag: {}, locked: {} };
const teacherOf = (classId: string) => ({ classId, admin: false });
const admin = (classId: string) => ({ classId, admin: true });

beforeEach(() => {
  kit = classroomKit();
  a = kit.registry.first().id;
  b = kit.registry.create({ name: 'Class B' }).id;
});
afterEach(() => kit.close());

describe('settings', () => {
  it("keeps a class's own value to that class, and over a restart", () => {
    const settings = new SettingsService(kit.store, { ...none, machine: { gradeLevel: 4 } });
    settings.update({ gradeLevel: 2 }, teacherOf(a));
    expect([settings.forClass(a).gradeLevel, settings.forClass(b).gradeLevel, settings.current.gradeLevel]).toEqual([
      2, 4, 4,
    ]);
    const again = new SettingsService(kit.store, { ...none, machine: { gradeLevel: 4 } });
    expect([again.forClass(a).gradeLevel, again.forClass(b).gradeLevel]).toEqual([2, 4]);
    // null goes back to the server's value.
    again.update({ gradeLevel: null }, teacherOf(a));
    expect(again.forClass(a).gradeLevel).toBe(4);
  });

  it('lets only the admin token change a server setting, which every class then reads', () => {
    const settings = new SettingsService(kit.store, none);
    expect(refusal(() => settings.update({ geminiModel: 'other-model' }, teacherOf(a))).code).toBe(ErrorCode.FORBIDDEN);
    settings.update({ geminiModel: 'other-model' }, admin(a));
    expect([settings.current.geminiModel, settings.forClass(b).geminiModel]).toEqual(['other-model', 'other-model']);
  });

  it('refuses what IT locked, what is not a classroom setting, unknown keys and bad values; saves no half', () => {
    const settings = new SettingsService(kit.store, { ...none, locked: { gradeLevel: 5 } });
    expect(refusal(() => settings.update({ gradeLevel: 2 }, admin(a)))).toMatchObject({
      code: ErrorCode.FORBIDDEN,
      message: expect.stringMatching(/locked/) as unknown,
    });
    expect(refusal(() => settings.update({ dataDir: '/tmp' }, admin(a))).code).toBe(ErrorCode.FORBIDDEN);
    expect(refusal(() => settings.update({ noSuchSetting: 1 }, admin(a))).code).toBe(ErrorCode.BAD_REQUEST);
    // One bad value refuses the whole change: the good one beside it is not saved either.
    expect(refusal(() => settings.update({ questionsPer5Min: 3, aiAnswers: 'maybe' }, teacherOf(a))).code).toBe(
      ErrorCode.BAD_REQUEST,
    );
    expect(settings.forClass(a).questionsPer5Min).toBe(settings.current.questionsPer5Min);
  });

  it('tells listeners which class changed, or null for the server', () => {
    const settings = new SettingsService(kit.store, none);
    const heard: (string | null)[] = [];
    settings.onChange((_, classId) => heard.push(classId));
    settings.update({ gradeLevel: 2 }, teacherOf(a));
    settings.update({ geminiModel: 'other-model' }, admin(b));
    expect(heard).toEqual([a, null]);
  });

  it('shows a secret only as its last four characters, and says where each value comes from', () => {
    const settings = new SettingsService(kit.store, none);
    settings.update({ geminiApiKey: 'secret-key-1234' }, admin(a));
    const view = new Map(settings.view(teacherOf(a)).map((v) => [v.key, v]));
    expect(view.get('geminiApiKey')).toMatchObject({ value: '••••1234', isSet: true, editable: false });
    expect(JSON.stringify([...view.values()])).not.toContain('secret-key');
    expect(view.get('gradeLevel')).toMatchObject({ scope: 'class', editable: true, source: 'default' });
  });

  it('ignores a saved value an older version kept that no longer fits', () => {
    kit.store.putSetting('gradeLevel', 'not a number');
    kit.store.putSetting('retiredSetting', true);
    const settings = new SettingsService(kit.store, none);
    expect(settings.current.gradeLevel).toBe(3);
  });
});
