/**
 * `uservm event normal`: the owner's side of teaching a camera from a false positive. The event's
 * snapshots are fetched as ciphertext, decrypted here with the owner's age identity (it never
 * leaves this machine), sent back as normal snapshots, and the re-score is followed to its result.
 */
import { Decrypter } from 'age-encryption';
import type { ApiClient } from './api-client.js';

interface Finding {
  type: string;
  label: string | null;
}
interface Summary {
  riskScore: number;
  riskLevel: string;
  explanation: string;
  findings: Finding[];
}
interface JobView {
  status: string;
  lastError: string | null;
  progress: { message?: string } | null;
  result: { baselineVersion: number; before: Summary; after: Summary } | null;
}

/** The identities of an age identity file (comments and blank lines skipped). */
export function parseIdentityFile(text: string): string[] {
  const keys = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('AGE-SECRET-KEY-'));
  if (keys.length === 0) throw new Error('the identity file has no AGE-SECRET-KEY-... line');
  return keys;
}

const describe = (s: Summary) =>
  `${s.riskLevel} (${s.riskScore}): ${s.findings.map((f) => `${f.type}${f.label ? `/${f.label}` : ''}`).join(', ') || 'no findings'}`;

export async function teachNormal(
  api: ApiClient,
  input: { eventId: string; frames: number[]; identities: string[]; follow: boolean; pollMs?: number },
  print: (line: string) => void,
): Promise<Summary | null> {
  const decrypter = new Decrypter();
  for (const identity of input.identities) decrypter.addIdentity(identity);
  const event = encodeURIComponent(input.eventId);
  const jobs: string[] = [];
  for (const n of input.frames) {
    const sealed = await api.download(`/api/v1/events/${event}/snapshots/${n}`);
    const plain = Buffer.from(await decrypter.decrypt(sealed));
    const type = plain[0] === 0x89 ? 'image/png' : 'image/jpeg';
    const r = await api.upload<{ snapshotId: string; status: string; jobId: string }>(
      `/api/v1/events/${event}/snapshots/${n}/normal`,
      plain,
      type,
    );
    print(`frame ${n}: normal snapshot ${r.snapshotId} (${r.status}), re-score job ${r.jobId}`);
    jobs.push(r.jobId);
  }
  if (!input.follow || jobs.length === 0) return null;
  // Each job updates the baseline and re-scores; the last one to finish has seen every frame.
  let last: JobView | null = null;
  for (const id of jobs) {
    let shown = '';
    for (;;) {
      const job = await api.request<JobView>('GET', `/api/v1/jobs/${encodeURIComponent(id)}`);
      const message = job.progress?.message ?? job.status;
      if (message !== shown) print(`  ${(shown = message)}`);
      if (job.status === 'succeeded') {
        last = job;
        break;
      }
      if (job.status === 'failed' || job.status === 'cancelled')
        throw new Error(`re-score job ${id} ${job.status}: ${job.lastError ?? 'no reason given'}`);
      await new Promise((r) => setTimeout(r, input.pollMs ?? 500));
    }
  }
  const result = last!.result!;
  print(`baseline v${result.baselineVersion}`);
  print(`before: ${describe(result.before)}`);
  print(`after:  ${describe(result.after)}`);
  print(`        ${result.after.explanation}`);
  return result.after;
}
