/** Path maps on the wire. */
import type { PathMapView } from '../../api/schemas/pathmaps.js';
import type { PathMap } from '../../db/pathmaps/path-map.repository.js';

export function pathMapView(map: PathMap): PathMapView {
  return {
    id: map.id,
    path_linux: map.pathLinux,
    path_windows: map.pathWindows,
    path_osx: map.pathOsx,
    tag: map.tag,
  };
}

/** `GET /pathmaps/schema`. */
export function pathMapColumnTypes(maxTagLength: number): Record<string, string> {
  return {
    id: 'INTEGER',
    path_linux: 'VARCHAR(512)',
    path_windows: 'VARCHAR(512)',
    path_osx: 'VARCHAR(512)',
    tag: `VARCHAR(${maxTagLength})`,
  };
}
