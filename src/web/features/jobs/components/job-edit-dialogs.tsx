/**
 * The edits of a job's page (PyFarm's alter_* forms): frames, scheduling parameters, autodelete, notes,
 * tags and tag requirements. Each is one `POST /api/v1/jobs/<id>` with the changed fields; empty number
 * fields mean "no value" (null) where the API allows it.
 */
import { useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Dialog } from '../../../components/dialog';
import { Field } from '../../../components/field';
import { formatTagRequirements, parseTagRequirements, parseTags } from '../../../components/tag-list';
import { useAction } from '../../../lib/use-action';
import { queueChoicesQuery, updateJob, type Job, type JobUpdate } from '../api/jobs';

export type JobEdit = 'frames' | 'scheduling' | 'autodelete' | 'notes' | 'tags' | 'requirements';

const optionalInt = (text: string): number | null => (text.trim() === '' ? null : Math.trunc(Number(text)));

function EditDialog({
  job,
  title,
  onClose,
  build,
  children,
  wide,
}: {
  job: Job;
  title: string;
  onClose(): void;
  build(): JobUpdate;
  children: ReactNode;
  wide?: boolean;
}) {
  const save = useAction({
    run: () => updateJob(job.id, build()),
    invalidates: ['jobs', 'tasks'],
    success: `Saved: ${title.toLowerCase()}`,
    failure: `Could not save the ${title.toLowerCase()}`,
    onSuccess: onClose,
  });
  return (
    <Dialog
      open
      title={title}
      onClose={onClose}
      wide={wide}
      onSubmit={() => save.mutate()}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={save.isPending}>
            Save
          </button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}

export function JobEditDialog({ job, edit, onClose }: { job: Job; edit: JobEdit; onClose(): void }) {
  switch (edit) {
    case 'frames':
      return <FramesDialog job={job} onClose={onClose} />;
    case 'scheduling':
      return <SchedulingDialog job={job} onClose={onClose} />;
    case 'autodelete':
      return <AutodeleteDialog job={job} onClose={onClose} />;
    case 'notes':
      return <NotesDialog job={job} onClose={onClose} />;
    case 'tags':
      return <TagsDialog job={job} onClose={onClose} />;
    case 'requirements':
      return <RequirementsDialog job={job} onClose={onClose} />;
  }
}

function FramesDialog({ job, onClose }: { job: Job; onClose(): void }) {
  const [start, setStart] = useState(String(job.start ?? 1));
  const [end, setEnd] = useState(String(job.end ?? job.start ?? 1));
  const [by, setBy] = useState(String(job.by));
  return (
    <EditDialog
      job={job}
      title="Frame range"
      onClose={onClose}
      build={() => ({ start: Number(start), end: Number(end), by: Number(by) })}
    >
      <p className="muted" style={{ marginTop: 0 }}>
        Tasks for frames no longer in the range are deleted; new frames get new tasks.
      </p>
      <div className="form-grid">
        <Field label="Start">
          <input
            className="input"
            type="number"
            step="any"
            required
            value={start}
            onChange={(e) => setStart(e.target.value)}
            autoFocus
          />
        </Field>
        <Field label="End">
          <input
            className="input"
            type="number"
            step="any"
            required
            value={end}
            onChange={(e) => setEnd(e.target.value)}
          />
        </Field>
        <Field label="By">
          <input
            className="input"
            type="number"
            step="any"
            min={0}
            required
            value={by}
            onChange={(e) => setBy(e.target.value)}
          />
        </Field>
      </div>
    </EditDialog>
  );
}

function SchedulingDialog({ job, onClose }: { job: Job; onClose(): void }) {
  const queues = useQuery(queueChoicesQuery);
  const [v, setV] = useState({
    priority: String(job.priority),
    weight: String(job.weight),
    minimum_agents: job.minimum_agents?.toString() ?? '',
    maximum_agents: job.maximum_agents?.toString() ?? '',
    batch: String(job.batch),
    requeue: String(job.requeue),
    cpus: String(job.cpus),
    ram: String(job.ram),
    ram_warning: job.ram_warning?.toString() ?? '',
    ram_max: job.ram_max?.toString() ?? '',
    jobqueue: job.jobqueue ?? '',
  });
  const field = (key: keyof typeof v) => ({
    value: v[key],
    onChange: (e: { target: { value: string } }) => setV({ ...v, [key]: e.target.value }),
  });
  return (
    <EditDialog
      job={job}
      title="Scheduling"
      wide
      onClose={onClose}
      build={() => ({
        priority: Number(v.priority),
        weight: Number(v.weight),
        minimum_agents: optionalInt(v.minimum_agents),
        maximum_agents: optionalInt(v.maximum_agents),
        batch: Number(v.batch),
        requeue: Number(v.requeue),
        cpus: Number(v.cpus),
        ram: Number(v.ram),
        ram_warning: optionalInt(v.ram_warning),
        ram_max: optionalInt(v.ram_max),
        jobqueue: v.jobqueue || null,
      })}
    >
      <div className="form-grid">
        <Field label="Priority" hint="Higher is served first.">
          <input className="input" type="number" step={1} required {...field('priority')} autoFocus />
        </Field>
        <Field label="Weight" hint="Share among equal priorities.">
          <input className="input" type="number" step={1} min={0} required {...field('weight')} />
        </Field>
        <Field label="Minimum agents" hint="Empty: none.">
          <input className="input" type="number" step={1} min={0} {...field('minimum_agents')} />
        </Field>
        <Field label="Maximum agents" hint="Empty: no limit.">
          <input className="input" type="number" step={1} min={0} {...field('maximum_agents')} />
        </Field>
        <Field label="Batch" hint="Frames per assignment.">
          <input className="input" type="number" step={1} min={1} required {...field('batch')} />
        </Field>
        <Field label="Requeue" hint="Retries: 0 never, -1 forever.">
          <input className="input" type="number" step={1} min={-1} required {...field('requeue')} />
        </Field>
        <Field label="CPUs" hint="0 any, -1 the whole agent.">
          <input className="input" type="number" step={1} min={-1} required {...field('cpus')} />
        </Field>
        <Field label="RAM (MB)" hint="0 any, -1 the whole agent.">
          <input className="input" type="number" step={1} min={-1} required {...field('ram')} />
        </Field>
        <Field label="RAM warning (MB)">
          <input className="input" type="number" step={1} min={0} {...field('ram_warning')} />
        </Field>
        <Field label="RAM maximum (MB)">
          <input className="input" type="number" step={1} min={0} {...field('ram_max')} />
        </Field>
        <Field label="Queue">
          <select className="select" {...field('jobqueue')}>
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
      </div>
    </EditDialog>
  );
}

function AutodeleteDialog({ job, onClose }: { job: Job; onClose(): void }) {
  const total = job.autodelete_time ?? 0;
  const [d, setD] = useState(String(Math.floor(total / 86400)));
  const [h, setH] = useState(String(Math.floor((total % 86400) / 3600)));
  const [m, setM] = useState(String(Math.floor((total % 3600) / 60)));
  const [s, setS] = useState(String(total % 60));
  return (
    <EditDialog
      job={job}
      title="Automatic deletion"
      onClose={onClose}
      build={() => {
        const seconds = Number(d) * 86400 + Number(h) * 3600 + Number(m) * 60 + Number(s);
        return { autodelete_time: seconds > 0 ? seconds : null };
      }}
    >
      <p className="muted" style={{ marginTop: 0 }}>
        Delete the job this long after it finished. All zero: keep it.
      </p>
      <div className="form-grid">
        <Field label="Days">
          <input
            className="input"
            type="number"
            min={0}
            step={1}
            value={d}
            onChange={(e) => setD(e.target.value)}
            autoFocus
          />
        </Field>
        <Field label="Hours">
          <input
            className="input"
            type="number"
            min={0}
            step={1}
            value={h}
            onChange={(e) => setH(e.target.value)}
          />
        </Field>
        <Field label="Minutes">
          <input
            className="input"
            type="number"
            min={0}
            step={1}
            value={m}
            onChange={(e) => setM(e.target.value)}
          />
        </Field>
        <Field label="Seconds">
          <input
            className="input"
            type="number"
            min={0}
            step={1}
            value={s}
            onChange={(e) => setS(e.target.value)}
          />
        </Field>
      </div>
    </EditDialog>
  );
}

function NotesDialog({ job, onClose }: { job: Job; onClose(): void }) {
  const [notes, setNotes] = useState(job.notes);
  return (
    <EditDialog job={job} title="Notes" wide onClose={onClose} build={() => ({ notes })}>
      <Field label="Notes">
        <textarea
          className="textarea"
          rows={8}
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
          autoFocus
        />
      </Field>
    </EditDialog>
  );
}

function TagsDialog({ job, onClose }: { job: Job; onClose(): void }) {
  const [text, setText] = useState(job.tags.join(' '));
  return (
    <EditDialog job={job} title="Tags" onClose={onClose} build={() => ({ tags: parseTags(text) })}>
      <Field label="Tags" hint="Separated by spaces; replaces the job's tags.">
        <input className="input" value={text} onChange={(e) => setText(e.target.value)} autoFocus />
      </Field>
    </EditDialog>
  );
}

function RequirementsDialog({ job, onClose }: { job: Job; onClose(): void }) {
  const [text, setText] = useState(formatTagRequirements(job.tag_requirements));
  return (
    <EditDialog
      job={job}
      title="Tag requirements"
      onClose={onClose}
      build={() => ({ tag_requirements: parseTagRequirements(text) })}
    >
      <Field
        label="Tag requirements"
        hint="Agents must have these tags; -tag means they must not. Replaces the list."
      >
        <input className="input" value={text} onChange={(e) => setText(e.target.value)} autoFocus />
      </Field>
    </EditDialog>
  );
}
