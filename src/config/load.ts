import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';
import { PROCESS_ENV_NAMES } from './process-env.js';

/** One problem found in the configuration: where, what value, and why it was refused. */
export interface ConfigProblem {
  key: string;
  value: unknown;
  message: string;
  source: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems
          .map((p) => `  - ${p.key} = ${formatValue(p.key, p.value)} (${p.source}): ${p.message}`)
          .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** Path of the YAML file; when absent, UVM_CONFIG or no file at all. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Values applied last, e.g. from CLI flags. */
  overrides?: Record<string, unknown>;
}

/** Keys of the environment that are not config paths. */
const RESERVED_ENV = new Set(['UVM_CONFIG', ...PROCESS_ENV_NAMES]);
const ENV_PREFIX = 'UVM_';

/**
 * Loads, merges (file < env < overrides) and validates the configuration once. Throws a
 * ConfigError listing every problem, never only the first.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const problems: ConfigProblem[] = [];
  const sources = new Map<string, string>();

  const file = options.file ?? env.UVM_CONFIG;
  let merged: Record<string, unknown> = {};
  if (file) {
    merged = readConfigFile(file, problems);
    for (const key of leafPaths(merged)) sources.set(key, `file ${file}`);
  }
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || RESERVED_ENV.has(name) || raw === undefined) continue;
    const keyPath = envNameToPath(name);
    setPath(merged, keyPath, parseEnvValue(raw));
    sources.set(keyPath.join('.'), `env ${name}`);
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    setPath(merged, key.split('.'), value);
    sources.set(key, 'override');
  }

  const result = configSchema.safeParse(merged);
  if (!result.success) problems.push(...toProblems(result.error, merged, sources));
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

/** Absolute path of a config path setting, resolving relative ones against dataDir. */
export function resolveDataPath(config: Config, p: string): string {
  return path.resolve(config.dataDir, p);
}

function readConfigFile(file: string, problems: ConfigProblem[]): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    problems.push({
      key: '(file)',
      value: file,
      source: 'UVM_CONFIG/--config',
      message: `cannot read: ${(err as Error).message}`,
    });
    return {};
  }
  try {
    const doc = YAML.parse(text) ?? {};
    if (typeof doc !== 'object' || Array.isArray(doc)) {
      problems.push({
        key: '(file)',
        value: file,
        source: `file ${file}`,
        message: 'top level must be a mapping',
      });
      return {};
    }
    return dropNulls(doc as Record<string, unknown>);
  } catch (err) {
    problems.push({
      key: '(file)',
      value: file,
      source: `file ${file}`,
      message: `not valid YAML: ${(err as Error).message}`,
    });
    return {};
  }
}

/** `key:` with nothing after it (a section left empty, or all commented out) means "use the defaults". */
function dropNulls(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === null) continue;
    out[k] = typeof v === 'object' && !Array.isArray(v) ? dropNulls(v as Record<string, unknown>) : v;
  }
  return out;
}

/** UVM_STORAGE__S3__ACCESS_KEY -> ['storage', 's3', 'accessKey']; UVM_DATA_DIR -> ['dataDir']. */
export function envNameToPath(name: string): string[] {
  return name
    .slice(ENV_PREFIX.length)
    .split('__')
    .map((part) => part.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
}

/** Environment values are YAML scalars or flow lists, so numbers, booleans and lists arrive typed ("8080" -> 8080). */
function parseEnvValue(raw: string): unknown {
  if (raw === '') return raw;
  try {
    const value = YAML.parse(raw);
    // Lists come as YAML flow sequences (UVM_ARCHIVE__RECIPIENTS='[age1..., age1...]'); maps never.
    if (Array.isArray(value)) return value;
    return value === null || typeof value === 'object' ? raw : value;
  } catch {
    return raw;
  }
}

function setPath(target: Record<string, unknown>, keyPath: string[], value: unknown): void {
  let node = target;
  keyPath.forEach((key, i) => {
    if (i === keyPath.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  });
}

function getPath(source: unknown, keyPath: PropertyKey[]): unknown {
  let node = source;
  for (const key of keyPath) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function leafPaths(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? leafPaths(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

function toProblems(error: z.ZodError, input: unknown, sources: Map<string, string>): ConfigProblem[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => {
        const key = [...issue.path, k].join('.');
        return {
          key,
          value: getPath(input, [...issue.path, k]),
          source: sourceOf(key, sources),
          message: 'unknown key',
        };
      });
    }
    const key = issue.path.join('.') || '(root)';
    return [
      { key, value: getPath(input, issue.path), source: sourceOf(key, sources), message: issue.message },
    ];
  });
}

function sourceOf(key: string, sources: Map<string, string>): string {
  for (const [k, s] of sources) if (k === key || k.startsWith(`${key}.`)) return s;
  return 'default';
}

function formatValue(key: string, value: unknown): string {
  if (value === undefined) return '(missing)';
  if (/secret|password|token/i.test(key)) return '"***"';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
