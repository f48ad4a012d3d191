import { MwError } from '../../errors.js';
import type { UploadPipeline } from '../pipeline.js';
import type { ReceivedFile } from '../receive.js';
import { type Caller, outcomeAnswer, processOptions, type Target, type UploadAnswer } from '../requests.js';

/** An upload of a whole file (the `file` part of the request, already stored and hashed). */
export async function uploadFile(
  pipeline: UploadPipeline,
  caller: Caller,
  part: ReceivedFile,
  target: Target,
): Promise<UploadAnswer> {
  caller.authorize(false);
  const stored = part.stored;
  if (stored.kind !== 'blob') throw new MwError('badupload', 'The file part could not be stored.');
  const options = processOptions(target);
  part.claimed = true;
  const file = {
    blobKey: stored.blobKey,
    size: part.size,
    sha1: stored.sha1,
    head: part.head,
    tail: stored.tail,
    sourceType: 'file' as const,
  };
  return outcomeAnswer(await pipeline.process(file, options, caller.who));
}
