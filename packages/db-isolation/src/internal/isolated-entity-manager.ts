import type { EntityManager, ForkOptions, MikroORM } from '@mikro-orm/core'
import { parentTransaction } from './connection-guard.js'

type EntityManagerClass = new (...args: never[]) => EntityManager

/**
 * Switches `orm` to a subclass of its own EntityManager class that keeps app code inside the test
 * transaction:
 * - `fork()` keeps the transaction context unless the caller passes `keepTransactionContext: false`,
 *   so the app's own `orm.em.fork()` joins the test transaction;
 * - `commit()`/`rollback()` of an `em.begin()` (joined as a savepoint) restore the enclosing
 *   transaction instead of leaving the EntityManager with none.
 * Call it right after `MikroORM.init`, before anything holds on to `orm.em`.
 */
export function useIsolatedEntityManager(orm: MikroORM): void {
  const Base = orm.em.constructor as EntityManagerClass
  class IsolatedEntityManager extends Base {
    override fork(options: ForkOptions = {}): this {
      return super.fork({
        ...options,
        keepTransactionContext: options.keepTransactionContext ?? true,
      })
    }

    override async commit(): Promise<void> {
      const ctx: unknown = this.getTransactionContext()
      await super.commit()
      this.restoreParent(ctx)
    }

    override async rollback(): Promise<void> {
      const ctx: unknown = this.getTransactionContext()
      await super.rollback()
      this.restoreParent(ctx)
    }

    private restoreParent(ctx: unknown): void {
      const parent = ctx ? parentTransaction(ctx) : undefined
      if (parent) this.setTransactionContext(parent)
    }
  }
  Object.defineProperty(IsolatedEntityManager, 'name', { value: `Isolated${Base.name}` })
  orm.config.set('entityManager', IsolatedEntityManager as never)
  // public in the JavaScript, private in the typings: rebuilds orm.em with the class set above
  ;(orm as unknown as { createEntityManager(): void }).createEntityManager()
}
