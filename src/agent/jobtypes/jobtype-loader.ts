/**
 * Loads job type classes from the master without restarting the agent. Code of a job type version is
 * fetched once (`GET /jobtypes/<name>/versions/<n>`), kept on disk by name, version and content hash
 * (`<name>_v<version>_<sha256/16>.js` plus the loadable `.mjs` and a `.json` with the class name), and
 * kept in memory as a class. `jobtype_enable_cache: false` (`--jobtype-no-cache`) fetches every time; the
 * module is still imported only once per distinct content.
 *
 * Before a module is imported the seed's two switches apply: the module-root check (no work at import
 * time, see module-safety/module-root-check.ts) and, after import, that the class extends JobType. Every
 * failure is a JobTypeLoadError whose message becomes the tasks' last_error.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { JobTypeCode } from '../../api/agent-protocol/index.js';
import { DroverError } from '../../core/errors.js';
import type { Logger } from '../../core/logging.js';
import {
  installJobTypeApi,
  JOBTYPE_SPECIFIER,
  SHIM_FILENAME,
  SHIM_SOURCE,
  type JobTypeApi,
} from './jobtype-api.js';
import type { JobType } from './jobtype.js';
import { checkModuleRoot } from './module-safety/module-root-check.js';
import { rewriteSpecifier } from './module-safety/import-specifiers.js';

export class JobTypeLoadError extends DroverError {
  readonly code = 'jobtype_load';

  constructor(
    readonly jobtype: string,
    readonly version: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot load job type ${jobtype} v${version}: ${message}`, options);
  }
}

export type JobTypeClass = new (...args: ConstructorParameters<typeof JobType>) => JobType;

/** Where code comes from (the master client). */
export interface JobTypeCodeSource {
  fetchJobTypeCode(name: string, version: number): Promise<JobTypeCode>;
}

export interface JobTypeLoaderOptions {
  cacheDirectory: string;
  enableCache: boolean;
  requireBaseClass: boolean;
  refuseModuleRootCode: boolean;
  source: JobTypeCodeSource;
  logger: Logger;
}

interface CacheMeta {
  name: string;
  version: number;
  classname: string | null;
  sha256: string;
}

export class JobTypeLoader {
  private readonly memory = new Map<string, { sha256: string; cls: JobTypeClass }>();
  private readonly inFlight = new Map<string, Promise<JobTypeClass>>();
  private readonly api: JobTypeApi;
  private directory: string;

  constructor(private readonly options: JobTypeLoaderOptions) {
    this.api = installJobTypeApi();
    this.directory = options.cacheDirectory;
  }

  load(name: string, version: number): Promise<JobTypeClass> {
    const key = `${name}@${version}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const promise = this.loadOnce(name, version).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  private async loadOnce(name: string, version: number): Promise<JobTypeClass> {
    const key = `${name}@${version}`;
    if (this.options.enableCache) {
      const known = this.memory.get(key);
      if (known) return known.cls;
      const cached = this.readCache(name, version);
      if (cached) return this.instantiate(name, version, cached.meta, cached.code);
    }
    let code: JobTypeCode;
    try {
      code = await this.options.source.fetchJobTypeCode(name, version);
    } catch (err) {
      throw new JobTypeLoadError(
        name,
        version,
        `the master did not provide its code: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const meta: CacheMeta = { name, version, classname: code.classname ?? null, sha256: sha256(code.code) };
    const known = this.memory.get(key);
    if (known && known.sha256 === meta.sha256) return known.cls;
    return this.instantiate(name, version, meta, code.code);
  }

  private async instantiate(
    name: string,
    version: number,
    meta: CacheMeta,
    code: string,
  ): Promise<JobTypeClass> {
    if (this.options.refuseModuleRootCode) {
      try {
        checkModuleRoot(code);
      } catch (err) {
        throw new JobTypeLoadError(name, version, (err as Error).message, { cause: err });
      }
    }
    const file = this.writeModule(meta, code);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (err) {
      throw new JobTypeLoadError(
        name,
        version,
        `importing the module failed: ${(err as Error).stack ?? String(err)}`,
        { cause: err },
      );
    }
    const exportName = meta.classname ?? 'default';
    const cls = mod[exportName];
    if (typeof cls !== 'function') {
      throw new JobTypeLoadError(
        name,
        version,
        meta.classname
          ? `the module exports no class named ${meta.classname}`
          : 'the module has no default export and no classname is set',
      );
    }
    if (this.options.requireBaseClass && !(cls.prototype instanceof this.api.JobType)) {
      throw new JobTypeLoadError(
        name,
        version,
        `${cls.name || exportName} does not extend JobType (import it from 'drover/jobtype')`,
      );
    }
    this.memory.set(`${name}@${version}`, { sha256: meta.sha256, cls: cls as JobTypeClass });
    return cls as JobTypeClass;
  }

  private baseName(meta: Pick<CacheMeta, 'name' | 'version'>): string {
    return `${meta.name.replace(/[^\w.-]/g, '_')}_v${meta.version}`;
  }

  private readCache(name: string, version: number): { meta: CacheMeta; code: string } | undefined {
    try {
      const meta = JSON.parse(
        readFileSync(join(this.directory, `${this.baseName({ name, version })}.json`), 'utf8'),
      ) as CacheMeta;
      const code = readFileSync(
        join(this.directory, `${this.baseName(meta)}_${meta.sha256.slice(0, 16)}.js`),
        'utf8',
      );
      if (meta.name !== name || meta.version !== version || sha256(code) !== meta.sha256) return undefined;
      return { meta, code };
    } catch {
      return undefined;
    }
  }

  /** Writes source, metadata, the shim and the loadable module; falls back to a private temp dir. */
  private writeModule(meta: CacheMeta, code: string): string {
    const write = (dir: string) => {
      mkdirSync(dir, { recursive: true });
      const base = `${this.baseName(meta)}_${meta.sha256.slice(0, 16)}`;
      const shim = join(dir, SHIM_FILENAME);
      if (!existsSync(shim) || readFileSync(shim, 'utf8') !== SHIM_SOURCE) writeAtomic(shim, SHIM_SOURCE);
      writeAtomic(join(dir, `${base}.js`), code);
      const loadable = join(dir, `${base}.mjs`);
      writeAtomic(loadable, rewriteSpecifier(code, JOBTYPE_SPECIFIER, `./${SHIM_FILENAME}`));
      writeAtomic(join(dir, `${this.baseName(meta)}.json`), JSON.stringify(meta));
      return loadable;
    };
    try {
      return write(this.directory);
    } catch (err) {
      this.options.logger.warn(
        { err, dir: this.directory },
        'job type cache not writable; using a private directory',
      );
      this.directory = mkdtempSync(join(tmpdir(), 'drover-jobtype-cache-'));
      return write(this.directory);
    }
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function writeAtomic(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}
