import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Every module reachable from `entry` (a .ts file) by value imports, static or dynamic:
 * relative files followed, packages collected. Type-only imports are skipped, since they
 * vanish from a bundle. For tests that keep Node-only code out of edge entries.
 */
export function importGraph(entry: string): { files: string[]; packages: Map<string, string> } {
  const files: string[] = [];
  const packages = new Map<string, string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:^|\n)\s*(?:import|export)(?!\s+type\s)[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const specifier = match[1] ?? match[2]!;
      if (specifier.startsWith('.')) pending.push(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.set(specifier, file);
    }
  }
  return { files, packages };
}
