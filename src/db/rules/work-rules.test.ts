import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { DEFAULT_MODEL_LIMITS as limits } from './model-limits.js';
import {
  checkFrame,
  checkFrameStep,
  checkJobCpus,
  checkJobRam,
  checkPriority,
  checkProgress,
  checkRequeue,
} from './work-rules.js';

describe('priority', () => {
  it('accepts -1000..1000 and nothing else', () => {
    expect(checkPriority(-1000, limits)).toBe(-1000);
    expect(checkPriority(1000, limits)).toBe(1000);
    expect(() => checkPriority(1001, limits)).toThrow(ValidationError);
    expect(() => checkPriority(-1001, limits)).toThrow(/priority: must be between -1000 and 1000/);
  });
});

describe('job cpus and ram', () => {
  it('allow the documented specials 0 and -1', () => {
    for (const special of [0, -1]) {
      expect(checkJobCpus(special, limits)).toBe(special);
      expect(checkJobRam(special, limits)).toBe(special);
    }
  });
  it('otherwise use the agent ranges', () => {
    expect(checkJobCpus(256, limits)).toBe(256);
    expect(() => checkJobCpus(257, limits)).toThrow(/cpus/);
    expect(() => checkJobCpus(-2, limits)).toThrow(/cpus/);
    expect(checkJobRam(16, limits)).toBe(16);
    expect(() => checkJobRam(15, limits)).toThrow(/ram/);
    expect(() => checkJobRam(2.5, limits)).toThrow(/integer/);
  });
});

describe('frames', () => {
  it('rounds to 4 decimals', () => {
    expect(checkFrame(0.1 + 0.2)).toBe(0.3);
    expect(checkFrame(1.23456)).toBe(1.2346);
    expect(checkFrame(-0.00001)).toBe(0);
  });
  it('rejects values NUMERIC(10,4) cannot hold', () => {
    expect(() => checkFrame(1_000_000)).toThrow(/frame/);
    expect(() => checkFrame(Number.POSITIVE_INFINITY)).toThrow(/finite/);
  });
  it('by must be positive', () => {
    expect(checkFrameStep(0.25)).toBe(0.25);
    expect(() => checkFrameStep(0)).toThrow(/by: must be greater than 0/);
    expect(() => checkFrameStep(0.00001)).toThrow(/by/);
  });
  it('every accepted frame fits NUMERIC(10,4)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (value) => {
        try {
          const frame = checkFrame(value);
          expect(Math.abs(frame)).toBeLessThanOrEqual(999_999.9999);
          expect(Math.round(frame * 10_000) / 10_000).toBe(frame);
        } catch (err) {
          expect(err).toBeInstanceOf(ValidationError);
        }
      }),
    );
  });
});

describe('other counters', () => {
  it('requeue accepts -1 and up', () => {
    expect(checkRequeue(-1)).toBe(-1);
    expect(() => checkRequeue(-2)).toThrow(/requeue/);
  });
  it('progress is 0..1', () => {
    expect(checkProgress(0.5)).toBe(0.5);
    expect(() => checkProgress(1.01)).toThrow(/progress/);
  });
});
