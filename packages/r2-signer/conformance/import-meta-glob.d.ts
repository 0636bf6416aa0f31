// Vite's import.meta.glob, declared here because vite is not a direct dependency.
interface ImportMeta {
  glob<T>(
    pattern: string,
    options: { query: string; import: 'default'; eager: true },
  ): Record<string, T>;
}
