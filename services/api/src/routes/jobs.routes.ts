import { z } from 'zod';
import { NotFoundError } from '@ones-m365/shared/errors';
import { findJob, isServiceJobId, type Producer } from '@ones-m365/shared/queue';
import { defineRoute, type AnyRoute } from '../http/route.js';

export function jobsRoutes(deps: { producer: Producer }): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/jobs/:jobId',
      summary: 'State of a queued job (sync, delta, …)',
      tag: 'jobs',
      params: z.object({ jobId: z.string().min(1).max(200) }),
      responses: {
        200: 'The job',
        404: 'No such job (or it was removed after its retention period); job ids are UUIDs or positive integers',
      },
      async handler({ params }) {
        if (!isServiceJobId(params.jobId)) throw new NotFoundError('Job');
        let job = await findJob(deps.producer, params.jobId);
        if (!job) throw new NotFoundError('Job');
        const state = await job.getState();
        // Read before it finished, the job lacks what finishing wrote (result, finishedOn): read it again.
        if ((state === 'completed' || state === 'failed') && !job.finishedOn)
          job = (await findJob(deps.producer, params.jobId)) ?? job;
        return {
          id: job.id,
          name: job.name,
          state,
          progress: job.progress,
          result: (job.returnvalue as unknown) ?? null,
          failedReason: job.failedReason ?? null,
          attemptsMade: job.attemptsMade,
          createdAt: new Date(job.timestamp).toISOString(),
          finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
        };
      },
    }),
  ];
}
