import { describe, expect, it } from 'vitest';
import { didYouMean } from './did-you-mean.js';

describe('didYouMean', () => {
  const keys = ['database', 'agent_api_port', 'agent_poll_interval', 'base_url'];

  it.each([
    ['databse', 'database'],
    ['agent_api_prot', 'agent_api_port'],
    ['agent_pol_interval', 'agent_poll_interval'],
    ['baseurl', 'base_url'],
  ])('suggests %s -> %s', (typo, key) => {
    expect(didYouMean(typo, keys)).toBe(key);
  });

  it('suggests nothing for a name far from every key', () => {
    expect(didYouMean('render_engine', keys)).toBeUndefined();
  });
});
