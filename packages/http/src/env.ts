// zod's core types and parser: the schemas are zod/mini (a classic zod schema would work too).
import { type $ZodType, safeParse } from 'zod/v4/core';
import { objectMemo } from './object-memo.ts';

/** The environment failed validation; `variables` names each bad or missing one. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
  constructor(
    readonly variables: readonly string[],
    problems: readonly string[],
  ) {
    super(`Invalid worker environment: ${problems.join('; ')}`);
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: EnvError };

// An isolate reuses its env object across requests: validate once per (env, schema).
const memo = objectMemo<$ZodType, Outcome>();

/**
 * Validates a worker's env with `schema` at the first request and returns the
 * parsed value (memoised for this env object, failures included).
 * Throws EnvError whose message names each variable and what is wrong with it,
 * built from the schema's issue messages only — never from the values, which may be secrets.
 */
export function parseEnv<T>(schema: $ZodType<T>, env: unknown): T {
  if (typeof env !== 'object' || env === null) return unwrap<T>(validate(schema, env));
  return unwrap<T>(memo(env, schema, () => validate(schema, env)));
}

function unwrap<T>(outcome: Outcome): T {
  if (!outcome.ok) throw outcome.error;
  return outcome.value as T;
}

function validate(schema: $ZodType, env: unknown): Outcome {
  const result = safeParse(schema, env);
  if (result.success) return { ok: true, value: result.data };
  const variables: string[] = [];
  const problems: string[] = [];
  for (const issue of result.error.issues) {
    const names =
      issue.path.length > 0
        ? [issue.path.map(String).join('.')]
        : issue.code === 'unrecognized_keys'
          ? issue.keys
          : ['(env)'];
    for (const name of names) {
      const missing = issue.path.length > 0 && valueAt(env, issue.path) === undefined;
      variables.push(name);
      problems.push(missing ? `${name} is missing` : `${name}: ${issue.message}`);
    }
  }
  return { ok: false, error: new EnvError([...new Set(variables)], problems) };
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}
