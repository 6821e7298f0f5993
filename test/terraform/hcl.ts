// Reads every .tf file under terraform/ with @cdktf/hcl2json (HashiCorp's HCL parser compiled to WASM, shipped
// inside the npm package, so no terraform binary or provider is needed) and offers typed accessors over its JSON.
//
// hcl2json's shape: every block is a list of bodies (`variable.name[0].type`), nested blocks too
// (`resource.type.name[0].lifecycle[0]`), and expressions are strings wrapped in "${...}".
import { parse } from '@cdktf/hcl2json';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const TERRAFORM_DIR = path.join(REPO_ROOT, 'terraform');

/** One HCL body as hcl2json gives it. */
export type Body = { [key: string]: Value };
export type Value = string | number | boolean | null | Value[] | Body;

export interface TfFile {
  /** Path relative to terraform/, e.g. "modules/dlp/main.tf". */
  readonly path: string;
  readonly body: Body;
}

/** A Terraform module: all .tf files of one directory. */
export interface TfModule {
  /** Directory relative to terraform/: "." for the root, "modules/kms", "examples/dev". */
  readonly dir: string;
  readonly files: readonly TfFile[];
}

export interface Block {
  readonly file: string;
  readonly name: string;
  readonly body: Body;
}

export interface ResourceBlock extends Block {
  readonly type: string;
}

export function isBody(value: Value | undefined): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The bodies of a nested block (`dynamic` blocks excluded), or [] when absent. */
export function blocks(body: Body, name: string): Body[] {
  const value = body[name];
  return Array.isArray(value) ? value.filter(isBody) : [];
}

/** The single body of a nested block, or undefined. */
export function block(body: Body, name: string): Body | undefined {
  return blocks(body, name)[0];
}

/** Named blocks of one kind across a module: variable, output, module, data sources by type. */
function namedBlocks(module: TfModule, kind: string): Block[] {
  const out: Block[] = [];
  for (const file of module.files) {
    const group = file.body[kind];
    if (!isBody(group)) continue;
    for (const [name, bodies] of Object.entries(group)) {
      for (const body of Array.isArray(bodies) ? bodies.filter(isBody) : []) out.push({ file: file.path, name, body });
    }
  }
  return out;
}

export const variables = (module: TfModule): Block[] => namedBlocks(module, 'variable');
export const outputs = (module: TfModule): Block[] => namedBlocks(module, 'output');
export const moduleCalls = (module: TfModule): Block[] => namedBlocks(module, 'module');

export function resources(module: TfModule, kind: 'resource' | 'data' = 'resource'): ResourceBlock[] {
  const out: ResourceBlock[] = [];
  for (const file of module.files) {
    const group = file.body[kind];
    if (!isBody(group)) continue;
    for (const [type, byName] of Object.entries(group)) {
      if (!isBody(byName)) continue;
      for (const [name, bodies] of Object.entries(byName)) {
        for (const body of Array.isArray(bodies) ? bodies.filter(isBody) : []) out.push({ file: file.path, type, name, body });
      }
    }
  }
  return out;
}

/** Merged `locals` of a module. */
export function locals(module: TfModule): Body {
  const merged: Body = {};
  for (const file of module.files) for (const body of blocks(file.body, 'locals')) Object.assign(merged, body);
  return merged;
}

/** The `terraform {}` settings of a module (merged across files). */
export function terraformSettings(module: TfModule): Body {
  const merged: Body = {};
  for (const file of module.files) for (const body of blocks(file.body, 'terraform')) Object.assign(merged, body);
  return merged;
}

/** Every string inside a value, with a path for messages. */
export function* strings(value: Value, at = ''): Generator<{ at: string; text: string }> {
  if (typeof value === 'string') yield { at, text: value };
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, `${at}[${i}]`);
  else if (isBody(value)) for (const [key, item] of Object.entries(value)) yield* strings(item, at ? `${at}.${key}` : key);
}

async function tfFilesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === '.terraform') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await tfFilesUnder(full)));
    else if (entry.name.endsWith('.tf')) out.push(full);
  }
  return out.sort();
}

/** Parses one file; a syntax error names the file, line and column. */
export async function parseTf(relativePath: string, text: string): Promise<Body> {
  return (await parse(relativePath, text)) as Body;
}

let loaded: Promise<TfModule[]> | undefined;

/** Every module under terraform/, parsed once per process. */
export function loadModules(): Promise<TfModule[]> {
  loaded ??= (async () => {
    const byDir = new Map<string, TfFile[]>();
    for (const full of await tfFilesUnder(TERRAFORM_DIR)) {
      const relative = path.relative(TERRAFORM_DIR, full);
      const body = await parseTf(relative, await readFile(full, 'utf8'));
      const dir = path.dirname(relative);
      byDir.set(dir, [...(byDir.get(dir) ?? []), { path: relative, body }]);
    }
    return [...byDir.entries()].map(([dir, files]) => ({ dir, files }));
  })();
  return loaded;
}

export async function moduleAt(dir: string): Promise<TfModule> {
  const found = (await loadModules()).find((m) => m.dir === dir);
  if (!found) throw new Error(`terraform/${dir} has no .tf files`);
  return found;
}

/** `"${var.x}"` -> `var.x`; other strings unchanged. */
export function expression(value: Value | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\{([\s\S]*)\}$/.exec(value);
  return match ? match[1] : value;
}
