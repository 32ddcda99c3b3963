// Streams a multipart/form-data request: file parts go straight to temp files (hashed, size-capped
// while streaming), text fields are kept. Nothing is buffered whole; on any failure the temp files go.
import busboy from 'busboy';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import { checkContentEncoding } from './json-body';
import { AppError, fieldError } from '../errors';
import { discardFiles, writeTemp, type Upload, type UploadedFile, type UploadLimits } from '../runtime/artifact-store';

const MB = 1024 * 1024;

export async function parseMultipart(req: Request, opts: UploadLimits): Promise<Upload> {
  const contentType = req.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    throw new AppError('unsupported_media_type', `content-type: expected multipart/form-data with a "file" part, got "${contentType || 'none'}"`);
  }
  checkContentEncoding(req.headers.get('content-encoding'));
  const declared = Number(req.headers.get('content-length') ?? NaN);
  const maxTotal = opts.maxFileBytes * opts.fileFields.length + opts.maxFieldBytes * opts.textFields.length + MB;
  if (Number.isFinite(declared) && declared > maxTotal) {
    throw fieldError(
      'payload_too_large',
      'file',
      `the upload is ${(declared / MB).toFixed(1)} MB; the limit is ${(opts.maxFileBytes / MB).toFixed(0)} MB (MAX_UPLOAD_MB)`,
    );
  }
  if (!req.body) throw fieldError('invalid_input', 'file', 'required: the request has no body');

  const files: Record<string, UploadedFile> = {};
  const fields: Record<string, string> = {};
  const pending: Promise<unknown>[] = [];
  let failure: AppError | null = null;
  const fail = (err: AppError) => {
    failure ??= err;
  };
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });

  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: { 'content-type': contentType },
      // Generous part counts: unknown and repeated parts are refused by name below, and busboy
      // reports a limit as soon as the count reaches it.
      limits: { fileSize: opts.maxFileBytes, fieldSize: opts.maxFieldBytes, files: 8, fields: 8, parts: 16 },
    });
  } catch (err) {
    throw new AppError('invalid_input', `content-type: ${(err as Error).message}`);
  }
  const source = Readable.fromWeb(req.body as unknown as NodeWebStream<Uint8Array>);
  let received = 0;
  source.on('data', (chunk: Uint8Array) => {
    received += chunk.length;
    if (received > maxTotal * 2) {
      fail(fieldError('payload_too_large', 'file', `the upload exceeds ${(opts.maxFileBytes / MB).toFixed(0)} MB (MAX_UPLOAD_MB)`));
      source.destroy();
    }
  });

  const seen = new Set<string>();
  const expected = [...opts.fileFields, ...opts.textFields].join(', ');
  bb.on('file', (name, stream, info) => {
    // A part cut off mid-stream errors its stream, maybe before writeTemp starts reading it: a
    // listener from the first moment keeps that error from escaping as an uncaught exception.
    stream.on('error', (err: Error) => fail(fieldError('invalid_input', name, `the part was cut off (${err.message})`)));
    const repeated = seen.has(name);
    seen.add(name);
    if (!opts.fileFields.includes(name) || repeated || failure) {
      if (!failure) fail(fieldError('invalid_input', name, repeated ? 'given twice' : `is not a known part (expected ${expected})`));
      stream.resume();
      return;
    }
    stream.on('limit', () => {
      // Stop storing and answer now, while the client is still sending. The rest of the body is read
      // and discarded so the 413 arrives on a usable connection; a body far beyond any limit is cut
      // off above.
      fail(fieldError('payload_too_large', name, `is larger than ${(opts.maxFileBytes / MB).toFixed(0)} MB (MAX_UPLOAD_MB)`));
      stream.resume();
      settle();
    });
    pending.push(
      // Written to the end even when another part fails (busboy stalls if a part stops being
      // read); the file is removed afterwards.
      writeTemp(stream)
        .then((tmp) => {
          const file = { ...tmp, filename: info.filename ?? '', mimeType: info.mimeType };
          if (failure) return rm(tmp.path, { force: true });
          files[name] = file;
        })
        .catch((err: unknown) => fail(AppError.is(err) ? err : new AppError('invalid_input', `${name}: the upload was interrupted`))),
    );
  });
  bb.on('field', (name, value, info) => {
    const repeated = seen.has(name);
    seen.add(name);
    if (!opts.textFields.includes(name)) fail(fieldError('invalid_input', name, `is not a known field (expected ${expected})`));
    else if (repeated) fail(fieldError('invalid_input', name, 'given twice'));
    else if (info.valueTruncated) fail(fieldError('payload_too_large', name, `is larger than ${opts.maxFieldBytes} bytes`));
    else fields[name] = value;
  });
  bb.on('partsLimit', () => fail(new AppError('invalid_input', `body: too many parts (expected ${expected})`)));
  bb.on('filesLimit', () => fail(new AppError('invalid_input', `body: too many files (expected ${opts.fileFields.join(', ')})`)));
  bb.on('fieldsLimit', () => fail(new AppError('invalid_input', `body: too many fields (expected ${opts.textFields.join(', ')})`)));

  bb.on('close', settle);
  bb.on('error', (err: Error) => {
    fail(new AppError('invalid_input', `body: malformed multipart data (${err.message})`));
    settle();
  });
  // A body that stops before its end (client gone, or cut off above) ends the part being written,
  // whose temp file is then removed.
  const cutShort = () => {
    if (!source.readableEnded) bb.destroy(new Error('the upload was interrupted'));
  };
  source.on('error', () => {
    fail(new AppError('invalid_input', 'body: the upload was interrupted'));
    cutShort();
    settle();
  });
  source.on('close', () => {
    cutShort();
    if (failure) settle();
  });
  source.pipe(bb);
  await settled;
  // After a failure the parts still being written are not awaited: each removes its own temp file.
  if (!failure) await Promise.allSettled(pending);
  if (failure) {
    await discardFiles(files);
    throw failure;
  }
  return { fields, files };
}
