/**
 * Submitting a job from the browser: title, job type (its description shows what job data it reads),
 * frames, job data as JSON, and the scheduling, requirement and notification fields of `POST /jobs/`.
 * The master validates everything; its message names the field that is wrong.
 */
import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../../api/client.gen';
import { Banner, errorMessage } from '../../../components/feedback';
import { Field } from '../../../components/field';
import { PageHeader } from '../../../components/page-header';
import { parseTagRequirements, parseTags } from '../../../components/tag-list';
import { useToast } from '../../../components/toasts';
import { Link, useNavigate } from '../../../lib/router';
import { useSession } from '../../../lib/session';
import {
  groupChoicesQuery,
  jobTypeChoicesQuery,
  queueChoicesQuery,
  submitJob,
  userChoicesQuery,
  type JobSubmission,
} from '../api/jobs';

interface FormState {
  title: string;
  jobtype: string;
  start: string;
  end: string;
  by: string;
  numTiles: string;
  batch: string;
  priority: string;
  weight: string;
  jobqueue: string;
  group: string;
  minimumAgents: string;
  maximumAgents: string;
  cpus: string;
  ram: string;
  requeue: string;
  tags: string;
  tagRequirements: string;
  parents: string;
  notify: string[];
  data: string;
  notes: string;
  hidden: boolean;
  paused: boolean;
}

const INITIAL: FormState = {
  title: '',
  jobtype: '',
  start: '1',
  end: '10',
  by: '1',
  numTiles: '',
  batch: '1',
  priority: '0',
  weight: '10',
  jobqueue: '',
  group: '',
  minimumAgents: '',
  maximumAgents: '',
  cpus: '0',
  ram: '0',
  requeue: '3',
  tags: '',
  tagRequirements: '',
  parents: '',
  notify: [],
  data: '{}',
  notes: '',
  hidden: false,
  paused: false,
};

