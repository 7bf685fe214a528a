import type { FastifyInstance } from "fastify";
import { logApproval } from "../audit-log/relay-events.ts";
import { approveInvocation } from "../authorize/pending-flow.ts";
import { approvalAnswerSchema, approvalBodySchema } from "../schemas/authorize-schemas.ts";
import { errorResponses } from "../schemas/common-schemas.ts";
import { authenticate } from "../sessions/authenticate.ts";

/**
 * `POST /v1/approvals`: an approval statement for a pending invocation (docs/spec/authorize.md
 * section 2). The caller is authenticated; the approval's own signature names the approver.
 *
 * @example
 * registerApprovalRoutes(app);
 */
export function registerApprovalRoutes(app: FastifyInstance): void {
  app.post<{ Body: { approval: string } }>(
    "/v1/approvals",
    {
      schema: {
        summary: "Approve a pending invocation",
        tags: ["authorization"],
        security: [{ session: [] }],
        body: approvalBodySchema,
        response: { 201: approvalAnswerSchema, ...errorResponses },
      },
      preHandler: async (request) => {
        await authenticate(app.relay, request);
      },
    },
    async (request, reply) => {
      const answer = await approveInvocation(app.relay, request.body.approval);
      await logApproval(app.relay.auditLog, {
        approver: request.agent!.agent,
        approval: request.body.approval,
        invocation: answer.invocationHash,
        satisfied: answer.satisfied,
        time: app.relay.now(),
      });
      request.log.info(
        { invocation: answer.invocationHash, satisfied: answer.satisfied },
        "approval recorded",
      );
      return reply.code(201).send(answer);
    },
  );
}
