/**
 * Thumbnails of rendered frames: agents upload one image per task (PNG or JPEG), the web UI shows them on
 * the job page.
 */
import Type, { type Static } from 'typebox';
import { IdOrName, Nullable, Timestamp } from './common.js';

export const THUMBNAIL_TYPES = ['image/png', 'image/jpeg'] as const;
export type ThumbnailType = (typeof THUMBNAIL_TYPES)[number];
/** Bytes; a thumbnail is a preview, not the frame. */
export const THUMBNAIL_MAX_BYTES = 16 * 1024 * 1024;

export const ThumbnailParams = Type.Object({
  job: IdOrName,
  task: Type.Integer({ minimum: 1 }),
});

export const JobThumbnailsParams = Type.Object({ job: IdOrName });

export const ThumbnailView = Type.Object({
  job_id: Type.Integer(),
  task_id: Type.Integer(),
  frame: Type.Number(),
  tile: Nullable(Type.Integer()),
  content_type: Type.String(),
  size: Type.Integer({ description: 'bytes' }),
  updated: Timestamp,
  href: Type.String({ description: 'where to GET the image' }),
});
export type ThumbnailView = Static<typeof ThumbnailView>;

const binary = { schema: { type: 'string', format: 'binary' } };
export const ThumbnailImage = {
  description: 'the image',
  content: { 'image/png': binary, 'image/jpeg': binary },
};
