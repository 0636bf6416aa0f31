/**
 * The worker secrets a deploy uploads with the new version (`--secrets-file`): those of the
 * worker's `secrets.required` that the GitHub environment has. The others are inherited from the
 * version deployed before (set once with `wrangler secret put`), so an owner may keep a secret in
 * either place; a first deploy needs them all (wrangler refuses otherwise).
 */
export function secretsFor(
  required: readonly string[],
  variables: Readonly<Record<string, string | undefined>>,
): { values: Record<string, string>; inherited: string[] } {
  const values: Record<string, string> = {};
  const inherited: string[] = [];
  for (const name of required) {
    const value = variables[name];
    if (value) values[name] = value;
    else inherited.push(name);
  }
  return { values, inherited };
}
