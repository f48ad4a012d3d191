/**
 * Run by tus-async-hooks.test.ts in a process of its own (the test runner itself keeps async hooks
 * on): starts a server, sends it tus requests, then prints whether promise callbacks still get async
 * ids of their own, which they do only while async hooks are installed.
 */
import { executionAsyncId } from 'node:async_hooks';
import { startTestServer } from '../helpers/server.js';

const promiseHooksOn = async () => (await Promise.resolve().then(() => executionAsyncId())) !== 0;

const s = await startTestServer();
const before = await promiseHooksOn();
const answers: number[] = [];
for (const method of ['OPTIONS', 'POST']) {
  const res = await fetch(`${s.origin}/w/tus/`, { method, headers: { 'Tus-Resumable': '1.0.0' } });
  await res.arrayBuffer();
  answers.push(res.status);
}
const after = await promiseHooksOn();
await s.close();
process.stdout.write(`${JSON.stringify({ before, after, answers })}\n`);
