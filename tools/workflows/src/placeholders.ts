/**
 * Resource ids in a worker's wrangler.jsonc that only the owner's account knows are committed as
 * `REPLACE_WITH_<NAME>` and filled in by the deploy workflow from the GitHub environment's
 * variables, so the repository stays the same for every owner.
 */
const placeholder = /REPLACE_WITH_[A-Z0-9_]+/g;

/** Every placeholder left in a (resolved) wrangler configuration, sorted. */
export function placeholdersIn(config: unknown): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(placeholder)) found.add(match[0]);
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item);
    } else if (value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) walk(item);
    }
  };
  walk(config);
  return [...found].sort();
}

/**
 * The variable that fills a placeholder: `REPLACE_WITH_STAGING_D1_ID` in `staging` reads `D1_ID`,
 * because the GitHub environment already says which environment it is;
 * `REPLACE_WITH_ACCOUNT_ID` reads `ACCOUNT_ID` in every environment.
 */
export function variableFor(placeholderName: string, environment: string): string {
  const name = placeholderName.replace(/^REPLACE_WITH_/, '');
  const prefix = `${environment.toUpperCase()}_`;
  return environment && name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

export type FilledConfig = {
  text: string;
  /** Variables that were unset or empty. */
  missing: string[];
  /** Variables whose value is no plain id (it would be pasted into JSON). */
  invalid: string[];
};

// Account, namespace and database ids are hex or UUIDs; nothing else belongs in those strings.
const plainId = /^[A-Za-z0-9._-]+$/;

export function fillPlaceholders(
  text: string,
  placeholders: readonly string[],
  environment: string,
  variables: Readonly<Record<string, string | undefined>>,
): FilledConfig {
  let filled = text;
  const missing: string[] = [];
  const invalid: string[] = [];
  for (const name of placeholders) {
    const variable = variableFor(name, environment);
    const value = variables[variable];
    if (!value) missing.push(variable);
    else if (!plainId.test(value)) invalid.push(variable);
    else filled = filled.replace(new RegExp(`${name}(?![A-Z0-9_])`, 'g'), value);
  }
  return { text: filled, missing, invalid };
}
