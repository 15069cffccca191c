import { describe, expect, it } from 'vitest';
import { nextRank, type SoftwareVersion } from './software';

const v = (rank: number): SoftwareVersion => ({
  id: rank,
  version: String(rank),
  rank,
  default: false,
  discovery_function_name: null,
});

describe('nextRank', () => {
  it('rounds the highest rank up to a multiple of 100 and adds 100', () => {
    expect(nextRank([])).toBe(100);
    expect(nextRank([v(100), v(200)])).toBe(300);
    expect(nextRank([v(150)])).toBe(300);
    expect(nextRank([v(201), v(50)])).toBe(400);
  });
});
