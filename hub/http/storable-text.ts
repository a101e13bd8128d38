// PostgreSQL text cannot hold U+0000 (NUL), nor a lone UTF-16 surrogate (there is no UTF-8 for
// one): a handoff whose skills, a note or an id carried one would pass the schema and then fail
// in the store (a 500, or an `internal` ack). Request bodies and command payloads are refused at
// the door instead, naming every such field, the same way for every route and command.
import { MAX_ISSUES, boundedIssue, type FieldIssue, type IssueList } from '../../shared/protocol/index.ts';

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
 * protocol's issues: at most `limit` of them, with paths cut to the protocol's bounds, and the
 * number of the others. Iterative, so any nesting JSON.parse accepts is fine.
 */
export function findUnstorable(root: unknown, limit = MAX_ISSUES): IssueList {
  const issues: FieldIssue[] = [];
  let more = 0;
  const found = (node: Node, message: string) => {
    if (issues.length < limit) issues.push(boundedIssue(pathOf(node), message));
    else more += 1;
  };
  const stack: Node[] = [{ value: root, key: '', parent: undefined }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (typeof node.value === 'string') {
      const wrong = problem(node.value);
      if (wrong) found(node, wrong);
      continue;
    }
    if (node.value === null || typeof node.value !== 'object' || ArrayBuffer.isView(node.value)) continue;
    const entries = Object.entries(node.value as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const [key, value] = entries[i]!;
      const child = { value, key, parent: node };
      const wrong = Array.isArray(node.value) ? undefined : problem(key);
      if (wrong) found(child, `its name ${wrong}`);
      stack.push(child);
    }
  }
  return { issues, more };
}

/** findUnstorable's issues alone. */
export function unstorableText(root: unknown, limit = MAX_ISSUES): FieldIssue[] {
  return findUnstorable(root, limit).issues;
}

/** One line naming the fields, for an error's message. */
export function describeUnstorable(list: FieldIssue[] | IssueList): string {
  const { issues, more } = Array.isArray(list) ? { issues: list, more: 0 } : list;
  const named = issues.map((i) => `${i.path || '(body)'} ${i.message}`).join('; ');
  return `text the hub cannot store: ${named}${more > 0 ? ` and ${more} more` : ''}`;
}

/** Whether a string the store must keep (a path parameter, say) holds U+0000 or a lone surrogate. */
export function isStorable(text: string): boolean {
  return problem(text) === undefined;
}
