// Types for what only the tests use: vite's import.meta.glob (how the conformance corpus
// reaches workerd) and m3u8-parser, which ships no types.

interface ImportMeta {
  glob<T>(
    pattern: string | readonly string[],
    options: { eager: true; query?: string; import?: string },
  ): Record<string, T>;
}

declare module 'm3u8-parser' {
  export class Parser {
    constructor(options?: { url?: string; mainDefinitions?: Record<string, string> });
    manifest: Record<string, unknown>;
    push(chunk: string): void;
    end(): void;
    on(event: 'warn' | 'info', listener: (event: { message: string }) => void): void;
    addParser(options: {
      expression: RegExp;
      customType: string;
      dataParser?: (line: string) => unknown;
      segment?: boolean;
    }): void;
  }
}
