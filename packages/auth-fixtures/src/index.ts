export { createTokenFactory } from './token-factory.js'
export type { TokenFactory, TokenFactoryOptions, TokenSubject } from './token-factory.js'
