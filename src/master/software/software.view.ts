/** Software on the wire. Discovery code itself is served only by the /code endpoints. */
import type { SoftwareVersionView, SoftwareView } from '../../api/schemas/software.js';
import type { SoftwareVersion, SoftwareWithVersions } from '../../db/software/software.repository.js';

export function softwareVersionView(v: SoftwareVersion): SoftwareVersionView {
  return {
    id: v.id,
    version: v.version,
    rank: v.rank,
    default: v.default,
    discovery_function_name: v.discoveryFunctionName,
  };
}

export function softwareView(s: SoftwareWithVersions): SoftwareView {
  return { id: s.id, software: s.software, versions: s.versions.map(softwareVersionView) };
}

/** GET /software/schema. */
export const SOFTWARE_COLUMNS: Readonly<Record<string, string>> = {
  id: 'INTEGER',
  software: 'VARCHAR(64)',
};
