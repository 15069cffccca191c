import { describe, expect, it } from 'vitest';
import { UseAgentAddress } from '../../core/enums.js';
import { agentApiUrl } from './agent-api-url.js';

const template = 'http://{host}:{port}/api/v1';
const agent = { hostname: 'render01.example', remoteIp: '10.0.0.7', port: 50000 };
const { REMOTE, HOSTNAME, LOCAL, PASSIVE } = UseAgentAddress.values;

describe('agentApiUrl', () => {
  it.each([
    [REMOTE, '10.0.0.7', 'http://10.0.0.7:50000/api/v1'],
    [REMOTE, '2001:db8::1', 'http://[2001:db8::1]:50000/api/v1'],
    [HOSTNAME, '10.0.0.7', 'http://render01.example:50000/api/v1'],
  ])('use_address %s with remote_ip %s → %s', (useAddress, remoteIp, url) => {
    expect(agentApiUrl(template, { ...agent, remoteIp, useAddress })).toBe(url);
  });

  it('has no URL for local and passive agents, or a remote agent without an address', () => {
    expect(agentApiUrl(template, { ...agent, useAddress: LOCAL })).toBeUndefined();
    expect(agentApiUrl(template, { ...agent, useAddress: PASSIVE })).toBeUndefined();
    expect(agentApiUrl(template, { ...agent, remoteIp: null, useAddress: REMOTE })).toBeUndefined();
  });

  it('drops a trailing slash of the template', () => {
    expect(agentApiUrl('https://{host}:{port}/api/v1/', { ...agent, useAddress: REMOTE })).toBe(
      'https://10.0.0.7:50000/api/v1',
    );
  });
});
