/**
 * A value per (object, key), made once and kept while the object lives: an isolate reuses
 * its env and binding objects across requests, so what is built from one (a validated env,
 * a binding's proxy) is built at its first request only.
 */
export function objectMemo<K, V>(): (object: object, key: K, make: () => V) => V {
  const byObject = new WeakMap<object, Map<K, V>>();
  return (object, key, make) => {
    const byKey = byObject.get(object) ?? new Map<K, V>();
    // Map#set answers the map: a first key also files the object's map.
    if (!byKey.has(key)) byObject.set(object, byKey.set(key, make()));
    return byKey.get(key) as V;
  };
}
