/**
 * Human output of the catalog commands: `drover queues`, `drover software`, `drover jobtypes`.
 * The `--json` output is the master's answer unchanged.
 */
import type { Static } from 'typebox';
import type { JobQueueSummary, JobQueueView } from '../../api/schemas/jobqueues.js';
import type { JobTypeSummary, JobTypeView } from '../../api/schemas/jobtypes.js';
import type { SoftwareView } from '../../api/schemas/software.js';
import { renderFields, renderTable, type Column } from './output/table.js';
import type { Style } from './output/style.js';

type Queue = Static<typeof JobQueueSummary>;

const limit = (n: number | null) => (n === null || n === 0 ? undefined : n);

export function queueTable(queues: readonly Queue[], style: Style): string {
  const columns: Column<Queue>[] = [
    { header: 'ID', value: (q) => q.id, align: 'right' },
    { header: 'QUEUE', value: (q) => q.fullpath },
    { header: 'PRIORITY', value: (q) => q.priority, align: 'right' },
    { header: 'WEIGHT', value: (q) => q.weight, align: 'right' },
    { header: 'MIN AGENTS', value: (q) => limit(q.minimum_agents), align: 'right' },
    { header: 'MAX AGENTS', value: (q) => limit(q.maximum_agents), align: 'right' },
  ];
  const sorted = [...queues].sort((a, b) => a.fullpath.localeCompare(b.fullpath));
  return renderTable(columns, sorted, style);
}

export function queueDetails(queue: Static<typeof JobQueueView>, style: Style): string {
  return renderFields(
    [
      ['id', queue.id],
      ['queue', queue.fullpath],
      ['priority', queue.priority],
      ['weight', queue.weight],
      ['minimum agents', limit(queue.minimum_agents)],
      ['maximum agents', limit(queue.maximum_agents)],
      ['children', queue.children.map((c) => c.fullpath).join(', ')],
      ['jobs', queue.jobs.map((j) => `${j.id} ${j.title}`).join(', ')],
    ],
    style,
  );
}

type Software = Static<typeof SoftwareView>;

export function softwareTable(software: readonly Software[], style: Style): string {
  const columns: Column<Software>[] = [
    { header: 'ID', value: (s) => s.id, align: 'right' },
    { header: 'SOFTWARE', value: (s) => s.software },
    {
      header: 'VERSIONS (LOW → HIGH RANK)',
      value: (s) =>
        [...s.versions]
          .sort((a, b) => a.rank - b.rank)
          .map((v) => (v.default ? `${v.version}*` : v.version))
          .join(' '),
    },
  ];
  return renderTable(columns, software, style);
}

export function softwareDetails(software: Software, style: Style): string {
  type Version = Software['versions'][number];
  const columns: Column<Version>[] = [
    { header: 'ID', value: (v) => v.id, align: 'right' },
    { header: 'VERSION', value: (v) => v.version },
    { header: 'RANK', value: (v) => v.rank, align: 'right' },
    { header: 'DEFAULT', value: (v) => (v.default ? 'yes' : 'no') },
    { header: 'DISCOVERY', value: (v) => v.discovery_function_name },
  ];
  const versions = [...software.versions].sort((a, b) => a.rank - b.rank);
  return `${style.bold(software.software)} (id ${software.id})\n${renderTable(columns, versions, style)}`;
}

export function jobTypeTable(jobTypes: readonly Static<typeof JobTypeSummary>[], style: Style): string {
  return renderTable(
    [
      { header: 'ID', value: (t) => t.id, align: 'right' },
      { header: 'NAME', value: (t) => t.name },
    ],
    jobTypes,
    style,
  );
}

export function describeRequirement(r: {
  software: string;
  min_version: string | null;
  max_version: string | null;
}): string {
  if (r.min_version !== null && r.min_version === r.max_version) return `${r.software}=${r.min_version}`;
  const bounds = [
    ...(r.min_version !== null ? [`>=${r.min_version}`] : []),
    ...(r.max_version !== null ? [`<=${r.max_version}`] : []),
  ];
  return r.software + bounds.join(',');
}

export function jobTypeDetails(jobType: Static<typeof JobTypeView>, style: Style): string {
  return renderFields(
    [
      ['id', jobType.id],
      ['name', jobType.name],
      ['version', jobType.version],
      ['description', jobType.description],
      ['class', jobType.classname ?? '(default export)'],
      ['max batch', jobType.max_batch ?? 'no limit'],
      ['batch contiguous', jobType.batch_contiguous ? 'yes' : 'no'],
      ['supports tiling', jobType.supports_tiling ? 'yes' : 'no'],
      ['software', jobType.software_requirements.map(describeRequirement).join(', ')],
      ['code', `${jobType.code.split('\n').length} lines (drover jobtypes show ${jobType.name} --code)`],
    ],
    style,
  );
}
