// Name rules shared by the API, the UI forms and the database layer.
import { z } from 'zod';

export const MODEL_NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const ALIAS_NAME_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const modelNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(MODEL_NAME_RE, 'must be lowercase letters, digits, "-", "_" or ".", starting with a letter or digit');

export const aliasNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(63, 'must be at most 63 characters')
  .regex(ALIAS_NAME_RE, 'must be lowercase letters, digits or "-", starting with a letter or digit');

/** The largest id or number a path or body may name: a 32-bit integer column's, as PostgreSQL's `integer`. */
export const MAX_ID = 2 ** 31 - 1;

/**
 * A version number, given as a number (JSON bodies) or as digits (paths, queries). Only strings are
 * converted: z.coerce read `{"version": true}` as version 1 and moved the alias.
 */
export const versionNumberSchema = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
  z.number({ error: 'must be a version number' }).int('must be a whole number').min(1, 'must be 1 or more').max(MAX_ID, 'is too large'),
);
