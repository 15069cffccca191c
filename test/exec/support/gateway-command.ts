/**
 * The command line that starts `drover exec --gateway` from the sources (see test/helpers/drover-main.ts).
 * Paths are absolute: over ssh the gateway starts in the login directory.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const DROVER_MAIN = resolve(import.meta.dirname, '../../helpers/drover-main.ts');

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export const GATEWAY_COMMAND = `${process.execPath} --import ${TSX_LOADER} ${DROVER_MAIN} exec --gateway`;
