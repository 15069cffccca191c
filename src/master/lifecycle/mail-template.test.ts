import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/index.js';
import { formatPlaceholders, renderTemplate, TemplateError } from './mail-template.js';

const job = {
  title: 'shot 10',
  id: 7,
  url: 'http://farm/jobs/7',
  output_link: null as string | null,
  time_finished: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
  jobtype_version: { jobtype: { name: 'Blender' } },
};

describe('renderTemplate', () => {
  it.each([
    ['Job {{ job.title }} failed', { job }, 'Job shot 10 failed'],
    ['{{ job.time_finished.isoformat() }}', { job }, '2026-01-02T03:04:05.000Z'],
    ['{{ job.jobtype_version.jobtype.name }}', { job }, 'Blender'],
    ['[{{ job.nothing.here }}]', { job }, '[]'],
    ['{% if job.output_link %}out{% else %}none{% endif %}', { job }, 'none'],
    [
      '{% if job.output_link %}out {{ job.output_link }}{% endif %}',
      { job: { ...job, output_link: 'x' } },
      'out x',
    ],
    ['{% for url in urls %}<{{url}}>{% endfor%}', { urls: ['a', 'b'] }, '<a><b>'],
    ['{% if urls %}logs{% endif %}', { urls: [] }, ''],
  ])('%j', (template, context, expected) => {
    expect(renderTemplate(template, context)).toBe(expected);
  });

  it('renders the scheduler.yml defaults with every field', () => {
    const { config } = loadConfig({ env: {}, cwd: '/tmp' });
    const body = renderTemplate(config.failed_body, {
      job: { ...job, output_link: 'http://out' },
      failed_log_urls: ['http://log/1'],
    });
    expect(body).toContain('Blender job shot 10');
    expect(body).toContain('(id 7) has failed on');
    expect(body).toContain('2026-01-02T03:04:05.000Z');
    expect(body).toContain('Job: http://farm/jobs/7');
    expect(body).toContain('http://out');
    expect(body).toContain('http://log/1');
    expect(body).not.toMatch(/\{[{%]/);
  });

  it.each(['{% if a %}', '{% endif %}', '{% for a b %}{% endfor %}', '{% while x %}', '{{ a + b }}'])(
    'refuses a malformed template: %s',
    (template) => {
      expect(() => renderTemplate(template, {})).toThrow(TemplateError);
    },
  );
});

describe('formatPlaceholders', () => {
  it('fills the deletion mail placeholders PyFarm left literal', () => {
    expect(
      formatPlaceholders('{jobtype_name} job {job_title} ({job_id}) {other}', {
        jobtype_name: 'Blender',
        job_title: 'x',
        job_id: 3,
      }),
    ).toBe('Blender job x (3) {other}');
  });
});
