// The bounds every error answer and every body keeps: how deep JSON nests (counted without parsing
// or recursing), and how many issues, and how long a path and a message, an answer names.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { textNestsDeeperThan, valueNestsDeeperThan } from '../../hub/http/nesting.ts';
import { MAX_ISSUES, MAX_ISSUE_MESSAGE, MAX_ISSUE_PATH, boundedIssue, issueList, listFields } from '../../shared/protocol/index.ts';

describe('nesting', () => {
  it('counts objects and arrays in JSON text, not brackets inside strings', () => {
    expect(textNestsDeeperThan('{"a":[1,{"b":[]}]}', 3)).toBe(true);
    expect(textNestsDeeperThan('{"a":[1,{"b":[]}]}', 4)).toBe(false);
    expect(textNestsDeeperThan(`{"a":"${'['.repeat(100)}"}`, 2)).toBe(false);
    // An escaped quote does not end the string; an escaped backslash before a quote does.
    expect(textNestsDeeperThan(`{"a":"\\"[[[[[["}`, 2)).toBe(false);
    expect(textNestsDeeperThan(`{"a":"\\\\",[[[["x"]]]]}`, 3)).toBe(true);
    expect(textNestsDeeperThan('[]'.repeat(10_000), 1)).toBe(false);
    expect(textNestsDeeperThan('['.repeat(1_000_000), 64)).toBe(true);
  });

  it('counts a parsed value the same way, without recursion', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 200_000; i += 1) deep = i % 2 ? [deep] : { k: deep };
    expect(valueNestsDeeperThan(deep, 64)).toBe(true);
    expect(valueNestsDeeperThan({ a: [1, { b: [] }] }, 3)).toBe(true);
    expect(valueNestsDeeperThan({ a: [1, { b: [] }] }, 4)).toBe(false);
    expect(valueNestsDeeperThan('text', 0)).toBe(false);
    expect(valueNestsDeeperThan(new Uint8Array(10), 1)).toBe(false);
  });
});

describe('issues', () => {
  it(`lists at most ${MAX_ISSUES} and counts the rest`, () => {
    const schema = z.strictObject({});
    const result = schema.safeParse(Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`k${i}`, i])));
    const list = issueList(result.error!);
    expect(list.issues).toHaveLength(MAX_ISSUES);
    expect(list.more).toBe(120 - MAX_ISSUES);
    expect(listFields(list)).toMatch(/^k0, k1, .*, k49 and 70 more$/);
  });

  it('keeps the start and end of a long path, and cuts a long message', () => {
    const issue = boundedIssue(`x.${'0.'.repeat(100_000)}field`, 'm'.repeat(10_000));
    expect(issue.path).toHaveLength(MAX_ISSUE_PATH);
    expect(issue.path.startsWith('x.0.0.')).toBe(true);
    expect(issue.path.endsWith('0.field')).toBe(true);
    expect(issue.path).toContain('…');
    expect(issue.message).toHaveLength(MAX_ISSUE_MESSAGE);
    expect(boundedIssue('short.path', 'short')).toEqual({ path: 'short.path', message: 'short' });
  });
});