export function SubmitJobPage() {
  const session = useSession();
  const navigate = useNavigate();
  const toast = useToast();
  const jobtypes = useQuery(jobTypeChoicesQuery);
  const queues = useQuery(queueChoicesQuery);
  const groups = useQuery(groupChoicesQuery);
  const users = useQuery(userChoicesQuery);
  const [form, setForm] = useState<FormState>(INITIAL);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const jobtype = useQuery({
    queryKey: ['jobtypes', 'detail', form.jobtype],
    queryFn: ({ signal }) =>
      api.get('/api/v1/jobtypes/{jobtype}', { path: { jobtype: form.jobtype }, signal }),
    enabled: form.jobtype !== '',
  });
  const set =
    <K extends keyof FormState>(key: K) =>
    (value: FormState[K]) =>
      setForm((f) => ({ ...f, [key]: value }));
  const text = (key: keyof FormState) => ({
    value: form[key] as string,
    onChange: (e: { target: { value: string } }) => set(key)(e.target.value as never),
  });

  const build = (): JobSubmission => {
    let data: Record<string, unknown> | null = null;
    if (form.data.trim()) {
      const parsed: unknown = JSON.parse(form.data);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('Job data must be a JSON object');
      data = parsed as Record<string, unknown>;
    }
    const int = (v: string) => (v.trim() === '' ? null : Math.trunc(Number(v)));
    const parents = form.parents
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((p) => ({ id: Number(p) }));
    return {
      title: form.title,
      jobtype: form.jobtype,
      start: Number(form.start),
      end: Number(form.end),
      by: Number(form.by),
      ...(form.numTiles ? { num_tiles: Number(form.numTiles) } : {}),
      batch: Number(form.batch),
      priority: Number(form.priority),
      weight: Number(form.weight),
      jobqueue: form.jobqueue || null,
      job_group_id: form.group ? Number(form.group) : null,
      minimum_agents: int(form.minimumAgents),
      maximum_agents: int(form.maximumAgents),
      cpus: Number(form.cpus),
      ram: Number(form.ram),
      requeue: Number(form.requeue),
      tags: parseTags(form.tags),
      tag_requirements: parseTagRequirements(form.tagRequirements),
      parents,
      notified_users: form.notify.map((username) => ({ username, on_success: true, on_failure: true })),
      data,
      notes: form.notes,
      hidden: form.hidden,
      ...(form.paused ? { state: 'paused' as const } : {}),
    };
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    let body: JobSubmission;
    try {
      body = build();
    } catch (err) {
      setError(errorMessage(err));
      return;
    }
    setBusy(true);
    try {
      const job = await submitJob(body);
      toast.success(`Submitted ${job.title}`);
      navigate(`/jobs/${job.id}`);
    } catch (err) {
      setError(errorMessage(err));
      window.scrollTo({ top: 0 });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        breadcrumbs={<Link to="/jobs">Jobs</Link>}
        title="Submit a job"
        subtitle={`As ${session.me.username}. Tasks are created for every frame from start to end.`}
      />
      <form onSubmit={submit} className="stack" aria-label="Submit a job">
        {error && <Banner kind="error">{error}</Banner>}
        <section className="card">
          <div className="card-header">
            <h2>What to render</h2>
          </div>
          <div className="card-body form-grid">
            <Field label="Title" className="wide">
              <input className="input" required maxLength={255} autoFocus {...text('title')} />
            </Field>
            <Field label="Job type">
              <select className="select" required {...text('jobtype')}>
                <option value="">Choose…</option>
                {jobtypes.data?.map((t) => (
                  <option key={t.id} value={t.name}>
                    {t.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Start frame">
              <input className="input" type="number" step="any" required {...text('start')} />
            </Field>
            <Field label="End frame">
              <input className="input" type="number" step="any" required {...text('end')} />
            </Field>
            <Field label="By">
              <input className="input" type="number" step="any" min={0} required {...text('by')} />
            </Field>
            {jobtype.data?.supports_tiling && (
              <Field label="Tiles per frame">
                <input className="input" type="number" min={1} step={1} {...text('numTiles')} />
              </Field>
            )}
            {jobtype.data?.description && (
              <div className="wide banner info" style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
                {jobtype.data.description}
              </div>
            )}
            <Field
              label="Job data (JSON)"
              className="wide"
              hint="What the job type reads: the scene, output paths, options."
            >
              <textarea className="textarea mono" rows={5} spellCheck={false} {...text('data')} />
            </Field>
          </div>
        </section>

        <section className="card">
          <div className="card-header">
            <h2>Scheduling</h2>
          </div>
          <div className="card-body form-grid">
            <Field label="Queue">
              <select className="select" {...text('jobqueue')}>
                <option value="">No queue</option>
                {queues.data
                  ?.slice()
                  .sort((a, b) => a.fullpath.localeCompare(b.fullpath))
                  .map((q) => (
                    <option key={q.id} value={q.fullpath}>
                      {q.fullpath}
                    </option>
                  ))}
              </select>
            </Field>
            <Field label="Priority" hint="Higher is served first.">
              <input className="input" type="number" step={1} {...text('priority')} />
            </Field>
            <Field label="Weight" hint="Share among equal priorities.">
              <input className="input" type="number" min={0} step={1} {...text('weight')} />
            </Field>
            <Field label="Batch" hint="Frames per assignment.">
              <input className="input" type="number" min={1} step={1} {...text('batch')} />
            </Field>
            <Field label="Minimum agents">
              <input className="input" type="number" min={0} step={1} {...text('minimumAgents')} />
            </Field>
            <Field label="Maximum agents">
              <input className="input" type="number" min={0} step={1} {...text('maximumAgents')} />
            </Field>
            <Field label="CPUs" hint="0 any, -1 the whole agent.">
              <input className="input" type="number" min={-1} step={1} {...text('cpus')} />
            </Field>
            <Field label="RAM (MB)" hint="0 any, -1 the whole agent.">
              <input className="input" type="number" min={-1} step={1} {...text('ram')} />
            </Field>
            <Field label="Requeue" hint="Retries: 0 never, -1 forever.">
              <input className="input" type="number" min={-1} step={1} {...text('requeue')} />
            </Field>
            <Field label="Group">
              <select className="select" {...text('group')}>
                <option value="">No group</option>
                {groups.data?.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.title}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Depends on jobs" hint="Job ids; this job starts when they are done.">
              <input className="input" placeholder="e.g. 12 15" {...text('parents')} />
            </Field>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={form.paused}
                onChange={(e) => set('paused')(e.target.checked)}
              />
              Submit paused
            </label>
          </div>
        </section>

        <section className="card">
          <div className="card-header">
            <h2>Tags, requirements and notifications</h2>
          </div>
          <div className="card-body form-grid">
            <Field label="Tags" hint="Separated by spaces.">
              <input className="input" {...text('tags')} />
            </Field>
            <Field label="Tag requirements" hint="Agents must have these; -tag: must not.">
              <input className="input" {...text('tagRequirements')} />
            </Field>
            <Field label="Notify" hint="On success and failure (Ctrl-click for several).">
              <select
                className="select"
                multiple
                style={{ height: 80 }}
                value={form.notify}
                onChange={(e) => set('notify')([...e.target.selectedOptions].map((o) => o.value))}
              >
                {users.data?.map((u) => (
                  <option key={u.id} value={u.username}>
                    {u.username}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Notes" className="wide">
              <textarea className="textarea" rows={3} {...text('notes')} />
            </Field>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={form.hidden}
                onChange={(e) => set('hidden')(e.target.checked)}
              />
              Hidden (not in the job list by default)
            </label>
          </div>
        </section>

        <div className="form-actions" style={{ justifyContent: 'flex-start' }}>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Submitting…' : 'Submit job'}
          </button>
          <Link to="/jobs" className="btn">
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}
