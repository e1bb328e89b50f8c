import { BucketCompleted, BucketFlags, Comment, CommentList, CriterionFlag, FlagAnswer, ProgressTimeline, ProgressUpdate } from '@cagnotte/shared';
import { path, request, requestNothing } from './http.ts';

/** The talk around a project: comments, flags against the round's grid, progress updates. */
export const discussionApi = {
  comments: (bucketId: string) => request(CommentList, 'GET', path`/api/buckets/${bucketId}/comments`),
  comment: (bucketId: string, body: string) => request(Comment, 'POST', path`/api/buckets/${bucketId}/comments`, { body: { body } }),
  editComment: (commentId: string, body: string) => request(Comment, 'PATCH', path`/api/comments/${commentId}`, { body: { body } }),
  deleteComment: (commentId: string) => requestNothing('DELETE', path`/api/comments/${commentId}`),

  flags: (bucketId: string) => request(BucketFlags, 'GET', path`/api/buckets/${bucketId}/flags`),
  raiseFlag: (bucketId: string, criterionId: string, reason: string) =>
    request(CriterionFlag, 'POST', path`/api/buckets/${bucketId}/flags`, { body: { criterionId, reason } }),
  withdrawFlag: (flagId: string) => requestNothing('DELETE', path`/api/flags/${flagId}`),
  answerFlag: (flagId: string, body: string) => request(FlagAnswer, 'POST', path`/api/flags/${flagId}/answers`, { body: { body } }),

  progress: (bucketId: string) => request(ProgressTimeline, 'GET', path`/api/buckets/${bucketId}/progress`),
  postProgress: (bucketId: string, body: string, link?: string) =>
    request(ProgressUpdate, 'POST', path`/api/buckets/${bucketId}/progress`, { body: link ? { body, link } : { body } }),
  complete: (bucketId: string, note?: string) => request(BucketCompleted, 'POST', path`/api/buckets/${bucketId}/complete`, { body: note ? { note } : {} }),
};
