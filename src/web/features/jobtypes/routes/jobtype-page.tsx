/**
 * One job type: pick a version, read or (admins) edit its code with syntax highlighting and save it as a
 * new version, its settings, software requirements (each change is a new version) and the completion
 * mail templates. Also the form for a new job type (`/jobtypes/new`).
 */
import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { CodeEditor } from '../../../components/code-editor';
import { ConfirmDialog, Dialog } from '../../../components/dialog';
import { Banner, errorMessage, ErrorState, Loading } from '../../../components/feedback';
import { Field } from '../../../components/field';
import { PageHeader } from '../../../components/page-header';
import { useToast } from '../../../components/toasts';
import { Link, useNavigate } from '../../../lib/router';
import { useSearchParams } from '../../../lib/search-params';
import { useSession } from '../../../lib/session';
import { useAction } from '../../../lib/use-action';
import {
  addRequirement,
  changeFields,
  createJobType,
  deleteVersion,
  jobTypeQuery,
  jobTypeVersionsQuery,
  removeRequirement,
  saveVersion,
  softwareQuery,
  type JobType,
} from '../api/jobtypes';
import { settingsBody, VersionSettingsFields, type VersionSettings } from '../components/jobtype-settings';

function settingsOf(t: JobType): VersionSettings {
  return {
    description: t.description ?? '',
    classname: t.classname ?? '',
    maxBatch: t.max_batch?.toString() ?? '',
    batchContiguous: t.batch_contiguous,
    noAutomaticStartTime: t.no_automatic_start_time,
    supportsTiling: t.supports_tiling,
  };
}

const TEMPLATE = `import { CommandData, JobType } from 'drover/jobtype';

/** Runs a program once per frame of the assignment. */
export default class MyJobType extends JobType {
  getCommandData() {
    const frame = this.tasks[0].frame;
    return new CommandData('/usr/bin/echo', ['rendering frame', String(frame)]);
  }
}
`;

