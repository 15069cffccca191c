/** The settings of a job type version, as form fields shared by the create and edit pages. */
import { Field } from '../../../components/field';

export interface VersionSettings {
  description: string;
  classname: string;
  maxBatch: string;
  batchContiguous: boolean;
  noAutomaticStartTime: boolean;
  supportsTiling: boolean;
}

export function VersionSettingsFields({
  value,
  onChange,
  disabled,
}: {
  value: VersionSettings;
  onChange(value: VersionSettings): void;
  disabled?: boolean;
}) {
  const set = <K extends keyof VersionSettings>(key: K, v: VersionSettings[K]) =>
    onChange({ ...value, [key]: v });
  return (
    <div className="form-grid">
      <Field label="Description" className="wide" hint="Shown when submitting: say which job data it reads.">
        <textarea
          className="textarea"
          rows={3}
          value={value.description}
          onChange={(e) => set('description', e.target.value)}
          disabled={disabled}
        />
      </Field>
      <Field label="Class name" hint="The export to run; empty: the default export.">
        <input
          className="input"
          value={value.classname}
          onChange={(e) => set('classname', e.target.value)}
          disabled={disabled}
        />
      </Field>
      <Field label="Max batch" hint="Tasks per assignment; empty: no limit.">
        <input
          className="input"
          type="number"
          min={1}
          step={1}
          value={value.maxBatch}
          onChange={(e) => set('maxBatch', e.target.value)}
          disabled={disabled}
        />
      </Field>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={value.batchContiguous}
          onChange={(e) => set('batchContiguous', e.target.checked)}
          disabled={disabled}
        />
        Batches of consecutive frames only
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={value.supportsTiling}
          onChange={(e) => set('supportsTiling', e.target.checked)}
          disabled={disabled}
        />
        Supports tiles
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={value.noAutomaticStartTime}
          onChange={(e) => set('noAutomaticStartTime', e.target.checked)}
          disabled={disabled}
        />
        Reports its own start time
      </label>
    </div>
  );
}

export function settingsBody(s: VersionSettings) {
  return {
    description: s.description || null,
    classname: s.classname || null,
    max_batch: s.maxBatch.trim() === '' ? null : Number(s.maxBatch),
    batch_contiguous: s.batchContiguous,
    no_automatic_start_time: s.noAutomaticStartTime,
    supports_tiling: s.supportsTiling,
  };
}
