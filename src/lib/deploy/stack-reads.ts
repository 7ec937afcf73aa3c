import type {DeployedStack} from '../aws/cloudformation.js'
import type {StackDefinition} from '../stacks/types.js'
import type {DeployAws} from './types.js'

/**
 * The DescribeStacks of one deploy before it changes anything, each stack read at most once and
 * shared by whoever needs it: the lease (the bootstrap stack's bucket), the delegation check (the
 * zone and certificate stacks) and the engine's read phase. Whoever changes a stack, or learns
 * that a read may be out of date, forgets it.
 */
export interface StackReads {
  read(stack: StackDefinition): Promise<DeployedStack | undefined>
  /** The next read of this stack (of every stack, without a name) asks CloudFormation again. */
  forget(stackName?: string): void
}

export function sharedStackReads(aws: Pick<DeployAws, 'cloudFormation'>): StackReads {
  const reads = new Map<string, Promise<DeployedStack | undefined>>()
  return {
    read(stack) {
      let read = reads.get(stack.name)
      if (!read) {
        read = aws.cloudFormation(stack.region).describeStack(stack.name)
        reads.set(stack.name, read)
        // A failed read is not kept: the next reader asks again (and sees its own error).
        const failed = read
        failed.catch(() => {
          if (reads.get(stack.name) === failed) reads.delete(stack.name)
        })
      }
      return read
    },
    forget(stackName) {
      if (stackName === undefined) reads.clear()
      else reads.delete(stackName)
    },
  }
}
