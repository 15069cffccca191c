/** Create a (sub-)queue or edit one: name, minimum and maximum agents, priority and weight. */
import { useState } from 'react';
import { Dialog } from '../../../components/dialog';
import { Field } from '../../../components/field';
import { useAction } from '../../../lib/use-action';
import { changeQueue, createQueue, type Queue } from '../api/queues';

const optional = (text: string) => (text.trim() === '' ? null : Math.trunc(Number(text)));

export function QueueDialog({
  queue,
  parent,
  onClose,
}: {
  queue?: Queue;
  parent?: Queue | null;
  onClose(): void;
}) {
  const [name, setName] = useState(queue?.name ?? '');
  const [priority, setPriority] = useState(String(queue?.priority ?? 0));
  const [weight, setWeight] = useState(String(queue?.weight ?? 10));
  const [min, setMin] = useState(queue?.minimum_agents?.toString() ?? '');
  const [max, setMax] = useState(queue?.maximum_agents?.toString() ?? '');
  const save = useAction({
    run: () => {
      const fields = {
        priority: Number(priority),
        weight: Number(weight),
        minimum_agents: optional(min),
        maximum_agents: optional(max),
      };
      return queue
        ? changeQueue(queue.id, { ...fields, ...(name !== queue.name ? { name } : {}) })
        : createQueue({ name, parent_jobqueue_id: parent?.id ?? null, ...fields });
    },
    invalidates: ['queues'],
    success: queue ? `Saved ${name}` : `Created ${parent ? `${parent.fullpath}/` : '/'}${name}`,
    failure: queue ? 'Could not save the queue' : 'Could not create the queue',
    onSuccess: onClose,
  });
  return (
    <Dialog
      open
      title={
        queue ? `Queue ${queue.fullpath}` : parent ? `New queue in ${parent.fullpath}` : 'New top-level queue'
      }
      onClose={onClose}
      onSubmit={() => save.mutate()}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={save.isPending}>
            {queue ? 'Save' : 'Create'}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <Field label="Name" className="wide" hint="Unique across the farm; no slashes.">
          <input
            className="input"
            required
            pattern="[^\/]+"
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoFocus={!queue}
          />
        </Field>
        <Field label="Priority" hint="Siblings with a higher priority are served first.">
          <input
            className="input"
            type="number"
            step={1}
            required
            value={priority}
            onChange={(e) => setPriority(e.target.value)}
            autoFocus={Boolean(queue)}
          />
        </Field>
        <Field label="Weight" hint="Share of agents among siblings of equal priority.">
          <input
            className="input"
            type="number"
            min={0}
            step={1}
            required
            value={weight}
            onChange={(e) => setWeight(e.target.value)}
          />
        </Field>
        <Field label="Minimum agents" hint="Served first up to this many. Empty: none.">
          <input
            className="input"
            type="number"
            min={0}
            step={1}
            value={min}
            onChange={(e) => setMin(e.target.value)}
          />
        </Field>
        <Field label="Maximum agents" hint="Never more than this many. Empty: no limit.">
          <input
            className="input"
            type="number"
            min={0}
            step={1}
            value={max}
            onChange={(e) => setMax(e.target.value)}
          />
        </Field>
      </div>
    </Dialog>
  );
}
