// The image configuration blob: platform, runtime settings, layer diff ids, history.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/config.md
import { z } from 'zod';
import { InvalidResponseError } from './errors.js';

export const ImageConfigSchema = z.looseObject({
  created: z.string().optional(),
  author: z.string().optional(),
  architecture: z.string().optional(),
  os: z.string().optional(),
  variant: z.string().optional(),
  config: z
    .looseObject({
      User: z.string().optional(),
      Env: z.array(z.string()).nullish(),
      Entrypoint: z.array(z.string()).nullish(),
      Cmd: z.array(z.string()).nullish(),
      WorkingDir: z.string().optional(),
      ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
      Labels: z.record(z.string(), z.string()).nullish(),
    })
    .nullish(),
  rootfs: z.looseObject({ type: z.string(), diff_ids: z.array(z.string()) }).optional(),
  history: z
    .array(
      z.looseObject({
        created: z.string().optional(),
        created_by: z.string().optional(),
        empty_layer: z.boolean().optional(),
      }),
    )
    .optional(),
});
export type ImageConfig = z.infer<typeof ImageConfigSchema>;

/** Parses config bytes (already digest-verified by the caller). */
export function parseImageConfig(raw: Buffer): ImageConfig {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InvalidResponseError('image config', 'body is not JSON');
  }
  const result = ImageConfigSchema.safeParse(json);
  if (!result.success) throw new InvalidResponseError('image config', result.error.issues[0]?.message ?? 'invalid');
  return result.data;
}
