/** Thumbnails of rendered frames that the agents uploaded, by frame; nothing when there are none. */
import { useQuery } from '@tanstack/react-query';
import { formatFrame } from '../../../lib/format';
import { thumbnailsQuery } from '../api/jobs';

export function JobThumbnails({ jobId }: { jobId: number }) {
  const thumbs = useQuery(thumbnailsQuery(String(jobId)));
  if (!thumbs.data || thumbs.data.length === 0) return null;
  return (
    <section className="card" aria-labelledby="thumbs-title">
      <div className="card-header">
        <h2 id="thumbs-title">Rendered frames</h2>
        <span className="muted">{thumbs.data.length} thumbnails</span>
      </div>
      <div className="card-body thumbs">
        {thumbs.data.map((t) => (
          <figure key={t.task_id} className="thumb">
            <a href={t.href} target="_blank" rel="noreferrer">
              <img
                src={`${t.href}?v=${encodeURIComponent(t.updated)}`}
                alt={`Frame ${formatFrame(t.frame)}`}
                loading="lazy"
              />
            </a>
            <figcaption>
              Frame {formatFrame(t.frame)}
              {t.tile !== null && ` · tile ${t.tile}`}
            </figcaption>
          </figure>
        ))}
      </div>
    </section>
  );
}
