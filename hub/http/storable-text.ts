// PostgreSQL text cannot hold U+0000 (NUL), nor a lone UTF-16 surrogate (there is no UTF-8 for
// one): a handoff whose skills, a note or an id carried one would pass the schema and then fail
// in the store (a 500, or an `internal` ack). Request bodies and command payloads are refused at
// the door instead, naming every such field, the same way for every route and command.
import type { FieldIssue } from '../../shared/protocol/index.ts';

export const NUL = 'must not contain U+0000 (NUL)';
export const LONE_SURROGATE = 'must be well-formed Unicode (a lone UTF-16 surrogate, \\uD800-\\uDFFF, has no UTF-8 form)';

const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What is wrong with a string the store must keep, or undefined. */
function problem(text: string): string | undefined {
  if (text.includes('\u0000')) return NUL;
  if (LONE.test(text)) return LONE_SURROGATE;
  return undefined;
}

interface Node {
  value: unknown;
  key: string;
  parent: Node | undefined;
}

const pathOf = (node: Node): string => {
  const keys: string[] = [];
  for (let n: Node | undefined = node; n?.parent; n = n.parent) keys.push(n.key);
  return keys.reverse().join('.');
};

/**
 * The strings (values and object keys) of a JSON value the store could not keep, as the
 * protocol's issues; at most `limit`. Iterative, so any nesting JSON.parse accepts is fine.
 */
export function unstorableText(root: unknown, limit = 100): FieldIssue[] {
  const found: FieldIssue[] = [];
  const stack: Node[] = [{ value: root, key: '', parent: undefined }];
  while (stack.length > 0 && found.length < limit) {
    const node = stack.pop()!;
    if (typeof node.value === 'string') {
      const wrong = problem(node.value);
      if (wrong) found.push({ path: pathOf(node), message: wrong });
      continue;
    }
    if (node.value === null || typeof node.value !== 'object') continue;
    const entries = Object.entries(node.value);
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const [key, value] = entries[i]!;
      const child = { value, key, parent: node };
      const wrong = Array.isArray(node.value) ? undefined : problem(key);
      if (wrong) found.push({ path: pathOf(child), message: `its name ${wrong}` });
      stack.push(child);
    }
  }
  return found;
}

/** One line naming the fields, for an error's message. */
export function describeUnstorable(issues: FieldIssue[]): string {
  return `text the hub cannot store: ${issues.map((i) => `${i.path || '(body)'} ${i.message}`).join('; ')}`;
}
