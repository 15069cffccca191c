/**
 * The actions on the selected jobs (PyFarm's bulk actions): rerun, rerun failed, pause, resume, delete,
 * add/remove a tag, add/remove a tag requirement, move to a queue, set priority and weight. Each runs the
 * per-job API call for every selected job (8 at a time) and reports how many succeeded; failures name the
 * job and the master's reason.
 */
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ConfirmDialog, Dialog } from '../../../components/dialog';
import { errorMessage } from '../../../components/feedback';
import { Field } from '../../../components/field';
import { Menu } from '../../../components/menu';
import { parseTagRequirements } from '../../../components/tag-list';
import { useToast } from '../../../components/toasts';
import { plural } from '../../../lib/format';
import { forEachLimited } from '../../../lib/use-action';
import {
  changeTagOnJobs,
  deleteJob,
  getJob,
  queueChoicesQuery,
  runJobAction,
  updateJob,
  type JobAction,
} from '../api/jobs';

type Dialogs = 'delete' | 'add-tag' | 'remove-tag' | 'add-req' | 'remove-req' | 'queue' | 'priority';

export interface SelectedJob {
  id: number;
  title: string;
}

export function BulkJobActions({ jobs, onDone }: { jobs: readonly SelectedJob[]; onDone(): void }) {
  const client = useQueryClient();
  const toast = useToast();
  const [dialog, setDialog] = useState<Dialogs>();
  const [busy, setBusy] = useState(false);
  const [text, setText] = useState('');
  const [priority, setPriority] = useState('');
  const [weight, setWeight] = useState('');
  const [queue, setQueue] = useState('');
  const queues = useQuery({ ...queueChoicesQuery, enabled: dialog === 'queue' });

  const run = async (label: string, each: (job: SelectedJob) => Promise<unknown>) => {
    setBusy(true);
    try {
      const { ok, failed } = await forEachLimited(jobs, each);
      if (ok > 0) toast.success(`${label}: ${plural(ok, 'job')}`);
      for (const f of failed.slice(0, 3)) toast.error(`${label} "${f.item.title}": ${errorMessage(f.error)}`);
      if (failed.length > 3) toast.error(`${label}: ${failed.length - 3} more jobs failed`);
      await client.invalidateQueries({ queryKey: ['jobs'] });
      setDialog(undefined);
      setText('');
      if (failed.length === 0) onDone();
    } finally {
      setBusy(false);
    }
  };

  const action = (a: JobAction, label: string) => () => void run(label, (j) => runJobAction(j.id, a));

  const changeRequirements = (add: boolean) =>
    run(add ? 'Tag requirement added' : 'Tag requirement removed', async (j) => {
      const job = await getJob(j.id);
      const given = parseTagRequirements(text);
      let reqs = job.tag_requirements.map((r) => ({ tag: r.tag, negate: r.negate }));
      if (add) {
        for (const g of given) {
          reqs = reqs.filter((r) => r.tag !== g.tag);
          reqs.push(g);
        }
      } else {
        reqs = reqs.filter((r) => !given.some((g) => g.tag === r.tag && g.negate === r.negate));
      }
      return updateJob(j.id, { tag_requirements: reqs });
    });

  const changeTags = async (add: boolean) => {
    setBusy(true);
    try {
      const tags = text.split(/\s+/).filter(Boolean);
      for (const tag of tags)
        await changeTagOnJobs(
          tag,
          jobs.map((j) => j.id),
          add,
        );
      toast.success(`${add ? 'Tagged' : 'Untagged'} ${plural(jobs.length, 'job')}`);
      await client.invalidateQueries({ queryKey: ['jobs'] });
      setDialog(undefined);
      setText('');
    } catch (error) {
      toast.error(`Could not change the tags: ${errorMessage(error)}`);
    } finally {
      setBusy(false);
    }
  };

  const none = jobs.length === 0;
  const footer = (submit: string) => (
    <>
      <button type="button" className="btn" onClick={() => setDialog(undefined)}>
        Cancel
      </button>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {submit}
      </button>
    </>
  );

  return (
    <>
      <Menu
        label={none ? 'Actions' : `Actions (${jobs.length})`}
        disabled={none || busy}
        align="left"
        items={[
          { label: 'Rerun', onSelect: action('rerun', 'Rerun') },
          { label: 'Rerun failed tasks', onSelect: action('rerun_failed', 'Rerun failed') },
          { label: 'Pause', onSelect: action('pause', 'Paused') },
          { label: 'Resume', onSelect: action('unpause', 'Resumed') },
          { label: 'Add tag…', onSelect: () => setDialog('add-tag'), separated: true },
          { label: 'Remove tag…', onSelect: () => setDialog('remove-tag') },
          { label: 'Add tag requirement…', onSelect: () => setDialog('add-req') },
          { label: 'Remove tag requirement…', onSelect: () => setDialog('remove-req') },
          { label: 'Move to queue…', onSelect: () => setDialog('queue') },
          { label: 'Set priority and weight…', onSelect: () => setDialog('priority') },
          { label: 'Delete…', onSelect: () => setDialog('delete'), danger: true, separated: true },
        ]}
      />
      <ConfirmDialog
        open={dialog === 'delete'}
        title={`Delete ${plural(jobs.length, 'job')}`}
        confirmLabel="Delete"
        danger
        busy={busy}
        onClose={() => setDialog(undefined)}
        onConfirm={() => void run('Deleted', (j) => deleteJob(j.id))}
      >
        Delete {jobs.length === 1 ? <strong>{jobs[0]?.title}</strong> : plural(jobs.length, 'selected job')},
        their tasks and the jobs that depend on them? Running tasks are stopped.
      </ConfirmDialog>
      <Dialog
        open={dialog === 'add-tag' || dialog === 'remove-tag'}
        title={dialog === 'add-tag' ? 'Add tags' : 'Remove tags'}
        onClose={() => setDialog(undefined)}
        onSubmit={() => void changeTags(dialog === 'add-tag')}
        footer={footer(dialog === 'add-tag' ? 'Add' : 'Remove')}
      >
        <Field label="Tags" hint={`Separated by spaces; applied to ${plural(jobs.length, 'job')}.`}>
          <input
            className="input"
            required
            autoFocus
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </Field>
      </Dialog>
      <Dialog
        open={dialog === 'add-req' || dialog === 'remove-req'}
        title={dialog === 'add-req' ? 'Add tag requirements' : 'Remove tag requirements'}
        onClose={() => setDialog(undefined)}
        onSubmit={() => void changeRequirements(dialog === 'add-req')}
        footer={footer(dialog === 'add-req' ? 'Add' : 'Remove')}
      >
        <Field label="Tag requirements" hint="Separated by spaces; -tag means agents must NOT have the tag.">
          <input
            className="input"
            required
            autoFocus
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </Field>
      </Dialog>
      <Dialog
        open={dialog === 'queue'}
        title="Move to queue"
        onClose={() => setDialog(undefined)}
        onSubmit={() => void run('Moved', (j) => updateJob(j.id, { jobqueue: queue || null }))}
        footer={footer('Move')}
      >
        <Field label="Queue">
          <select className="select" value={queue} onChange={(e) => setQueue(e.target.value)} autoFocus>
            <option value="">No queue</option>
            {(queues.data ?? [])
              .slice()
              .sort((a, b) => a.fullpath.localeCompare(b.fullpath))
              .map((q) => (
                <option key={q.id} value={q.fullpath}>
                  {q.fullpath}
                </option>
              ))}
          </select>
        </Field>
      </Dialog>
      <Dialog
        open={dialog === 'priority'}
        title="Set priority and weight"
        onClose={() => setDialog(undefined)}
        onSubmit={() =>
          void run('Updated', (j) =>
            updateJob(j.id, {
              ...(priority !== '' ? { priority: Number(priority) } : {}),
              ...(weight !== '' ? { weight: Number(weight) } : {}),
            }),
          )
        }
        footer={footer('Apply')}
      >
        <div className="form-grid">
          <Field label="Priority" hint="Empty: unchanged. Higher runs first.">
            <input
              className="input"
              type="number"
              step={1}
              value={priority}
              onChange={(e) => setPriority(e.target.value)}
              autoFocus
            />
          </Field>
          <Field label="Weight" hint="Empty: unchanged. Share of agents among equal priorities.">
            <input
              className="input"
              type="number"
              step={1}
              min={0}
              value={weight}
              onChange={(e) => setWeight(e.target.value)}
            />
          </Field>
        </div>
      </Dialog>
    </>
  );
}
