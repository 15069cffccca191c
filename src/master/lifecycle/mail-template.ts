/**
 * The part of Jinja that PyFarm's mail templates (scheduler.yml and job type overrides) use:
 * `{{ a.b.c }}`, `{{ x.isoformat() }}`, `{% if a.b %}...{% else %}...{% endif %}` and
 * `{% for x in a.b %}...{% endfor %}`. Values are looked up in a plain context object; nothing is
 * evaluated as code, so a template written by a job type author cannot run anything. Unknown names
 * render empty, as Jinja's default undefined does. A malformed template is a TemplateError naming the
 * problem.
 *
 * The deletion mail of PyFarm used Python's `{name}` placeholders; `formatPlaceholders` fills those
 * (PyFarm left them literal, spec §11.17).
 */
import { DroverError } from '../../core/errors.js';

export class TemplateError extends DroverError {
  readonly code = 'template';
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'value'; expression: string }
  | { kind: 'if'; expression: string; then: Node[]; otherwise: Node[] }
  | { kind: 'for'; name: string; expression: string; body: Node[] };

const TAG = /\{\{([\s\S]*?)\}\}|\{%-?([\s\S]*?)-?%\}/g;

export function renderTemplate(template: string, context: Readonly<Record<string, unknown>>): string {
  return renderNodes(parse(template), context);
}

/** Python `str.format`-style `{name}` placeholders (unknown names are left as they are). */
export function formatPlaceholders(
  template: string,
  values: Readonly<Record<string, string | number>>,
): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

function parse(template: string): Node[] {
  const root: Node[] = [];
  // Each open block: where its nodes go, and the block itself.
  const stack: { nodes: Node[]; block?: Extract<Node, { kind: 'if' | 'for' }>; inElse?: boolean }[] = [
    { nodes: root },
  ];
  let last = 0;
  for (const match of template.matchAll(TAG)) {
    const top = stack[stack.length - 1]!;
    if (match.index > last) top.nodes.push({ kind: 'text', text: template.slice(last, match.index) });
    last = match.index + match[0].length;
    if (match[1] !== undefined) {
      top.nodes.push({ kind: 'value', expression: match[1].trim() });
      continue;
    }
    const statement = match[2]!.trim();
    const [keyword] = statement.split(/\s+/, 1);
    if (keyword === 'if') {
      const node: Extract<Node, { kind: 'if' }> = {
        kind: 'if',
        expression: statement.slice(2).trim(),
        then: [],
        otherwise: [],
      };
      top.nodes.push(node);
      stack.push({ nodes: node.then, block: node });
    } else if (keyword === 'else') {
      if (top.block?.kind !== 'if' || top.inElse) throw new TemplateError('{% else %} outside an {% if %}');
      stack.pop();
      stack.push({ nodes: top.block.otherwise, block: top.block, inElse: true });
    } else if (keyword === 'endif' || keyword === 'endfor') {
      if (top.block?.kind !== keyword.slice(3))
        throw new TemplateError(`{% ${keyword} %} without its opening tag`);
      stack.pop();
    } else if (keyword === 'for') {
      const loop = /^for\s+(\w+)\s+in\s+(.+)$/.exec(statement);
      if (!loop) throw new TemplateError(`cannot read {% ${statement} %}: expected "for <name> in <value>"`);
      const node: Extract<Node, { kind: 'for' }> = {
        kind: 'for',
        name: loop[1]!,
        expression: loop[2]!.trim(),
        body: [],
      };
      top.nodes.push(node);
      stack.push({ nodes: node.body, block: node });
    } else {
      throw new TemplateError(`unsupported template tag {% ${statement} %}`);
    }
  }
  if (stack.length > 1)
    throw new TemplateError(`{% ${stack[stack.length - 1]!.block!.kind} %} is not closed`);
  if (last < template.length) root.push({ kind: 'text', text: template.slice(last) });
  return root;
}

function renderNodes(nodes: readonly Node[], context: Readonly<Record<string, unknown>>): string {
  let out = '';
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out += node.text;
        break;
      case 'value': {
        const value = evaluate(node.expression, context);
        out += value === undefined || value === null ? '' : String(value);
        break;
      }
      case 'if':
        out += renderNodes(truthy(evaluate(node.expression, context)) ? node.then : node.otherwise, context);
        break;
      case 'for': {
        const items = evaluate(node.expression, context);
        if (Array.isArray(items))
          for (const item of items) out += renderNodes(node.body, { ...context, [node.name]: item });
        break;
      }
    }
  }
  return out;
}

/** `a.b.c`, optionally ending in a call of a known method (`isoformat()`). */
function evaluate(expression: string, context: Readonly<Record<string, unknown>>): unknown {
  const call = /^(.*)\.(\w+)\(\)$/.exec(expression);
  const path = (call ? call[1]! : expression).split('.').map((p) => p.trim());
  if (path.some((part) => !/^\w+$/.test(part)))
    throw new TemplateError(`cannot read the expression ${JSON.stringify(expression)}`);
  let value: unknown = context;
  for (const part of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  if (!call) return value;
  if (call[2] === 'isoformat' && value instanceof Date) return value.toISOString();
  if (call[2] === 'isoformat' && typeof value === 'number') return new Date(value).toISOString();
  return undefined;
}

function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}
