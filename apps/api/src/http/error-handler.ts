import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError, type FieldIssue } from './api-error.ts'
import type { ErrorBody } from './error-body.ts'

type ValidationError = NonNullable<FastifyError['validation']>[number]

const CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
}

/**
 * Every error answer: 4xx bodies say what was wrong (and which field); 500 bodies never carry the
 * exception's text or stack, in any environment; the error itself is logged with the request id.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })

  app.setNotFoundHandler((request, reply) =>
    send(
      request,
      reply,
      404,
      'not_found',
      `no route ${request.method} ${request.url.split('?')[0]}`,
    ),
  )

  app.setErrorHandler((error: FastifyError | ApiError | Error, request, reply) => {
    if (error instanceof ApiError) {
      return send(request, reply, error.statusCode, error.code, error.message, error.issues)
    }
    const fastifyError = error as FastifyError
    if (fastifyError.validation) {
      const issues = fastifyError.validation.map((issue) =>
        fieldIssue(fastifyError.validationContext ?? 'body', issue),
      )
      const message = issues.map(({ field, reason }) => `${field} ${reason}`).join('; ')
      return send(request, reply, 400, 'invalid_request', message, issues)
    }
    const status = fastifyError.statusCode
    if (status !== undefined && status >= 400 && status < 500) {
      return send(
        request,
        reply,
        status,
        CODES[status] ?? 'client_error',
        clientMessage(fastifyError, request),
      )
    }
    request.log.error({ err: error }, 'request failed')
    return send(
      request,
      reply,
      500,
      'internal',
      `something went wrong on our side; quote request id ${request.id} when reporting it`,
    )
  })
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  error: string,
  message: string,
  issues?: FieldIssue[],
): FastifyReply {
  const body: ErrorBody = { error, message, ...(issues ? { issues } : {}), requestId: request.id }
  if (status === 401) void reply.header('www-authenticate', 'Bearer')
  return reply.code(status).type('application/json; charset=utf-8').send(body)
}

/** `body.email` / `query.limit` / `params.projectId`, and what is wrong with it. */
function fieldIssue(context: string, issue: ValidationError): FieldIssue {
  const where = context === 'querystring' ? 'query' : context
  const path = issue.instancePath
    .split('/')
    .slice(1)
    .map((part) =>
      /^\d+$/.test(part) ? `[${part}]` : `.${part.replaceAll('~1', '/').replaceAll('~0', '~')}`,
    )
    .join('')
  const params = issue.params
  if (issue.keyword === 'required') {
    return { field: `${where}${path}.${String(params.missingProperty)}`, reason: 'is required' }
  }
  if (issue.keyword === 'additionalProperties') {
    return {
      field: `${where}${path}.${String(params.additionalProperty)}`,
      reason: 'is not a known field',
    }
  }
  return { field: `${where}${path}`, reason: issue.message ?? `fails ${issue.keyword}` }
}

/** Fastify's own 4xx messages, made to say what to do where they do not. */
function clientMessage(error: FastifyError, request: FastifyRequest): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `the body is larger than the limit of ${request.routeOptions.bodyLimit ?? 0} bytes`
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `content-type '${request.headers['content-type'] ?? ''}' is not accepted by ${request.method} ${request.routeOptions.url ?? request.url}`
    default:
      return error.message
  }
}
