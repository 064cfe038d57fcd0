/**
 * Creates a session on the first execution provider that works. A provider that failed once
 * (e.g. CUDA not bundled) is remembered for the life of the process, its failure is logged ONCE,
 * and later loads go straight to the next provider.
 */
import { resolveBackend, type SessionHandle } from './backend.ts';
import { env, log } from './env.ts';

const failedProviders = new Map<string, string>();

/** Providers that failed in this process, with the reason (for /v1/model and diagnostics). */
export function providerFailures(): Record<string, string> {
  return Object.fromEntries(failedProviders);
}

/** Forget remembered failures (tests; or after installing a driver in a long-lived process). */
export function resetProviderFailures(): void {
  failedProviders.clear();
}

export async function createSession(model: Uint8Array, providers: readonly string[], what: string): Promise<SessionHandle> {
  const errors: string[] = [];
  for (let i = 0; i < providers.length; i++) {
    const provider = providers[i];
    const isLast = i === providers.length - 1;
    const known = failedProviders.get(provider);
    if (known !== undefined && !isLast) {
      errors.push(`${provider}: ${known}`);
      continue;
    }
    try {
      const { backend } = await resolveBackend(provider);
      const session = await backend.createSession(model, { provider, threads: env.threads });
      log('info', `[latentkit] ${what}: running on ${provider}`);
      return session;
    } catch (e) {
      const reason = firstLine((e as Error)?.message ?? String(e));
      errors.push(`${provider}: ${reason}`);
      if (!failedProviders.has(provider)) {
        failedProviders.set(provider, reason);
        if (!isLast) {
          log('warn', `[latentkit] ${provider} execution provider unavailable (${reason}); falling back to ${providers[i + 1]}. This is reported once.`);
        }
      }
    }
  }
  throw new Error(`Could not create the ${what} session on any of [${providers.join(', ')}]: ${errors.join('; ')}`);
}

function firstLine(s: string): string {
  const line = s.split('\n')[0].trim();
  return line.length > 300 ? line.slice(0, 300) + '…' : line;
}