export function NewJobTypePage() {
  const navigate = useNavigate();
  const toast = useToast();
  const [name, setName] = useState('');
  const [code, setCode] = useState(TEMPLATE);
  const [settings, setSettings] = useState<VersionSettings>({
    description: '',
    classname: '',
    maxBatch: '1',
    batchContiguous: true,
    noAutomaticStartTime: false,
    supportsTiling: false,
  });
  const [error, setError] = useState<string>();
  const create = async () => {
    setError(undefined);
    try {
      const created = await createJobType({ name, code, ...settingsBody(settings) });
      toast.success(`Created ${created.name}`);
      navigate(`/jobtypes/${encodeURIComponent(created.name)}`);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <>
      <PageHeader breadcrumbs={<Link to="/jobtypes">Job types</Link>} title="New job type" />
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        {error && <Banner kind="error">{error}</Banner>}
        <section className="card">
          <div className="card-body stack">
            <Field label="Name">
              <input
                className="input"
                required
                maxLength={64}
                value={name}
                onChange={(e) => setName(e.target.value)}
                autoFocus
              />
            </Field>
            <VersionSettingsFields value={settings} onChange={setSettings} />
          </div>
        </section>
        <section className="card">
          <div className="card-header">
            <h2>Code</h2>
            <span className="muted">JavaScript module; the class extends JobType from drover/jobtype</span>
          </div>
          <div className="card-body">
            <CodeEditor label="Job type code" value={code} onChange={setCode} />
          </div>
        </section>
        <div className="form-actions" style={{ justifyContent: 'flex-start' }}>
          <button type="submit" className="btn btn-primary">
            Create job type
          </button>
          <Link to="/jobtypes" className="btn">
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}

export function JobTypePage({ name }: { name: string }) {
  const session = useSession();
  const { params, update } = useSearchParams();
  const versionParam = params.get('version') ? Number(params.get('version')) : undefined;
  const versions = useQuery(jobTypeVersionsQuery(name));
  const type = useQuery(jobTypeQuery(name, versionParam));
  const [code, setCode] = useState('');
  const [settings, setSettings] = useState<VersionSettings>();
  const [dialog, setDialog] = useState<'requirement' | 'templates' | 'delete-version'>();
  const editable = session.isAdmin;

  useEffect(() => {
    if (type.data) {
      setCode(type.data.code);
      setSettings(settingsOf(type.data));
    }
  }, [type.data]);

  const save = useAction({
    run: () => saveVersion(name, { name, code, ...settingsBody(settings!) }),
    invalidates: ['jobtypes'],
    success: (t) => `Saved ${t.name} version ${t.version}`,
    failure: 'Could not save the new version',
    onSuccess: () => update({ version: null }, { replace: true }),
  });
  const removeVersion = useAction({
    run: (version: number) => deleteVersion(name, version),
    invalidates: ['jobtypes'],
    success: (_r, v) => `Deleted version ${v}`,
    failure: 'Could not delete the version',
    onSuccess: () => {
      setDialog(undefined);
      update({ version: null }, { replace: true });
    },
  });
  const removeReq = useAction({
    run: (software: string) => removeRequirement(name, software),
    invalidates: ['jobtypes'],
    success: (_r, s) => `${s} is no longer required (new version)`,
    failure: 'Could not remove the requirement',
  });

  if (type.isPending || !settings) return type.isError ? <ErrorState error={type.error} /> : <Loading />;
  if (type.isError) return <ErrorState error={type.error} onRetry={() => void type.refetch()} />;
  const t = type.data;
  const latest = versions.data ? Math.max(...versions.data) : t.version;
  const isLatest = t.version === latest;
  const changed = code !== t.code || JSON.stringify(settings) !== JSON.stringify(settingsOf(t));

  return (
    <>
      <PageHeader
        breadcrumbs={<Link to="/jobtypes">Job types</Link>}
        title={t.name}
        documentTitle={`${t.name} v${t.version}`}
        subtitle={isLatest ? `Version ${t.version} (latest)` : `Version ${t.version} of ${latest}`}
        actions={
          <>
            <label className="visually-hidden" htmlFor="jt-version">
              Version
            </label>
            <select
              id="jt-version"
              className="select"
              value={t.version}
              onChange={(e) =>
                update(
                  { version: Number(e.target.value) === latest ? null : e.target.value },
                  { replace: true },
                )
              }
            >
              {[...(versions.data ?? [t.version])].reverse().map((v) => (
                <option key={v} value={v}>
                  Version {v}
                  {v === latest ? ' (latest)' : ''}
                </option>
              ))}
            </select>
            {editable && (
              <>
                <button type="button" className="btn" onClick={() => setDialog('templates')}>
                  Mail templates
                </button>
                <button
                  type="button"
                  className="btn btn-danger"
                  onClick={() => setDialog('delete-version')}
                  disabled={(versions.data?.length ?? 1) < 2}
                >
                  Delete version
                </button>
                <button
                  type="button"
                  className="btn btn-primary"
                  disabled={!changed || save.isPending}
                  onClick={() => save.mutate()}
                >
                  Save as version {latest + 1}
                </button>
              </>
            )}
          </>
        }
      />
      {!editable && (
        <Banner kind="info">Only admins change job types: their code runs on every agent.</Banner>
      )}
      <div className="grid-2">
        <section className="card">
          <div className="card-header">
            <h2>Settings</h2>
          </div>
          <div className="card-body">
            <VersionSettingsFields value={settings} onChange={setSettings} disabled={!editable} />
          </div>
        </section>
        <section className="card">
          <div className="card-header">
            <h2>Software requirements</h2>
            {editable && (
              <button type="button" className="btn btn-sm" onClick={() => setDialog('requirement')}>
                Add
              </button>
            )}
          </div>
          <div className="card-body">
            {t.software_requirements.length === 0 ? (
              <span className="faint">Runs on any agent.</span>
            ) : (
              <table className="data">
                <tbody>
                  {t.software_requirements.map((r) => (
                    <tr key={r.software_id}>
                      <td>
                        <strong>{r.software}</strong>
                      </td>
                      <td className="muted">
                        {r.min_version ? `≥ ${r.min_version}` : 'any'}
                        {r.max_version && `, ≤ ${r.max_version}`}
                      </td>
                      <td className="actions-cell">
                        {editable && isLatest && (
                          <button
                            type="button"
                            className="btn btn-sm btn-ghost"
                            onClick={() => removeReq.mutate(r.software)}
                          >
                            Remove
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <p className="faint" style={{ marginBottom: 0 }}>
              Adding or removing a requirement makes a new version.
            </p>
          </div>
        </section>
      </div>
      <section className="card" style={{ marginTop: 14 }}>
        <div className="card-header">
          <h2>Code</h2>
          <span className="muted">
            {changed
              ? 'changed, not saved'
              : t.classname
                ? `runs class ${t.classname}`
                : 'runs the default export'}
          </span>
        </div>
        <div className="card-body">
          <CodeEditor
            key={`${t.name}@${t.version}`}
            label={`Code of ${t.name} version ${t.version}`}
            value={code}
            onChange={setCode}
            readOnly={!editable}
            height={480}
          />
        </div>
      </section>
      {dialog === 'requirement' && <RequirementDialog name={name} onClose={() => setDialog(undefined)} />}
      {dialog === 'templates' && <TemplatesDialog type={t} onClose={() => setDialog(undefined)} />}
      <ConfirmDialog
        open={dialog === 'delete-version'}
        title={`Delete version ${t.version}`}
        confirmLabel="Delete"
        danger
        busy={removeVersion.isPending}
        onClose={() => setDialog(undefined)}
        onConfirm={() => removeVersion.mutate(t.version)}
      >
        Delete version {t.version} of <strong>{t.name}</strong>? This is refused while a job uses it.
      </ConfirmDialog>
    </>
  );
}

function RequirementDialog({ name, onClose }: { name: string; onClose(): void }) {
  const software = useQuery(softwareQuery);
  const [choice, setChoice] = useState('');
  const [min, setMin] = useState('');
  const [max, setMax] = useState('');
  const versions = [...(software.data?.find((s) => s.software === choice)?.versions ?? [])].sort(
    (a, b) => a.rank - b.rank,
  );
  const add = useAction({
    run: () => addRequirement(name, { software: choice, min_version: min || null, max_version: max || null }),
    invalidates: ['jobtypes'],
    success: `${choice} required (new version)`,
    failure: 'Could not add the requirement',
    onSuccess: onClose,
  });
  return (
    <Dialog
      open
      title="Require software"
      onClose={onClose}
      onSubmit={() => add.mutate()}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!choice || add.isPending}>
            Add
          </button>
        </>
      }
    >
      <div className="form-grid">
        <Field label="Software">
          <select
            className="select"
            value={choice}
            onChange={(e) => setChoice(e.target.value)}
            autoFocus
            required
          >
            <option value="">Choose…</option>
            {software.data?.map((s) => (
              <option key={s.id} value={s.software}>
                {s.software}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Minimum version">
          <select className="select" value={min} onChange={(e) => setMin(e.target.value)} disabled={!choice}>
            <option value="">Any</option>
            {versions.map((v) => (
              <option key={v.id} value={v.version}>
                {v.version}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Maximum version">
          <select className="select" value={max} onChange={(e) => setMax(e.target.value)} disabled={!choice}>
            <option value="">Any</option>
            {versions.map((v) => (
              <option key={v.id} value={v.version}>
                {v.version}
              </option>
            ))}
          </select>
        </Field>
      </div>
    </Dialog>
  );
}

function TemplatesDialog({ type, onClose }: { type: JobType; onClose(): void }) {
  const [v, setV] = useState({
    success_subject: type.success_subject ?? '',
    success_body: type.success_body ?? '',
    fail_subject: type.fail_subject ?? '',
    fail_body: type.fail_body ?? '',
  });
  const save = useAction({
    run: () =>
      changeFields(type.name, {
        success_subject: v.success_subject || null,
        success_body: v.success_body || null,
        fail_subject: v.fail_subject || null,
        fail_body: v.fail_body || null,
      }),
    invalidates: ['jobtypes'],
    success: 'Templates saved',
    failure: 'Could not save the templates',
    onSuccess: onClose,
  });
  const field = (key: keyof typeof v) => ({
    value: v[key],
    onChange: (e: { target: { value: string } }) => setV({ ...v, [key]: e.target.value }),
  });
  return (
    <Dialog
      open
      wide
      title={`Completion mail of ${type.name}`}
      onClose={onClose}
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
      <p className="muted" style={{ marginTop: 0 }}>
        Empty fields use the farm's default mail. Templates see <code>{'{{ job.title }}'}</code>,{' '}
        <code>{'{{ job.url }}'}</code> and the other job fields.
      </p>
      <div className="form-grid">
        <Field label="Success subject" className="wide">
          <input className="input" {...field('success_subject')} />
        </Field>
        <Field label="Success body" className="wide">
          <textarea className="textarea" rows={4} {...field('success_body')} />
        </Field>
        <Field label="Failure subject" className="wide">
          <input className="input" {...field('fail_subject')} />
        </Field>
        <Field label="Failure body" className="wide">
          <textarea className="textarea" rows={4} {...field('fail_body')} />
        </Field>
      </div>
    </Dialog>
  );
}
