import { describe, expect, it } from 'vitest';
import { REDACTED, redactConfig } from './redact.js';

describe('redactConfig', () => {
  it('hides secrets by key name, the smtp password and passwords inside URLs', () => {
    const shown = redactConfig({
      secret_key: 'pyfarm',
      agent_manhole_password: 'admin',
      smtp_login: ['mailer', 'hunter2'],
      database: 'postgresql://drover:s3cret@db.example/farm',
      statistics_database: 'sqlite:///stats.sqlite',
      farm_name: 'main',
    });
    expect(shown).toEqual({
      secret_key: REDACTED,
      agent_manhole_password: REDACTED,
      smtp_login: ['mailer', REDACTED],
      database: `postgresql://drover:${REDACTED}@db.example/farm`,
      statistics_database: 'sqlite:///stats.sqlite',
      farm_name: 'main',
    });
  });

  it('leaves empty secrets visible so that a missing value can be seen', () => {
    expect(redactConfig({ secret_key: '', smtp_login: [null, null] })).toEqual({
      secret_key: '',
      smtp_login: [null, null],
    });
  });
});
