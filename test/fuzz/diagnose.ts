/** Why a program exited non-zero: the same session run in-process reports the error the program only logged. */
import { runSession, type Runner } from './run.js';
import type { FuzzSession } from './session.js';

export async function startInProcessDiagnosis(s: FuzzSession, runner: Runner): Promise<string | null> {
  try {
    const o = await runSession(s, 'inproc', runner);
    return o.exit.error ?? (o.exit.code === 0 ? 'exits 0 in-process' : null);
  } catch (e) {
    return `in-process run failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}
