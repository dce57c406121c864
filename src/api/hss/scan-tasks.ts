// The task list for type=image_scan (ListImageScanTask): ImageScanTaskInfo rows with their counts and failed
// images (by digest: a scan is per digest, and failed_reason is the seed's scan_failed_desc code).
import type { AppContext } from '../../app/context.js';
import type { Scope } from '../../store/scope.js';

export async function listScanTasks(
  ctx: AppContext,
  scope: Scope,
  q: { task_id?: string; offset: number; limit: number },
) {
  const { total, rows } = await ctx.scanTasks.list(scope, { taskId: q.task_id, offset: q.offset, limit: q.limit });
  const data_list = [];
  for (const t of rows) {
    const c = await ctx.scanTasks.counts(t.id);
    data_list.push({
      task_id: t.id,
      task_name: `image-scan-${t.id.slice(0, 8)}`,
      task_type: t.task_type,
      image_type: 'registry',
      task_status: t.task_status,
      is_all: t.is_all,
      begin_time: Number(t.begin_time),
      end_time: t.end_time === null ? undefined : Number(t.end_time),
      total_num: c.total_num,
      success_num: c.success_num,
      failed_num: c.failed_num,
      failed_images: c.failed
        .slice(0, 100)
        .map((f) => ({ image_digest: f.digest, failed_reason: f.failed_code ?? 'unknown_error' })),
    });
  }
  return { total_num: total, data_list };
}
