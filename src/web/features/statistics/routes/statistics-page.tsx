/**
 * Statistics (PyFarm's /statistics pages): agents per state over time, and task events per interval —
 * new and restarted tasks above the axis, done, failed and deleted below it — with the mean number of
 * queued/running tasks. Range and resolution are in the URL.
 */
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ErrorState, Loading, EmptyState } from '../../../components/feedback';
import { PageHeader } from '../../../components/page-header';
import { Plot, type PlotSeries } from '../../../components/plot';
import { viewerZone } from '../../../lib/format';
import { useSearchParams } from '../../../lib/search-params';
import { agentCountsQuery, queuesQuery, taskEventsQuery } from '../api/statistics';

const RANGES = [
  { days: 1, label: 'Last 24 hours', resolution: 15, agentResolution: 60 },
  { days: 7, label: 'Last 7 days', resolution: 60, agentResolution: 60 },
  { days: 30, label: 'Last 30 days', resolution: 360, agentResolution: 360 },
  { days: 90, label: 'Last 90 days', resolution: 1440, agentResolution: 1440 },
] as const;
const RESOLUTIONS = [5, 15, 60, 360, 1440] as const;

function resolutionLabel(minutes: number): string {
  if (minutes === 60) return 'hour';
  if (minutes === 1440) return 'day';
  return minutes < 60 ? `${minutes} minutes` : `${minutes / 60} hours`;
}

export function StatisticsPage() {
  const { params, update } = useSearchParams();
  const days = Number(params.get('days')) || 7;
  const range = RANGES.find((r) => r.days === days) ?? RANGES[1];
  const resolution = Number(params.get('res')) || range.resolution;
  const noQueue = params.get('no_queue') === '1';
  const queueIds = params
    .getAll('queue')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);

  return (
    <>
      <PageHeader
        title="Statistics"
        subtitle={`Times in ${viewerZone()}. Drag across a plot to zoom in, double-click to zoom out.`}
        actions={
          <>
            <label className="visually-hidden" htmlFor="stats-range">
              Range
            </label>
            <select
              id="stats-range"
              className="select"
              value={range.days}
              onChange={(e) => update({ days: e.target.value, res: null }, { replace: true })}
            >
              {RANGES.map((r) => (
                <option key={r.days} value={r.days}>
                  {r.label}
                </option>
              ))}
            </select>
            <label className="visually-hidden" htmlFor="stats-resolution">
              Resolution
            </label>
            <select
              id="stats-resolution"
              className="select"
              value={resolution}
              onChange={(e) => update({ res: e.target.value }, { replace: true })}
            >
              {RESOLUTIONS.filter((m) => (days * 1440) / m <= 20_000).map((m) => (
                <option key={m} value={m}>
                  per {resolutionLabel(m)}
                </option>
              ))}
            </select>
          </>
        }
      />
      <div className="stack">
        <AgentCountsCard
          days={range.days}
          resolution={Math.max(resolution, range.agentResolution === 1440 ? 60 : 15)}
        />
        <TaskEventsCard
          days={range.days}
          resolution={resolution}
          noQueue={noQueue}
          queueIds={queueIds}
          onSelection={(ids, none) =>
            update({ queue: ids.map(String), no_queue: none ? '1' : null }, { replace: true })
          }
        />
      </div>
    </>
  );
}

/** The plotted span: the last `days` days up to now, in Unix seconds (re-computed when the data changes). */
function spanOf(days: number, updatedAt: number): [number, number] {
  const end = Math.round((updatedAt || Date.now()) / 1000);
  return [end - days * 86_400, end];
}

function AgentCountsCard({ days, resolution }: { days: number; resolution: number }) {
  const counts = useQuery(agentCountsQuery(days, resolution));
  const span = useMemo(() => spanOf(days, counts.dataUpdatedAt), [days, counts.dataUpdatedAt]);
  const plot = useMemo(() => {
    const samples = counts.data?.samples ?? [];
    const times = samples.map((s) => Date.parse(s.time) / 1000);
    const series: PlotSeries[] = [
      { label: 'Running', color: '--st-running', kind: 'area', values: samples.map((s) => s.running) },
      { label: 'Online (idle)', color: '--st-online', kind: 'area', values: samples.map((s) => s.online) },
      { label: 'Offline', color: '--st-offline', kind: 'line', values: samples.map((s) => s.offline) },
      { label: 'Disabled', color: '--st-disabled', kind: 'line', values: samples.map((s) => s.disabled) },
    ];
    return { times, series };
  }, [counts.data]);
  return (
    <section className="card" aria-labelledby="agent-counts-title">
      <div className="card-header">
        <h2 id="agent-counts-title">Agents by state</h2>
        <span className="muted">mean per {resolutionLabel(resolution)}</span>
      </div>
      <div className="card-body">
        {counts.isPending ? (
          <Loading />
        ) : counts.isError ? (
          <ErrorState error={counts.error} onRetry={() => void counts.refetch()} />
        ) : plot.times.length === 0 ? (
          <EmptyState title="No agent counts in this range">
            The master counts agents once an hour while statistics are enabled (enable_statistics).
          </EmptyState>
        ) : (
          <Plot
            label="Agents by state over time"
            times={plot.times}
            series={plot.series}
            yLabel="agents"
            xRange={span}
          />
        )}
      </div>
    </section>
  );
}

