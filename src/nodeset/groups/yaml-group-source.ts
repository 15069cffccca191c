/**
 * Group sources from a groups.d/*.yaml file (ClusterShell's YAMLGroupLoader): a mapping of source name
 * to a mapping of group name to nodes (a string or a list of strings). The group `all`, when present,
 * answers "all nodes"; otherwise all nodes are the union of the groups. YAML 1.1 is used, as PyYAML
 * does, so `yes:` is a boolean key and refused like ClusterShell refuses it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { GroupResolverConfigError, GroupSourceNoUpcallError } from '../errors.js';
import type { GroupAnswer, GroupSource } from './group-source.js';

// The YAML parser is loaded only when a groups.d file exists: it costs ~25 ms of start-up otherwise.
const requireModule = createRequire(import.meta.url);
let yamlModule: typeof Yaml | undefined;
function yaml(): typeof Yaml {
  yamlModule ??= requireModule('yaml') as typeof Yaml;
  return yamlModule;
}

class YamlGroupSource implements GroupSource {
  constructor(
    readonly name: string,
    private readonly groups: ReadonlyMap<string, GroupAnswer>,
  ) {}

  map(group: string): GroupAnswer {
    return this.groups.get(group) ?? '';
  }

  list(): GroupAnswer {
    return [...this.groups.keys()];
  }

  all(): GroupAnswer {
    const all = this.groups.get('all');
    if (all === undefined) throw new GroupSourceNoUpcallError('all', this.name);
    return all;
  }
}

function keyName(key: unknown): string | undefined {
  return yaml().isScalar(key) && typeof key.value === 'string' ? key.value : undefined;
}

function describe(key: unknown): string {
  return yaml().isScalar(key) ? String(key.value) : String(key);
}

function groupValue(value: unknown): GroupAnswer {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => (v === null || v === undefined ? '' : String(v)));
  return String(value);
}

/** The sources of one YAML file; throws GroupResolverConfigError naming the file on invalid content. */
export function loadYamlGroupSources(filename: string): GroupSource[] {
  const text = readFileSync(filename, 'utf8');
  const { isMap, isNode, parseDocument } = yaml();
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: false });
  if (doc.errors.length) throw new GroupResolverConfigError(`${filename}: ${doc.errors[0]!.message}`);
  const root = doc.contents as Yaml.Node | null;
  if (!isMap(root)) throw new GroupResolverConfigError(`${filename}: invalid content (base is not a dict)`);
  const sources: GroupSource[] = [];
  const seen = new Map<string, number>();
  for (const pair of root.items) {
    const name = keyName(pair.key);
    if (name === undefined) {
      throw new GroupResolverConfigError(
        `${filename}: group source ${describe(pair.key)} not a string (add quotes?)`,
      );
    }
    if (!isMap(pair.value)) {
      throw new GroupResolverConfigError(
        `${filename}: invalid content (group source '${name}' is not a dict)`,
      );
    }
    const groups = new Map<string, GroupAnswer>();
    for (const item of pair.value.items) {
      const group = keyName(item.key);
      if (group === undefined) {
        throw new GroupResolverConfigError(
          `${filename}: ${name}: group name ${describe(item.key)} not a string (add quotes?)`,
        );
      }
      groups.set(group, groupValue(isNode(item.value) ? item.value.toJS(doc) : item.value));
    }
    // A source repeated in one file keeps its last definition, like a Python dict built from YAML.
    const at = seen.get(name);
    if (at === undefined) {
      seen.set(name, sources.length);
      sources.push(new YamlGroupSource(name, groups));
    } else sources[at] = new YamlGroupSource(name, groups);
  }
  return sources;
}
