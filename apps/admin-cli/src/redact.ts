/** `scheme://user:password@` anywhere in a text. */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]*)@/gi;

/** The passwords in the connection URLs of an environment, to be scrubbed from anything printed. */
export function secretsOf(env: Readonly<Record<string, string | undefined>>): string[] {
  const secrets = new Set<string>();
  for (const key of ['DATABASE_URL', 'TENANCY_SERVERS', 'REDIS_URL']) {
    const value = env[key];
    if (!value) continue;
    for (const match of value.matchAll(URL_PASSWORD)) {
      const password = match[2] ?? '';
      if (password.length === 0) continue;
      secrets.add(password);
      try {
        secrets.add(decodeURIComponent(password));
      } catch {
        // not percent-encoded; the raw form is enough
      }
    }
  }
  // Longest first, so a password that contains another is replaced whole.
  return [...secrets].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
}

/** Replaces URL passwords and the given secrets with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(URL_PASSWORD, '$1***@');
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}
