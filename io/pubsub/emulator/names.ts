/**
 * Resource names as the Pub/Sub API spells them, checked the way the service checks them: a bad name is an
 * INVALID_ARGUMENT with a message naming it, never a silently created oddity.
 */
import { ApiError } from './api_error';

/** Topic and subscription ids: 3–255 characters, a letter first, then letters, digits and - _ . ~ + %. */
const RESOURCE_ID = /^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;
const PROJECT_ID = /^[^/\s]+$/;

export type ResourceKind = 'topics' | 'subscriptions' | 'snapshots';

export interface ResourceName {
  readonly project: string;
  readonly id: string;
  readonly full: string;
}

/** Parses `projects/{project}/{kind}/{id}`, or throws INVALID_ARGUMENT. */
export function parseResourceName(name: unknown, kind: ResourceKind): ResourceName {
  const what = kind.slice(0, -1);
  if (typeof name !== 'string' || name === '') throw ApiError.invalidArgument(`missing ${what} name`);
  const parts = name.split('/');
  if (parts.length !== 4 || parts[0] !== 'projects' || parts[2] !== kind || !PROJECT_ID.test(parts[1])) {
    throw ApiError.invalidArgument(`Invalid resource name given (name=${name}); expected projects/{project}/${kind}/{id}`);
  }
  const id = parts[3];
  if (!RESOURCE_ID.test(id) || id.toLowerCase().startsWith('goog')) {
    throw ApiError.invalidArgument(`Invalid ${what} id '${id}' (name=${name})`);
  }
  return { project: parts[1], id, full: name };
}

/** `projects/{project}`, as list calls take it. */
export function parseProject(name: unknown): string {
  if (typeof name !== 'string' || !/^projects\/[^/\s]+$/.test(name)) {
    throw ApiError.invalidArgument(`Invalid project name given (project=${String(name)})`);
  }
  return name.slice('projects/'.length);
}
