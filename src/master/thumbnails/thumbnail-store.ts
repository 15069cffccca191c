/**
 * Thumbnails on disk: `<dir>/<job id>/<task id>.png|.jpg`, one per task (a new upload replaces the old
 * one, whatever its type). Writes go to a temporary file renamed into place, so a reader never sees half
 * an image.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../core/config/index.js';
import type { ThumbnailType } from '../../api/schemas/thumbnails.js';

const EXTENSIONS: Record<ThumbnailType, string> = { 'image/png': '.png', 'image/jpeg': '.jpg' };
const TYPES: Record<string, ThumbnailType> = { '.png': 'image/png', '.jpg': 'image/jpeg' };

export interface StoredThumbnail {
  taskId: number;
  path: string;
  contentType: ThumbnailType;
  size: number;
  modified: number;
}

export function thumbnailsDir(config: Pick<Config, 'thumbnails_dir' | 'tasklogs_dir'>): string {
  return config.thumbnails_dir ?? join(dirname(config.tasklogs_dir), 'thumbnails');
}

/** The type the bytes really are, by their signature; undefined for anything else. */
export function sniffImageType(bytes: Uint8Array): ThumbnailType | undefined {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return undefined;
}

export class ThumbnailStore {
  constructor(readonly root: string) {}

  save(jobId: number, taskId: number, type: ThumbnailType, bytes: Uint8Array): StoredThumbnail {
    const dir = join(this.root, String(jobId));
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${taskId}${EXTENSIONS[type]}`);
    const temp = join(dir, `.${taskId}.${randomBytes(6).toString('hex')}.tmp`);
    writeFileSync(temp, bytes);
    renameSync(temp, path);
    for (const [ext, other] of Object.entries(TYPES)) {
      if (other !== type) rmSync(join(dir, `${taskId}${ext}`), { force: true });
    }
    return this.find(jobId, taskId)!;
  }

  find(jobId: number, taskId: number): StoredThumbnail | undefined {
    for (const [ext, contentType] of Object.entries(TYPES)) {
      const path = join(this.root, String(jobId), `${taskId}${ext}`);
      const stat = statOrUndefined(path);
      if (stat) return { taskId, path, contentType, size: stat.size, modified: stat.mtimeMs };
    }
    return undefined;
  }

  list(jobId: number): StoredThumbnail[] {
    let names: string[];
    try {
      names = readdirSync(join(this.root, String(jobId)));
    } catch {
      return [];
    }
    const found: StoredThumbnail[] = [];
    for (const name of names) {
      const match = /^(\d+)(\.png|\.jpg)$/.exec(name);
      if (!match) continue;
      const path = join(this.root, String(jobId), name);
      const stat = statOrUndefined(path);
      if (stat) {
        found.push({
          taskId: Number(match[1]),
          path,
          contentType: TYPES[match[2]!]!,
          size: stat.size,
          modified: stat.mtimeMs,
        });
      }
    }
    return found;
  }

  deleteJob(jobId: number): void {
    rmSync(join(this.root, String(jobId)), { recursive: true, force: true });
  }
}

function statOrUndefined(path: string) {
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat : undefined;
  } catch {
    return undefined;
  }
}
