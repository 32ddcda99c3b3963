// Streams a multipart/form-data request: file parts go straight to temp files (hashed, size-capped
// while streaming), text fields are kept. Nothing is buffered whole; on any failure the temp files go.
import busboy from 'busboy';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import { AppError, fieldError } from '../errors';
import { writeTemp, type TempFile } from './artifact-store';

export interface UploadedFile extends TempFile { filename: string; mimeType: string }
export interface MultipartResult { fields: Record<string, string>; files: Record<string, UploadedFile> }

interface Options {
  fileFields: string[];
  textFields: string[];
  maxFileBytes: number;
  maxFieldBytes: number;
}

const MB = 1024 * 1024;

export async function discardFiles(files: Record<string, UploadedFile>): Promise<void> {
  await Promise.all(Object.values(files).map((f) => rm(f.path, { force: true })));
}

export async function parseMultipart(req: Request, opts: Options): Promise<MultipartResult> {
  const contentType = req.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    throw new AppError('unsupported_media_type', `content-type: expected multipart/form-data with a "file" part, got "${contentType || 'none'}"`);
  }
  const declared = Number(req.headers.get('content-length') ?? NaN);
  const maxTotal = opts.maxFileBytes * opts.fileFields.length + opts.maxFieldBytes * opts.textFields.length + MB;
  if (Number.isFinite(declared) && declared > maxTotal) {
    throw fieldError('payload_too_large', 'file', `the upload is ${(declared / MB).toFixed(1)} MB; the limit is ${(opts.maxFileBytes / MB).toFixed(0)} MB (MAX_UPLOAD_MB)`);
  }
  if (!req.body) throw fieldError('invalid_input', 'file', 'required: the request has no body');

  const files: Record<string, UploadedFile> = {};
  const fields: Record<string, string> = {};
  const pending: Promise<unknown>[] = [];
  let failure: AppError | null = null;
  const fail = (err: AppError) => { failure ??= err; };

  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: { 'content-type': contentType },
      limits: {
        fileSize: opts.maxFileBytes,
        fieldSize: opts.maxFieldBytes,
        files: opts.fileFields.length,
        fields: opts.textFields.length,
        parts: opts.fileFields.length + opts.textFields.length,
      },
    });
  } catch (err) {
    throw new AppError('invalid_input', `content-type: ${(err as Error).message}`);
  }
  const source = Readable.fromWeb(req.body as unknown as NodeWebStream<Uint8Array>);

  bb.on('file', (name, stream, info) => {
    if (!opts.fileFields.includes(name) || files[name] || failure) {
      if (!failure) fail(fieldError('invalid_input', name, opts.fileFields.includes(name) ? 'given twice' : `is not a known part (expected ${[...opts.fileFields, ...opts.textFields].join(', ')})`));
      stream.resume();
      return;
    }
    stream.on('limit', () => {
      fail(fieldError('payload_too_large', name, `is larger than ${(opts.maxFileBytes / MB).toFixed(0)} MB (MAX_UPLOAD_MB)`));
      source.destroy();
      stream.resume();
    });
    pending.push(
      writeTemp(stream, () => { if (failure) throw failure; })
        .then((tmp) => {
          const file = { ...tmp, filename: info.filename ?? '', mimeType: info.mimeType };
          if (failure) return rm(tmp.path, { force: true });
          files[name] = file;
        })
        .catch((err: unknown) => fail(err instanceof AppError ? err : new AppError('invalid_input', `${name}: the upload was interrupted`))),
    );
  });
  bb.on('field', (name, value, info) => {
    if (info.valueTruncated) fail(fieldError('payload_too_large', name, `is larger than ${opts.maxFieldBytes} bytes`));
    else if (!opts.textFields.includes(name)) fail(fieldError('invalid_input', name, `is not a known field (expected ${[...opts.fileFields, ...opts.textFields].join(', ')})`));
    else fields[name] = value;
  });
  bb.on('partsLimit', () => fail(new AppError('invalid_input', 'body: too many parts')));
  bb.on('filesLimit', () => fail(new AppError('invalid_input', `body: too many files (expected ${opts.fileFields.join(', ')})`)));
  bb.on('fieldsLimit', () => fail(new AppError('invalid_input', `body: too many fields (expected ${opts.textFields.join(', ')})`)));

  await new Promise<void>((resolve) => {
    bb.on('close', resolve);
    bb.on('error', (err: Error) => { fail(new AppError('invalid_input', `body: malformed multipart data (${err.message})`)); resolve(); });
    source.on('error', () => { fail(new AppError('invalid_input', 'body: the upload was interrupted')); resolve(); });
    source.on('close', () => { if (failure) resolve(); });
    source.pipe(bb);
  });
  await Promise.allSettled(pending);
  if (failure) {
    await discardFiles(files);
    throw failure;
  }
  return { fields, files };
}
