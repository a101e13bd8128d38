import type { z } from 'zod';

/** One offending field: `path` is dotted (`transcript.0.at`), empty for the body itself. */
export interface FieldIssue {
  path: string;
  message: string;
}

// An error answer stays small whatever was sent: a body of thousands of bad fields, or of fields
// nested thousands deep, would otherwise get an answer many times its own size.
/** At most this many issues in one error; `moreIssues` says how many were left out. */
export const MAX_ISSUES = 50;
/** A longer path keeps its start and its end, with `…` between them. */
export const MAX_ISSUE_PATH = 500;
/** A longer message is cut, ending with `…`. */
export const MAX_ISSUE_MESSAGE = 300;

/** The issues an error names, and how many more there were. */
export interface IssueList {
  issues: FieldIssue[];
  /** Issues left out past MAX_ISSUES (0 when all are listed). */
  more: number;
}

function cutMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

/** A path or message cut to the bounds above. */
export function boundedIssue(path: string, message: string): FieldIssue {
  return { path: cutMiddle(path, MAX_ISSUE_PATH), message: message.length <= MAX_ISSUE_MESSAGE ? message : `${message.slice(0, MAX_ISSUE_MESSAGE - 1)}…` };
}

/** Turns zod's issues into the protocol's `issues` list (one entry per offending field), bounded, with the count of those left out. */
export function issueList(error: z.ZodError): IssueList {
  const issues: FieldIssue[] = [];
  let more = 0;
  const add = (path: () => string, message: string) => {
    if (issues.length < MAX_ISSUES) issues.push(boundedIssue(path(), message));
    else more += 1;
  };
  for (const issue of error.issues) {
    const base = () => issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add(() => [...base(), key].join('.'), 'unknown field');
    } else if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
      add(() => base().join('.'), 'is required');
    } else {
      add(() => base().join('.'), issue.message);
    }
  }
  return { issues, more };
}

/** The protocol's `issues` list for zod's issues: at most MAX_ISSUES of them (issueList also counts the rest). */
export function describeIssues(error: z.ZodError): FieldIssue[] {
  return issueList(error).issues;
}

/** "a, b, c" naming the fields of an issue list once each, "and N more" when some were left out. */
export function listFields({ issues, more }: IssueList): string {
  const fields = [...new Set(issues.map((i) => i.path || '(body)'))].join(', ');
  return more > 0 ? `${fields} and ${more} more` : fields;
}
