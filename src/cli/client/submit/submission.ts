/**
 * From `drover submit`'s flags and optional job file to the bodies of `POST /jobs/`. Pure: files are read
 * and parent titles resolved by the caller.
 *
 * Precedence: the job file, then the flags (a flag replaces the file's value; `--data` keys are merged
 * over `--data-json`, which is merged over the file's `data`). A job file may say `frames: "1-10,20"` like
 * `--frames`, or give PyFarm's `start`/`end`/`by` itself.
 *
 * A frame list that is not one arithmetic range becomes several jobs, one per range (see ../frame-spec.ts),
 * titled `<title> [<range>]` so that each can be found by title; they share everything else.
 */
import type { Static } from 'typebox';
import type { SubmitJobBody } from '../../../api/schemas/jobs.js';
import { ValidationError } from '../../../core/errors.js';
import { formatFrameRange, parseFrameSpec, type FrameRange } from '../frame-spec.js';
import { parseAssignment, parseSoftwareRequirement, parseTagRequirement } from '../requirement-spec.js';

export type JobBody = Static<typeof SubmitJobBody>;

export interface SubmitFlags {
  title?: string;
  jobtype?: string;
  jobtypeVersion?: number;
  frames?: string;
  batch?: number;
  priority?: number;
  weight?: number;
  queue?: string;
  tag?: string[];
  requireTag?: string[];
  software?: string[];
  data?: string[];
  env?: string[];
  notify?: string[];
  requeue?: number;
  cpus?: number;
  ram?: number;
  minAgents?: number;
  maxAgents?: number;
  notes?: string;
  hidden?: boolean;
  paused?: boolean;
  user?: string;
}

export interface SubmissionInput {
  flags: SubmitFlags;
  /** The job file's object, when one was given. */
  file?: Record<string, unknown>;
  /** The object of `--data-json`. */
  dataJson?: Record<string, unknown>;
  /** `--parent` resolved to job ids. */
  parentIds?: readonly number[];
}

/** `key=value` is a string; `key:=value` is JSON (`samples:=16`, `tags:=["a"]`). */
export function parseDataAssignment(text: string): [string, unknown] {
  const typed = /^([^=:]+):=(.*)$/s.exec(text);
  if (typed) {
    try {
      return [typed[1]!, JSON.parse(typed[2]!)];
    } catch {
      throw new ValidationError(`--data ${text}: the value after := is not JSON`, {
        field: 'data',
        value: text,
      });
    }
  }
  const [key, value] = parseAssignment(text, '--data');
  return [key, value];
}

function frameRangesOf(
  file: Record<string, unknown> | undefined,
  flags: SubmitFlags,
): FrameRange[] | undefined {
  if (flags.frames !== undefined) return parseFrameSpec(flags.frames);
  const fromFile = file?.frames;
  if (fromFile === undefined) return undefined;
  if (typeof fromFile === 'number') return parseFrameSpec(String(fromFile));
  if (typeof fromFile !== 'string') {
    throw new ValidationError('frames in the job file must be a string such as "1-100x5"', {
      field: 'frames',
      value: fromFile,
    });
  }
  return parseFrameSpec(fromFile);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The job bodies to post, in order. */
export function buildSubmission(input: SubmissionInput): JobBody[] {
  const { flags } = input;
  const { frames: _frames, ...fromFile } = input.file ?? {};
  const body: Record<string, unknown> = { ...fromFile };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) body[key] = value;
  };
  set('title', flags.title);
  set('jobtype', flags.jobtype);
  set('jobtype_version', flags.jobtypeVersion);
  set('batch', flags.batch);
  set('priority', flags.priority);
  set('weight', flags.weight);
  set('jobqueue', flags.queue);
  set('tags', flags.tag);
  set('tag_requirements', flags.requireTag?.map(parseTagRequirement));
  set('software_requirements', flags.software?.map(parseSoftwareRequirement));
  set(
    'notified_users',
    flags.notify?.map((username) => ({ username })),
  );
  set('requeue', flags.requeue);
  set('cpus', flags.cpus);
  set('ram', flags.ram);
  set('minimum_agents', flags.minAgents);
  set('maximum_agents', flags.maxAgents);
  set('notes', flags.notes);
  set('user', flags.user);
  if (flags.hidden) body.hidden = true;
  if (flags.paused) body.state = 'paused';
  if (input.parentIds && input.parentIds.length > 0) body.parents = input.parentIds.map((id) => ({ id }));
  if (flags.env) {
    const environ = isObject(body.environ) ? { ...body.environ } : {};
    for (const text of flags.env) {
      const [name, value] = parseAssignment(text, '--env');
      environ[name] = value;
    }
    body.environ = environ;
  }
  if (input.dataJson !== undefined || flags.data) {
    const data: Record<string, unknown> = { ...(isObject(body.data) ? body.data : {}), ...input.dataJson };
    for (const text of flags.data ?? []) {
      const [key, value] = parseDataAssignment(text);
      data[key] = value;
    }
    body.data = data;
  }
  if (typeof body.title !== 'string' || body.title === '') {
    throw new ValidationError('a job needs a title: --title (or "title" in the job file)', {
      field: 'title',
    });
  }
  if (typeof body.jobtype !== 'string' || body.jobtype === '') {
    throw new ValidationError('a job needs a job type: --jobtype (or "jobtype" in the job file)', {
      field: 'jobtype',
    });
  }

  const ranges = frameRangesOf(input.file, flags);
  if (ranges === undefined) return [body as JobBody];
  const title = body.title;
  return ranges.map((range) => ({
    ...(body as JobBody),
    title: ranges.length === 1 ? title : `${title} [${formatFrameRange(range)}]`,
    start: range.start,
    end: range.end,
    by: range.by,
  }));
}

/** How many tasks a body makes (frames, times tiles): for the submit message. */
export function taskCountOf(body: JobBody): number {
  const start = body.start ?? 1;
  const end = body.end ?? start;
  const by = body.by ?? 1;
  const frames = Math.floor((end - start) / by + 1e-9) + 1;
  return frames * (body.num_tiles ?? 1);
}
