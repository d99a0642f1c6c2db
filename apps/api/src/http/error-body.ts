import { Type, type Static } from 'typebox'

/** The body of every error answer. */
export const ErrorBody = Type.Object(
  {
    /** Machine-readable: `invalid_request`, `unauthorized`, `forbidden`, `not_found`, `internal`... */
    error: Type.String(),
    message: Type.String(),
    /** For invalid input: each field at fault and why. */
    issues: Type.Optional(Type.Array(Type.Object({ field: Type.String(), reason: Type.String() }))),
    /** Quote it when reporting a problem: the server's log lines carry it too. */
    requestId: Type.String(),
  },
  { $id: 'ErrorBody' },
)
export type ErrorBody = Static<typeof ErrorBody>
