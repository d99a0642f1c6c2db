import { Type } from 'typebox'

/** A UUID path parameter. */
export const Uuid = Type.String({ format: 'uuid' })

export const ProjectParams = Type.Object({ projectId: Uuid }, { additionalProperties: false })

/** `limit` and `offset` of a paginated list. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
}

/** A page of a list, with the total for page controls. */
export function Page<T extends Parameters<typeof Type.Array>[0]>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  })
}

/** The error answers a route documents, by status. */
export function errors(...statuses: number[]): Record<number, ReturnType<typeof Type.Ref>> {
  return Object.fromEntries(statuses.map((status) => [status, Type.Ref('ErrorBody')]))
}

/** The security requirement of routes that take a user's access token. */
export const userAuth = [{ accessToken: [] }]
/** The security requirement of routes that take a project token. */
export const projectAuth = [{ projectToken: [] }]

/** `schema` or `null`. */
export function Nullable<T extends Parameters<typeof Type.Union>[0][number]>(schema: T) {
  return Type.Union([schema, Type.Null()])
}
