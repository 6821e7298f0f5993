/**
 * Readable validation errors: ajv's raw errors turned into `{ path, message }` pairs a producer can act on.
 *
 * Paths are JSON Pointers into the input ("" is the whole input, "/device/type" a nested field). Where ajv reports
 * on a parent object (a missing or unknown property) the path names the property itself, so one path always
 * points at one field.
 */
import type { ErrorObject } from 'ajv';
import { patternMeaning } from './patterns';

export interface ValidationIssue {
  /** JSON Pointer (RFC 6901) of the offending value; "" for the input itself. */
  path: string;
  message: string;
}

/** Enough to fix a message; a payload with thousands of unknown fields does not get thousands of issues. */
export const MAX_ISSUES = 20;
const MAX_LISTED_VALUES = 12;

/** "path: message; path: message" — for logs and `dead_letter.reason`. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${i.path === '' ? '(root)' : i.path}: ${i.message}`).join('; ');
}

const escapeToken = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapeToken = (token: string) => token.replace(/~1/g, '/').replace(/~0/g, '~');
const child = (pointer: string, key: string) => `${pointer}/${escapeToken(key)}`;

function at(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let node: unknown = root;
  for (const token of pointer.slice(1).split('/').map(unescapeToken)) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, token)) {
      return undefined;
    }
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isInteger(value)) return 'a non-integer number';
  return typeof value;
}

/** The `description` of the schema node holding the failing keyword (a `then` states its rule there). */
function hintFor(schema: unknown, error: ErrorObject): string | undefined {
  const tokens = error.schemaPath.replace(/^#/, '').split('/').slice(1, -1);
  const node = at(schema, tokens.length === 0 ? '' : `/${tokens.join('/')}`);
  if (node === null || typeof node !== 'object') return undefined;
  const description = (node as { description?: unknown }).description;
  return typeof description === 'string' ? description : undefined;
}

const withHint = (message: string, hint: string | undefined) => (hint === undefined ? message : `${message} (${hint})`);

function listValues(values: readonly unknown[]): string {
  const shown = values.slice(0, MAX_LISTED_VALUES).map((v) => String(v));
  return values.length > MAX_LISTED_VALUES ? `${shown.join(', ')}, …` : shown.join(', ');
}

function describeOne(error: ErrorObject, data: unknown, schema: unknown): ValidationIssue {
  const path = error.instancePath;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const inConditional = error.schemaPath.includes('/then/');
      return {
        path: child(path, String(p.missingProperty)),
        message: withHint('is required', inConditional ? hintFor(schema, error) : undefined),
      };
    }
    case 'dependentRequired':
      return { path: child(path, String(p.missingProperty)), message: `is required when ${String(p.property)} is present` };
    case 'additionalProperties':
      return {
        path: child(path, String(p.additionalProperty)),
        message: 'is not an allowed field (unknown fields are rejected)',
      };
    case 'type':
      return { path, message: `must be ${String(p.type)}, got ${kindOf(at(data, path))}` };
    case 'enum':
      return { path, message: `must be one of: ${listValues(p.allowedValues as unknown[])}` };
    case 'pattern': {
      const meaning = patternMeaning(String(p.pattern));
      return { path, message: meaning === undefined ? `must match ${String(p.pattern)}` : `must be ${meaning}` };
    }
    case 'format':
      return { path, message: `must be a valid ${String(p.format)}` };
    default:
      return { path, message: error.message ?? `fails ${error.keyword}` };
  }
}

/** One issue for an anyOf: "at least one of" for required alternatives, "A or B" for type alternatives. */
function describeAnyOf(error: ErrorObject, branches: ErrorObject[], data: unknown, schema: unknown): ValidationIssue {
  const path = error.instancePath;
  if (branches.length > 0 && branches.every((b) => b.keyword === 'required' && b.instancePath === path)) {
    const names = branches.map((b) => String((b.params as Record<string, unknown>).missingProperty));
    return { path, message: `must have at least one of: ${names.join(', ')}` };
  }
  if (branches.length > 0 && branches.every((b) => b.keyword === 'type' && b.instancePath === path)) {
    const types = branches.map((b) => String((b.params as Record<string, unknown>).type));
    return { path, message: `must be ${types.join(' or ')}, got ${kindOf(at(data, path))}` };
  }
  const alternatives = branches.map((b) => describeOne(b, data, schema).message);
  return { path, message: `must match one of: ${alternatives.join(' | ') || 'the alternatives'}` };
}

/**
 * Translates ajv errors (from a validator compiled with `allErrors`) for `data` validated against `schema`.
 * Errors inside an anyOf collapse into one issue; `if` errors are dropped (their `then` errors say what is wrong);
 * a format error next to a pattern error on the same value adds nothing and is dropped.
 */
export function toIssues(errors: readonly ErrorObject[], data: unknown, schema: unknown): ValidationIssue[] {
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf');
  const inBranch = (e: ErrorObject) => anyOfs.some((a) => e !== a && e.schemaPath.startsWith(`${a.schemaPath}/`));
  const patternPaths = new Set(errors.filter((e) => e.keyword === 'pattern').map((e) => e.instancePath));

  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  const add = (issue: ValidationIssue) => {
    const id = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      issues.push(issue);
    }
  };
  for (const error of errors) {
    if (error.keyword === 'if' || inBranch(error)) continue;
    if (error.keyword === 'format' && patternPaths.has(error.instancePath)) continue;
    if (error.keyword === 'anyOf') {
      const branches = errors.filter((e) => e.schemaPath.startsWith(`${error.schemaPath}/`) && e.keyword !== 'if');
      add(describeAnyOf(error, branches, data, schema));
    } else {
      add(describeOne(error, data, schema));
    }
  }
  if (issues.length <= MAX_ISSUES) return issues;
  const kept = issues.slice(0, MAX_ISSUES - 1);
  kept.push({ path: '', message: `and ${issues.length - kept.length} more errors` });
  return kept;
}
