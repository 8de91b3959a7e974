/** The audit chain's paths of the OpenAPI document (docs/audit-chain.md), kept in a block of their own. */
export const AUDIT_PATHS = {
  "/audit/head": {
    get: {
      security: [{ bearer: [] }],
      responses: {
        200: {
          description:
            "the head of the audit chain: the last link's sequence number, its HMAC-SM3 digest and when it was written (Cache-Control: no-store)",
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  seq: { type: "integer", minimum: 0 },
                  digest: { type: "string", pattern: "^[0-9a-f]{64}$" },
                  at: { type: "string", format: "date-time" },
                },
                required: ["seq", "digest", "at"],
                additionalProperties: false,
              },
            },
          },
        },
        401: {
          description: "no token",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
        403: {
          description: "a reporter",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
    },
  },
};
