/**
 * A value per (object, key), made once and kept while the object lives: an isolate reuses
 * its env and binding objects across requests, so what is built from one (a validated env,
 * a binding's proxy) is built at its first request only.
 */
export function objectMemo<K, V>(): (object: object, key: K, make: () => V) => V {
  const byObject = new WeakMap<object, Map<K, V>>();
  return (object, key, make) => {
    let byKey = byObject.get(object);
    if (byKey === undefined) {
      byKey = new Map();
      byObject.set(object, byKey);
    }
    if (byKey.has(key)) return byKey.get(key) as V;
    const value = make();
    byKey.set(key, value);
    return value;
  };
}
