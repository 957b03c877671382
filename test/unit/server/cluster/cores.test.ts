// How many workers `auto` means under a container's CPU quota (server/cluster/cores.ts), and the
// `workers` setting's values (server/config.ts).
import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { availableCores, coresFromCfs, coresFromCpuMax, workerCount } from '../../../../server/cluster/cores.js';
import { coerce, parseWorkers } from '../../../../server/config.js';

describe('cgroup CPU quotas', () => {
  it('reads cgroup v2 cpu.max', () => {
    expect(coresFromCpuMax('max 100000\n')).toBeNull();
    expect(coresFromCpuMax('200000 100000\n')).toBe(2);
    // Part of a core still gets a worker; 1.5 cores get two.
    expect(coresFromCpuMax('50000 100000')).toBe(1);
    expect(coresFromCpuMax('150000 100000')).toBe(2);
  });

  it('reads cgroup v1 cfs quota and period', () => {
    expect(coresFromCfs('-1\n', '100000\n')).toBeNull();
    expect(coresFromCfs('400000', '100000')).toBe(4);
  });

  it('never counts more than the CPUs the process may run on', () => {
    expect(availableCores()).toBeGreaterThanOrEqual(1);
    expect(availableCores()).toBeLessThanOrEqual(availableParallelism());
  });
});

describe('the workers setting', () => {
  it('takes auto or a whole number from 1 to 64', () => {
    expect(parseWorkers('auto')).toBe('auto');
    expect(parseWorkers('3')).toBe(3);
    for (const bad of ['0', '65', '-1', '1.5', 'two', '', ' 2']) expect(parseWorkers(bad), bad).toBeNull();
    expect(() => coerce('workers', '0', 'environment')).toThrow(/workers must be auto or a whole number from 1 to 64/);
    expect(coerce('workers', ' 4 ', 'environment')).toBe('4');
  });

  it('turns auto into the available cores', () => {
    expect(workerCount('auto')).toBe(availableCores());
    expect(workerCount('2')).toBe(2);
  });
});
