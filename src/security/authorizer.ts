// The node's view of who may do what: each principal's identity policies compiled once into a
// PolicySet, kept until the directory's change counter moves (polled, so a policy change anywhere
// in the deployment reaches every node within `refreshMs`). Connections cache decisions by
// `generation` and drop them when it changes.
import type { Logger } from '../common/logger.ts'
import { compilePolicy, type CompiledPolicy } from './iam/compiled-policy.ts'
import { PolicySet } from './iam/policy-evaluator.ts'
import type { IdentityDirectory, Principal } from './identity.ts'

export interface AuthorizerOptions {
  identities: IdentityDirectory
  logger: Logger
  /** How often the directory's change counter is read. */
  refreshMs?: number
}

export class Authorizer {
  readonly #identities: IdentityDirectory
  readonly #logger: Logger
  readonly #refreshMs: number
  readonly #policies = new Map<string, Promise<PolicySet>>()
  #generation = 0
  #timer: NodeJS.Timeout | undefined

  constructor (options: AuthorizerOptions) {
    this.#identities = options.identities
    this.#logger = options.logger
    this.#refreshMs = options.refreshMs ?? 1000
  }

  get identities (): IdentityDirectory {
    return this.#identities
  }

  /** Changes whenever identities or policies changed; decisions taken at another generation are stale. */
  get generation (): number {
    return this.#generation
  }

  async start (): Promise<void> {
    await this.refresh()
    this.#timer = setInterval(() => { void this.refresh() }, this.#refreshMs)
    this.#timer.unref()
  }

  stop (): void {
    clearInterval(this.#timer)
  }

  /** Reads the change counter now; a change drops every compiled policy set. */
  async refresh (): Promise<void> {
    try {
      const counter = await this.#identities.changeCounter()
      if (counter !== this.#generation) {
        this.#generation = counter
        this.#policies.clear()
      }
    } catch (error) {
      this.#logger.warn({ err: error }, 'reading the identity change counter failed; policies stay as they were')
    }
  }

  /** The principal's policies at the current generation. A stored policy that no longer compiles grants nothing and is logged. */
  async policiesFor (principal: Principal): Promise<PolicySet> {
    let found = this.#policies.get(principal.arn)
    if (found === undefined) {
      found = this.#load(principal)
      this.#policies.set(principal.arn, found)
      found.catch(() => this.#policies.delete(principal.arn))
    }
    return await found
  }

  async #load (principal: Principal): Promise<PolicySet> {
    const compiled: CompiledPolicy[] = []
    for (const { name, document } of await this.#identities.policiesOf(principal)) {
      try {
        compiled.push(compilePolicy(name, document))
      } catch (error) {
        this.#logger.error({ err: error, principal: principal.arn, policy: name }, 'a stored policy does not compile; it grants nothing')
      }
    }
    return new PolicySet(compiled)
  }
}