function TaskEventsCard({
  days,
  resolution,
  noQueue,
  queueIds,
  onSelection,
}: {
  days: number;
  resolution: number;
  noQueue: boolean;
  queueIds: readonly number[];
  onSelection(queueIds: number[], noQueue: boolean): void;
}) {
  const queues = useQuery(queuesQuery);
  const filtered = noQueue || queueIds.length > 0;
  const events = useQuery(
    taskEventsQuery({
      days_back: days,
      minutes_resolution: resolution,
      ...(queueIds.length ? { queue: [...queueIds] } : {}),
      ...(filtered ? { no_queue: noQueue } : {}),
    }),
  );
  const choice =
    noQueue && queueIds.length === 0
      ? 'none'
      : queueIds.length === 1
        ? String(queueIds[0])
        : queueIds.length
          ? 'several'
          : '';
  const plots = useMemo(() => {
    const buckets = events.data?.buckets ?? [];
    const times = buckets.map((b) => Date.parse(b.time_start) / 1000);
    const eventSeries: PlotSeries[] = [
      { label: 'New', color: '--accent', kind: 'bars', values: buckets.map((b) => b.new) },
      { label: 'Restarted', color: '--st-assigned', kind: 'bars', values: buckets.map((b) => b.restarted) },
      { label: 'Done', color: '--st-done', kind: 'bars', values: buckets.map((b) => -b.done) },
      { label: 'Failed', color: '--st-failed', kind: 'bars', values: buckets.map((b) => -b.failed) },
      { label: 'Deleted', color: '--st-queued', kind: 'bars', values: buckets.map((b) => -b.deleted) },
    ];
    const totals: PlotSeries[] = [
      { label: 'Queued', color: '--st-queued', kind: 'line', values: buckets.map((b) => b.avg_queued) },
      { label: 'Running', color: '--st-running', kind: 'line', values: buckets.map((b) => b.avg_running) },
      { label: 'Failed', color: '--st-failed', kind: 'line', values: buckets.map((b) => b.avg_failed) },
    ];
    const any = buckets.some(
      (b) => b.new || b.done || b.failed || b.deleted || b.restarted || b.avg_queued !== null,
    );
    return { times, eventSeries, totals, any };
  }, [events.data]);
  return (
    <section className="card" aria-labelledby="task-events-title">
      <div className="card-header">
        <h2 id="task-events-title">Task events</h2>
        <select
          className="select"
          aria-label="Queue"
          value={choice}
          onChange={(e) => {
            const v = e.target.value;
            if (v === '') onSelection([], false);
            else if (v === 'none') onSelection([], true);
            else if (v !== 'several') onSelection([Number(v)], false);
          }}
        >
          <option value="">All queues</option>
          <option value="none">Jobs without a queue</option>
          {choice === 'several' && <option value="several">Several queues</option>}
          {queues.data
            ?.slice()
            .sort((a, b) => a.fullpath.localeCompare(b.fullpath))
            .map((q) => (
              <option key={q.id} value={q.id}>
                {q.fullpath}
              </option>
            ))}
        </select>
      </div>
      <div className="card-body">
        {events.isPending ? (
          <Loading />
        ) : events.isError ? (
          <ErrorState error={events.error} onRetry={() => void events.refetch()} />
        ) : !plots.any ? (
          <EmptyState title="No task activity in this range">
            Submit a job and its tasks show up here.
          </EmptyState>
        ) : (
          <div className="stack">
            <Plot
              label="Task events per interval: new and restarted above zero, done, failed and deleted below"
              times={plots.times}
              series={plots.eventSeries}
              yLabel={`tasks per ${resolutionLabel(resolution)}`}
            />
            <h3>Mean tasks by state</h3>
            <Plot
              label="Mean queued, running and failed tasks"
              times={plots.times}
              series={plots.totals}
              height={220}
              yLabel="tasks"
            />
          </div>
        )}
      </div>
    </section>
  );
}
