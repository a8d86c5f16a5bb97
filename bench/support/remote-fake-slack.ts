import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, FakeProcessConfig, ParentMessage, ReportedPost } from './fake-slack-process.js';

const SCRIPT = fileURLToPath(new URL('./fake-slack-process.ts', import.meta.url));

/** The parent's side of fake-slack-process.ts: where the fake listens, and what it received. */
export class RemoteFakeSlack {
  private constructor(
    private readonly child: ChildProcess,
    readonly apiUrl: string,
    readonly botToken: string,
  ) {}

  static start(config: FakeProcessConfig): Promise<RemoteFakeSlack> {
    const child = fork(SCRIPT, [JSON.stringify(config)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the fake Slack process exited (${code}) before it was ready`)));
      child.once('message', (m: ChildMessage) => {
        if (m.kind === 'ready') resolve(new RemoteFakeSlack(child, m.apiUrl, m.botToken));
      });
    });
  }

  /** Every chat.postMessage the fake received, in order of arrival. */
  report(): Promise<readonly ReportedPost[]> {
    return new Promise((resolve) => {
      const on = (m: ChildMessage): void => {
        if (m.kind !== 'report') return;
        this.child.off('message', on);
        resolve(m.posts);
      };
      this.child.on('message', on);
      this.tell({ kind: 'report' });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.child.removeAllListeners('exit');
      this.child.once('exit', () => resolve());
      this.tell({ kind: 'close' });
    });
  }

  private tell(m: ParentMessage): void {
    this.child.send(m);
  }
}
