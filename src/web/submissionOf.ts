import type { z } from "zod";
import { ApiError, type ApiClient } from "../client/api";
import { submissionSchema } from "../core/schema/api";

export type StoredSubmission = z.infer<typeof submissionSchema>;

/**
 * One stored version with its document (GET /submissions/:id). The client has no public method
 * for it (its `latest` reads it privately), so it goes through `download` and is checked against
 * the same schema here; to be replaced by a client method when src/client gains one.
 */
export async function submissionOf(client: ApiClient, id: string): Promise<StoredSubmission> {
  const blob = await client.download(`/submissions/${encodeURIComponent(id)}`);
  const parsed = submissionSchema.safeParse(JSON.parse(await blob.text()));
  if (!parsed.success)
    throw new ApiError({
      kind: "bad-answer",
      detail: `GET /submissions/${id}: ${parsed.error.message}`,
    });
  return parsed.data;
}
