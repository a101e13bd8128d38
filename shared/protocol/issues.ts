import type { z } from 'zod';

/** One offending field: `path` is dotted (`transcript.0.at`), empty for the body itself. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Turns zod's issues into the protocol's `issues` list, one entry per offending field. */
export function describeIssues(error: z.ZodError): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ path: [...base, key].join('.'), message: 'unknown field' });
    } else if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
      issues.push({ path: base.join('.'), message: 'is required' });
    } else {
      issues.push({ path: base.join('.'), message: issue.message });
    }
  }
  return issues;
}
